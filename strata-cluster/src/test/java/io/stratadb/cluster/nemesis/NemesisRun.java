package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratadb.cluster.nemesis.History.Op;
import io.stratadb.cluster.nemesis.History.Outcome;
import io.stratadb.cluster.nemesis.History.Type;
import io.stratadb.testing.RegisterChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One nemesis test: a three-node cluster under clients ({@link Workload}) while a nemesis injects
 * faults (once 20 writes were acknowledged, unless told otherwise), then every fault healed (nodes restarted or resumed, links healed) and the checks:
 *
 * <ol>
 *   <li>the cluster takes writes again after healing;
 *   <li>a final linearizable GET of every key on every node joins the history, which must be
 *       linearizable per key ({@link History#check()}): nothing acknowledged lost, nothing
 *       reported failed that appears;
 *   <li>every node applies the same entries, stops on SIGTERM, and the three databases are equal
 *       key by key ({@link Replicas});
 * </ol>
 *
 * On failure the nodes' state, the end of their logs and the nemesis' events are printed.
 *
 * <p>Thread safety: one test thread.
 */
final class NemesisRun {
  /** What the nemesis does, on the test thread, while the clients run. */
  @FunctionalInterface
  interface Nemesis {
    /** Injects faults until it is done; it may leave them in place (the run heals them). */
    void run(NemesisRun run) throws Exception;
  }

  private static final long LEADER_TIMEOUT_MS = 60_000;
  /** The client number of the operations the test thread records (the workload's are 1..N). */
  private static final int PROBE_CLIENT = 999;

  private final Cluster cluster;
  private final long startNanos = System.nanoTime();
  private final List<String> events = new ArrayList<>();
  private History history;
  private final List<Long> leaderKills = new ArrayList<>(); // System.nanoTime() of each
  private long probeSequence;

  private NemesisRun(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Runs {@code nemesis} against a new cluster in {@code dir} with {@code clients} client threads,
   * heals, and checks.
   *
   * @throws AssertionError if a check fails
   */
  static void run(Path dir, int clients, long seed, Nemesis nemesis) throws Exception {
    run(dir, Cluster.NODE_MAIN, clients, seed, List.of(), Workload.SOCKET_TIMEOUT_MS, true, nemesis);
  }

  /**
   * As {@link #run(Path, int, long, Nemesis)}, but the nemesis starts as soon as the cluster has a
   * leader, not after the first 20 acknowledged writes: the cluster's first entries are still
   * uncommitted.
   */
  static void runFromTheFirstElection(Path dir, int clients, long seed, Nemesis beforeStart, Nemesis nemesis)
      throws Exception {
    run(dir, Cluster.NODE_MAIN, clients, seed, List.of(), Workload.SOCKET_TIMEOUT_MS, false, run -> {
      beforeStart.run(run);
      run.cluster().startAll();
      String first = ClusterProbe.awaitLeaderFast(run.cluster(), LEADER_TIMEOUT_MS);
      run.log("started; first leader " + first);
      nemesis.run(run);
    });
  }

  /** As {@link #run(Path, int, long, Nemesis)} with nodes of another main class (same arguments). */
  static void run(Path dir, String nodeMain, int clients, long seed, Nemesis nemesis) throws Exception {
    run(dir, nodeMain, clients, seed, List.of(), Workload.SOCKET_TIMEOUT_MS, true, nemesis);
  }

  /**
   * As {@link #run(Path, int, long, Nemesis)} with the nodes started with {@code --stale-reads}
   * and a 1 s client timeout (so clients stuck on a cut-off node come back soon): the history
   * need not be linearizable, and its violations are returned (every other check still holds).
   */
  static List<String> runWithStaleReads(Path dir, int clients, long seed, Nemesis nemesis) throws Exception {
    return run(dir, Cluster.NODE_MAIN, clients, seed, List.of("--stale-reads"), 1_000, true, nemesis);
  }

  private static List<String> run(Path dir, String nodeMain, int clients, long seed, List<String> nodeArgs,
      int clientTimeoutMillis, boolean warmUp, Nemesis nemesis) throws Exception {
    boolean linearizable = nodeArgs.isEmpty();
    assumeTrue(nodeMainExists(), Cluster.NODE_MAIN + " is not on the class path yet");
    try (Cluster cluster = Cluster.create(dir, 3, nodeMain, nodeArgs)) {
      NemesisRun run = new NemesisRun(cluster);
      try {
        return run.execute(new Workload(cluster, new History(), clients, seed, clientTimeoutMillis), nemesis,
            linearizable, warmUp);
      } catch (Throwable t) {
        System.out.println("nemesis events:\n" + String.join("\n", run.events) + "\n" + cluster.describe(80));
        throw t;
      }
    }
  }

  private static boolean nodeMainExists() {
    try {
      Class.forName(Cluster.NODE_MAIN, false, NemesisRun.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The cluster under test. */
  Cluster cluster() {
    return cluster;
  }

  /** Records a nemesis event with its time since the start (printed if the test fails). */
  void log(String event) {
    events.add(String.format("%8.3f s %s", (System.nanoTime() - startNanos) / 1e9, event));
  }

  /** Waits until exactly one running node leads, and returns it. */
  String leader() throws InterruptedException {
    return ClusterProbe.awaitLeader(cluster, LEADER_TIMEOUT_MS);
  }

  /** A running node that does not lead. */
  String follower() throws InterruptedException {
    String leader = leader();
    return cluster.names().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
  }

  /**
   * Node {@code name}'s {@code INFO replication} field {@code field} as a number.
   *
   * @throws AssertionError if the node does not answer or lacks the field
   */
  long infoNumber(String name, String field) {
    String value = ClusterProbe.info(cluster, name).orElseThrow(() -> new AssertionError(name + " does not answer INFO"))
        .get(field);
    if (value == null) {
      throw new AssertionError(name + "'s INFO replication has no " + field);
    }
    return Long.parseLong(value);
  }

  /**
   * SETs keys {@code fill:0..} (outside the checked workload's keys) on node {@code name} until
   * {@code done} holds, one entry each; errors are ignored (the replicas are compared at the end).
   *
   * @throws AssertionError if {@code done} does not hold after {@code maxWrites} writes
   */
  void fillUntil(String name, int maxWrites, java.util.function.BooleanSupplier done) {
    Jedis jedis = connect(name, Workload.SOCKET_TIMEOUT_MS);
    try {
      for (int i = 0; i < maxWrites; i++) {
        if (i % 20 == 0 && done.getAsBoolean()) {
          log(i + " fill writes on " + name);
          return;
        }
        try {
          jedis.set("fill:" + i, "x".repeat(100));
        } catch (JedisException e) {
          jedis.close();
          jedis = connect(name, Workload.SOCKET_TIMEOUT_MS);
        }
      }
    } finally {
      jedis.close();
    }
    if (!done.getAsBoolean()) {
      throw new AssertionError("not done after " + maxWrites + " fill writes on " + name);
    }
  }

  /** Waits {@code millis} ms. */
  void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }

  /**
   * Waits until one of {@code nodes} says it leads.
   *
   * @throws AssertionError if none does within the leader timeout
   */
  String awaitLeaderAmong(List<String> nodes) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEADER_TIMEOUT_MS);
    while (System.nanoTime() < deadline) {
      for (String n : nodes) {
        if (ClusterProbe.leads(cluster, n)) {
          return n;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("none of " + nodes + " became leader within " + LEADER_TIMEOUT_MS + " ms");
  }

  /**
   * Kills the leader {@code name} with SIGKILL (not restarting it), noting the time: the run
   * reports how long after each such kill the first write invoked after it was acknowledged.
   */
  void killLeader(String name) throws InterruptedException {
    log("kill -9 leader " + name);
    leaderKills.add(System.nanoTime());
    cluster.node(name).kill();
  }

  /** Kills node {@code name} with SIGKILL, waits {@code millis} ms and starts it again. */
  void killFor(String name, long millis) throws InterruptedException {
    log("kill -9 " + name + " for " + millis + " ms");
    cluster.node(name).kill();
    sleep(millis);
    log("restart " + name);
    cluster.node(name).start();
  }

  /** Stops node {@code name} with SIGSTOP, waits {@code millis} ms and resumes it with SIGCONT. */
  void pauseFor(String name, long millis) throws InterruptedException {
    log("SIGSTOP " + name + " for " + millis + " ms");
    cluster.node(name).pause();
    sleep(millis);
    log("SIGCONT " + name);
    cluster.node(name).resume();
  }

  /**
   * Sets register {@code key} on node {@code node} to a value no client writes, from the test
   * thread, recorded in the history like a client's SET.
   *
   * @return whether it was acknowledged
   */
  boolean recordedSet(String node, int key) {
    long value = PROBE_CLIENT * 1_000_000_000L + ++probeSequence;
    long start = System.nanoTime();
    try (Jedis jedis = connect(node, Workload.SOCKET_TIMEOUT_MS)) {
      jedis.set(Workload.registerKey(key), Long.toString(value));
      history.add(new Op(PROBE_CLIENT, node, Type.SET, List.of(key), List.of(value), null, start, System.nanoTime(),
          Outcome.OK, null));
      return true;
    } catch (JedisException e) {
      history.add(new Op(PROBE_CLIENT, node, Type.SET, List.of(key), List.of(value), null, start,
          RegisterChecker.UNKNOWN_END, Outcome.UNKNOWN, e.getMessage()));
      return false;
    }
  }

  /**
   * Reads register {@code key} on node {@code node}, recorded in the history if it answers.
   *
   * @return whether it answered
   */
  boolean recordedGet(String node, int key) {
    long start = System.nanoTime();
    try (Jedis jedis = connect(node, Workload.SOCKET_TIMEOUT_MS)) {
      String v = jedis.get(Workload.registerKey(key));
      history.add(new Op(PROBE_CLIENT, node, Type.GET, List.of(key), List.of(), v == null ? null : Long.parseLong(v),
          start, System.nanoTime(), Outcome.OK, null));
      return true;
    } catch (JedisException e) {
      log("GET on " + node + " failed: " + e.getMessage());
      return false;
    }
  }

  private Jedis connect(String node, int timeoutMillis) {
    return new Jedis(new HostAndPort("127.0.0.1", cluster.redisPort(node)),
        DefaultJedisClientConfig.builder().socketTimeoutMillis(timeoutMillis).build());
  }

  /** Restarts every dead node, resumes every paused one, heals every link. */
  void healAll() throws InterruptedException {
    cluster.network().heal();
    for (String n : cluster.names()) {
      NodeProcess node = cluster.node(n);
      if (node.isPaused()) {
        node.resume();
      } else if (!node.isAlive()) {
        node.start();
      }
    }
    log("healed");
  }

  private List<String> execute(Workload workload, Nemesis nemesis, boolean linearizable, boolean warmUp)
      throws Exception {
    if (warmUp) {
      cluster.startAll();
      log("started; leader " + leader());
    }
    history = workload.history();
    workload.start();
    try {
      if (warmUp) {
        awaitAcknowledgedWriteAfter(history, startNanos);
      }
      nemesis.run(this);
      healAll();
      log("leader after healing " + leader());
      long healed = System.nanoTime();
      awaitAcknowledgedWriteAfter(history, healed);
    } finally {
      workload.stop();
    }
    log("clients stopped: " + history.counts());
    finalReads(history);
    if (!leaderKills.isEmpty()) {
      log("leader kills" + failoverTimes());
    }
    history.dump(cluster.dbDir("history.tsv"));
    List<String> violations = history.check();
    assertTrue(!linearizable || violations.isEmpty(), violations.size() + " violations (the history in "
        + cluster.dbDir("history.tsv") + ", System.nanoTime() at the start " + startNanos + "), the first: "
        + String.join("\n", violations.subList(0, Math.min(20, violations.size()))) + "\nerrors " + history.errors());
    long applied = ClusterProbe.awaitApplied(cluster, 60_000);
    log("every node applied " + applied);
    for (String n : cluster.names()) {
      int status = cluster.node(n).terminate();
      assertTrue(status == 0 || status == 143, n + " exited with " + status + " on SIGTERM");
    }
    List<String> differences = Replicas.differences(cluster);
    assertTrue(differences.isEmpty(), "the replicas differ:\n" + String.join("\n", differences));
    System.out.println("nemesis run: " + history.counts() + ", " + violations.size() + " violations"
        + "\nproxied connections by source (? = reset, from no node):\n" + cluster.network().describe()
        + String.join("\n", events));
    return violations;
  }

  /**
   * For the leader kills: the time from each kill to the completion of the first write invoked
   * after it that was acknowledged (ms), as count, median, 99th percentile and maximum.
   */
  private String failoverTimes() {
    List<Long> millis = new ArrayList<>();
    for (long kill : leaderKills) {
      history.ops().stream().filter(op -> op.start() > kill && op.outcome() == Outcome.OK
          && op.type() != Type.GET && op.type() != Type.GET_COUNTER).mapToLong(Op::end).min()
          .ifPresent(end -> millis.add((end - kill) / 1_000_000));
    }
    if (millis.isEmpty()) {
      return "";
    }
    millis.sort(null);
    return String.format(": to the first acknowledged write after each (ms): %d kills, p50 %d, p99 %d, max %d",
        millis.size(), millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
        millis.get(millis.size() - 1));
  }

  private void awaitAcknowledgedWriteAfter(History history, long healed) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      long acknowledged = history.ops().stream().filter(op -> op.start() > healed && op.outcome() == Outcome.OK
          && (op.type() == Type.SET || op.type() == Type.INCR)).count();
      if (acknowledged >= 20) {
        log(acknowledged + " writes acknowledged since healing");
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("fewer than 20 writes acknowledged within 60 s of healing: " + history.counts()
        + "\nerrors " + history.errors());
  }

  /** A linearizable GET of every key on every node, retried until it answers, into the history. */
  private void finalReads(History history) throws InterruptedException {
    for (String n : cluster.names()) {
      for (int k = 0; k < Workload.REGISTERS + Workload.COUNTERS; k++) {
        boolean counter = k >= Workload.REGISTERS;
        history.add(finalRead(n, counter, counter ? k - Workload.REGISTERS : k));
      }
    }
  }

  private Op finalRead(String node, boolean counter, int key) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long start = System.nanoTime();
      try (Jedis jedis = connect(node, Workload.SOCKET_TIMEOUT_MS)) {
        String v = jedis.get(counter ? Workload.counterKey(key) : Workload.registerKey(key));
        return new Op(0, node, counter ? Type.GET_COUNTER : Type.GET, List.of(key), List.of(),
            v == null ? null : Long.parseLong(v), start, System.nanoTime(), Outcome.OK, null);
      } catch (JedisException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("final read of key " + key + " on " + node + " failed for 30 s", e);
        }
        Thread.sleep(200);
      }
    }
  }
}
