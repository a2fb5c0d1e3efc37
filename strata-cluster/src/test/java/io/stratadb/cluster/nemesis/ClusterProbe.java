package io.stratadb.cluster.nemesis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Asks a test cluster's nodes who leads ({@code ROLE}) and how far they applied ({@code INFO
 * replication}'s {@code raft_applied_index} and {@code raft_commit_index}), over short-lived
 * connections with a 2 s timeout; a node that is down, paused or cut off answers nothing.
 *
 * <p>Thread safety: stateless.
 */
final class ClusterProbe {
  private ClusterProbe() {}

  /** Node {@code name}'s {@code INFO replication} fields, or empty if it does not answer. */
  static Optional<Map<String, String>> info(Cluster cluster, String name) {
    try (Jedis jedis = connect(cluster, name)) {
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : jedis.info("replication").split("\r?\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && !line.startsWith("#")) {
          fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
      }
      return Optional.of(fields);
    } catch (JedisException e) {
      return Optional.empty();
    }
  }

  /** Whether node {@code name} answers that it leads ({@code ROLE} is {@code master}). */
  static boolean leads(Cluster cluster, String name) {
    try (Jedis jedis = connect(cluster, name)) {
      List<?> role = (List<?>) jedis.sendCommand(Protocol.Command.ROLE);
      Object first = role.isEmpty() ? null : role.get(0);
      return first instanceof byte[] b && "master".equals(SafeEncoder.encode(b));
    } catch (JedisException e) {
      return false;
    }
  }

  /**
   * The nodes that say they lead, among the running ones (an old leader cut off from the others
   * may still say so until its term ends).
   */
  static List<String> leaders(Cluster cluster) {
    List<String> leaders = new ArrayList<>();
    for (String n : cluster.names()) {
      if (cluster.node(n).isAlive() && !cluster.node(n).isPaused() && leads(cluster, n)) {
        leaders.add(n);
      }
    }
    return leaders;
  }

  /**
   * Waits until exactly one node says it leads, and returns it.
   *
   * @throws AssertionError if none or several do for {@code timeoutMillis} (ms)
   */
  static String awaitLeader(Cluster cluster, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<String> leaders;
    do {
      leaders = leaders(cluster);
      if (leaders.size() == 1) {
        return leaders.get(0);
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no single leader within " + timeoutMillis + " ms: " + leaders);
  }

  /**
   * Waits until a node says it leads, polling every few ms, and returns it at once (another may
   * still say so too).
   *
   * @throws AssertionError if none does within {@code timeoutMillis} (ms)
   */
  static String awaitLeaderFast(Cluster cluster, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    do {
      for (String n : cluster.names()) {
        if (leads(cluster, n)) {
          return n;
        }
      }
      Thread.sleep(5);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no leader within " + timeoutMillis + " ms");
  }

  /**
   * Waits until every node answers with the same applied index, at least the commit index the
   * leader reported at the start of the wait, so that all the databases hold the same entries.
   *
   * @return the applied index
   * @throws AssertionError if that does not happen within {@code timeoutMillis} (ms)
   */
  static long awaitApplied(Cluster cluster, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    long target = -1;
    Map<String, Long> applied = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      applied.clear();
      for (String n : cluster.names()) {
        info(cluster, n).ifPresent(f -> {
          applied.put(n, Long.parseLong(f.getOrDefault("raft_applied_index", "-1")));
          if ("master".equals(f.get("role"))) {
            applied.put("commit@" + n, Long.parseLong(f.getOrDefault("raft_commit_index", "-1")));
          }
        });
      }
      for (Map.Entry<String, Long> e : applied.entrySet()) {
        if (target < 0 && e.getKey().startsWith("commit@")) {
          target = e.getValue();
        }
      }
      List<Long> indexes = cluster.names().stream().map(applied::get).toList();
      if (target >= 0 && !indexes.contains(null) && indexes.stream().distinct().count() == 1
          && indexes.get(0) >= target) {
        return indexes.get(0);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the nodes did not apply the same entries within " + timeoutMillis + " ms: "
        + applied + ", leader's commit index at the start " + target);
  }

  private static Jedis connect(Cluster cluster, String name) {
    return new Jedis(new HostAndPort("127.0.0.1", cluster.redisPort(name)),
        DefaultJedisClientConfig.builder().connectionTimeoutMillis(1_000).socketTimeoutMillis(2_000).build());
  }
}
