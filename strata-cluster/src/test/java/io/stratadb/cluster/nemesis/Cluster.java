package io.stratadb.cluster.nemesis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * A test cluster of node JVMs on loopback, each behind a {@link LinkProxy}: node {@code n1} binds
 * its Raft port at {@code --raft-address}, and every node's {@code --peers} names the proxies, so
 * the {@link Network} can fault each link. Directories: {@code DIR/n1} is node n1's {@code --db},
 * {@code DIR/n1.log} its output.
 *
 * <p>{@link #close()} kills every node (resuming paused ones) and closes the proxies; the nodes
 * also halt by themselves when this JVM dies ({@link ParentWatchdog}), so no node JVM outlives a
 * test.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class Cluster implements AutoCloseable {
  /** The main class of a strata-cluster node. */
  public static final String NODE_MAIN = "io.stratadb.cluster.ClusterServerMain";
  /** The node JVMs' options: small heaps, as three of them share the machine with the tests. */
  static final List<String> NODE_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private final Path dir;
  private final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
  private final Map<String, Integer> redisPorts = new LinkedHashMap<>();
  private final Network network;

  private Cluster(Path dir, Map<String, NodeProcess> nodes, Map<String, Integer> redisPorts, Network network) {
    this.dir = dir;
    this.nodes.putAll(nodes);
    this.redisPorts.putAll(redisPorts);
    this.network = network;
  }

  /**
   * Creates (does not start) a cluster of {@code size} nodes named {@code n1..nN}, with the proxies
   * already listening.
   *
   * @param dir where the nodes' directories and logs go
   * @param mainClass the nodes' main class, normally {@link #NODE_MAIN}
   * @param extraArgs more arguments for every node, e.g. {@code --stale-reads}
   * @throws UncheckedIOException if no free ports can be found
   */
  public static Cluster create(Path dir, int size, String mainClass, List<String> extraArgs) {
    int[] ports = freePorts(3 * size); // per node: Raft (bound), proxy (dialled), Redis
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add("n" + (i + 1) + "=127.0.0.1:" + ports[3 * i + 1]);
    }
    Map<String, NodeProcess> nodes = new LinkedHashMap<>(); // complete before a proxy reads it
    Map<String, Integer> redis = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      String name = "n" + (i + 1);
      redis.put(name, ports[3 * i + 2]);
      List<String> args = new ArrayList<>(List.of("--node-id", name, "--raft-address",
          "127.0.0.1:" + ports[3 * i], "--peers", String.join(",", peers), "--port",
          Integer.toString(redis.get(name)), "--db", dir.resolve(name).toString()));
      args.addAll(extraArgs);
      nodes.put(name, new NodeProcess(name, mainClass, args, NODE_JVM_OPTIONS, dir.resolve(name + ".log")));
    }
    SocketOwners owners = new SocketOwners(() -> {
      Map<String, Long> pids = new LinkedHashMap<>();
      nodes.forEach((name, node) -> {
        long pid = node.pid();
        if (pid > 0) {
          pids.put(name, pid);
        }
      });
      return pids;
    });
    Map<String, LinkProxy> proxies = new TreeMap<>();
    for (int i = 0; i < size; i++) {
      String name = "n" + (i + 1);
      proxies.put(name, new LinkProxy(name, ports[3 * i + 1],
          new InetSocketAddress(InetAddress.getLoopbackAddress(), ports[3 * i]), owners));
    }
    return new Cluster(dir, nodes, redis, new Network(proxies));
  }

  /** Starts every node at once and waits until all are ready. */
  public void startAll() throws InterruptedException {
    ExecutorService starter = Executors.newFixedThreadPool(nodes.size());
    try {
      List<Future<?>> started = new ArrayList<>();
      for (NodeProcess n : nodes.values()) {
        started.add(starter.submit(() -> {
          n.start();
          return null;
        }));
      }
      for (Future<?> f : started) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      starter.shutdownNow();
    }
  }

  /** The nodes' names, {@code n1..nN}. */
  public List<String> names() {
    return List.copyOf(nodes.keySet());
  }

  /** Node {@code name}. */
  public NodeProcess node(String name) {
    NodeProcess n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return n;
  }

  /** The Redis port of node {@code name}. */
  public int redisPort(String name) {
    return redisPorts.get(name);
  }

  /** The links between the nodes. */
  public Network network() {
    return network;
  }

  /** Node {@code name}'s {@code --db} directory. */
  public Path dbDir(String name) {
    return dir.resolve(name);
  }

  /** Every node's state and the last {@code lines} lines of its log, for a failure message. */
  public String describe(int lines) {
    return nodes.values().stream().map(n -> "---- " + n + ", log " + n.log() + ":\n" + n.tail(lines))
        .collect(Collectors.joining("\n")) + "\n---- proxies:\n" + network.describe();
  }

  /** Kills every node (resuming paused ones) and closes the proxies. */
  @Override
  public void close() throws InterruptedException {
    try {
      for (NodeProcess n : nodes.values()) {
        n.close();
      }
    } finally {
      network.close();
    }
  }

  private static int[] freePorts(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free ports", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException e) {
          // a probe socket: the port is free again either way
        }
      }
    }
  }
}
