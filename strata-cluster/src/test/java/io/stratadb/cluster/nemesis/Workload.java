package io.stratadb.cluster.nemesis;

import io.stratadb.cluster.nemesis.History.Op;
import io.stratadb.cluster.nemesis.History.Outcome;
import io.stratadb.cluster.nemesis.History.Type;
import io.stratadb.testing.RegisterChecker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Client threads running SET, DEL, MSET, GET and INCR on a few keys against random nodes of a
 * test cluster, recording every operation in a {@link History}. Each SET writes a value no other
 * write uses ({@code client * 10^9 + sequence}). A connection that cannot be opened fails the
 * operation before anything was sent ({@link Outcome#FAIL}); a timeout or a lost connection after
 * the command was sent, or an {@code UNKNOWN} error reply, is {@link Outcome#UNKNOWN}; any other
 * error reply is {@link Outcome#FAIL} (the node says nothing applied).
 *
 * <p>Thread safety: start and stop from one thread.
 */
final class Workload {
  /** Keys {@code reg:0..} are registers, {@code ctr:0..} counters. */
  static final int REGISTERS = 5;
  static final int COUNTERS = 2;
  /** How long a command may take before its outcome is unknown, in ms, unless told otherwise. */
  static final int SOCKET_TIMEOUT_MS = 5_000;

  private final Cluster cluster;
  private final History history;
  private final int clients;
  private final long seed;
  private final int socketTimeoutMillis;
  private final List<Thread> threads = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
      new java.util.concurrent.atomic.AtomicReference<>();
  private volatile boolean stopping;

  /**
   * @param cluster the nodes to send commands to
   * @param history where the operations go
   * @param clients how many client threads
   * @param seed for the random choices of node, key and command
   * @param socketTimeoutMillis how long a command may take before its outcome is unknown, in ms
   */
  Workload(Cluster cluster, History history, int clients, long seed, int socketTimeoutMillis) {
    this.cluster = cluster;
    this.history = history;
    this.clients = clients;
    this.seed = seed;
    this.socketTimeoutMillis = socketTimeoutMillis;
  }

  static String registerKey(int k) {
    return "reg:" + k;
  }

  static String counterKey(int k) {
    return "ctr:" + k;
  }

  /** Where the operations go. */
  History history() {
    return history;
  }

  /** Starts the client threads. */
  void start() {
    for (int c = 0; c < clients; c++) {
      int client = c + 1;
      Thread t = new Thread(() -> run(client), "client-" + client);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  /**
   * Stops the clients once their current operation ended (at most the socket timeout).
   *
   * @throws AssertionError if a client is still running 20 s later, or one failed (a reply the
   *     workload cannot read, e.g. a GET of a value no client wrote)
   */
  void stop() throws InterruptedException {
    stopping = true;
    for (Thread t : threads) {
      t.join(4L * socketTimeoutMillis);
      if (t.isAlive()) {
        throw new AssertionError(t.getName() + " still running");
      }
    }
    if (failure.get() != null) {
      throw new AssertionError("a client failed", failure.get());
    }
  }

  private void run(int client) {
    Random random = new Random(seed * 1_000 + client);
    Map<String, Jedis> connections = new HashMap<>();
    List<String> nodes = cluster.names();
    long sequence = 0;
    try {
      while (!stopping) {
        String node = nodes.get(random.nextInt(nodes.size()));
        int choice = random.nextInt(100);
        Type type = choice < 30 ? Type.SET : choice < 35 ? Type.DEL : choice < 40 ? Type.MSET
            : choice < 70 ? Type.GET : choice < 85 ? Type.INCR : Type.GET_COUNTER;
        boolean counter = type == Type.INCR || type == Type.GET_COUNTER;
        int k = random.nextInt(counter ? COUNTERS : REGISTERS);
        List<Integer> keys = type == Type.MSET ? List.of(k, (k + 1) % REGISTERS) : List.of(k);
        List<Long> written = new ArrayList<>();
        if (type == Type.SET || type == Type.MSET) {
          for (int i = 0; i < keys.size(); i++) {
            written.add(client * 1_000_000_000L + ++sequence);
          }
        }
        history.add(invoke(client, node, connections, type, keys, written));
        Thread.sleep(random.nextInt(3));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure.compareAndSet(null, e);
    } finally {
      connections.values().forEach(Jedis::close);
    }
  }

  private Op invoke(int client, String node, Map<String, Jedis> connections, Type type, List<Integer> keys,
      List<Long> written) {
    Jedis jedis = connections.get(node);
    if (jedis == null || !jedis.isConnected() || jedis.isBroken()) {
      if (jedis != null) {
        jedis.close();
      }
      JedisClientConfig config = DefaultJedisClientConfig.builder().connectionTimeoutMillis(1_000)
          .socketTimeoutMillis(socketTimeoutMillis).build();
      long start = System.nanoTime();
      try {
        jedis = new Jedis(new HostAndPort("127.0.0.1", cluster.redisPort(node)), config); // connects
      } catch (JedisConnectionException e) {
        connections.remove(node);
        return new Op(client, node, type, keys, written, null, start, System.nanoTime(), Outcome.FAIL,
            "connect: " + e.getMessage());
      }
      connections.put(node, jedis);
    }
    long start = System.nanoTime();
    try {
      Long result = send(jedis, type, keys, written);
      return new Op(client, node, type, keys, written, result, start, System.nanoTime(), Outcome.OK, null);
    } catch (JedisDataException e) {
      Outcome outcome = e.getMessage() != null && e.getMessage().startsWith("UNKNOWN") ? Outcome.UNKNOWN : Outcome.FAIL;
      return new Op(client, node, type, keys, written, null, start,
          outcome == Outcome.UNKNOWN ? RegisterChecker.UNKNOWN_END : System.nanoTime(), outcome, e.getMessage());
    } catch (JedisConnectionException e) {
      jedis.close();
      connections.remove(node);
      return new Op(client, node, type, keys, written, null, start, RegisterChecker.UNKNOWN_END, Outcome.UNKNOWN,
          "connection: " + e.getMessage());
    }
  }

  private static Long send(Jedis jedis, Type type, List<Integer> keys, List<Long> written) {
    switch (type) {
      case SET -> {
        expectOk(jedis.set(registerKey(keys.get(0)), written.get(0).toString()));
        return null;
      }
      case MSET -> {
        expectOk(jedis.mset(registerKey(keys.get(0)), written.get(0).toString(), registerKey(keys.get(1)),
            written.get(1).toString()));
        return null;
      }
      case DEL -> {
        jedis.del(registerKey(keys.get(0)));
        return null;
      }
      case GET -> {
        String v = jedis.get(registerKey(keys.get(0)));
        return v == null ? null : Long.parseLong(v);
      }
      case INCR -> {
        return jedis.incr(counterKey(keys.get(0)));
      }
      case GET_COUNTER -> {
        String v = jedis.get(counterKey(keys.get(0)));
        return v == null ? null : Long.parseLong(v);
      }
      default -> throw new IllegalStateException(type.toString());
    }
  }

  private static void expectOk(String reply) {
    if (!"OK".equals(reply)) {
      throw new IllegalStateException("reply " + reply);
    }
  }
}
