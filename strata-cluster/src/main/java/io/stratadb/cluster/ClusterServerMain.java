package io.stratadb.cluster;

import io.stratadb.Options;
import io.stratadb.server.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one cluster node with its Redis port, for scripts and multi-process tests:
 *
 * <pre>
 * java -cp ... io.stratadb.cluster.ClusterServerMain --node-id n1 --raft-address 127.0.0.1:7001 \
 *     --peers n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003 --port 6380 --db DIR \
 *     [--bind 127.0.0.1] [--stale-reads] [--join]
 * </pre>
 *
 * Prints exactly one line, {@code READY <node id>}, to stdout once the Redis port listens (logs go
 * to stderr); shuts down gracefully on SIGTERM (and on the SHUTDOWN command); restarted with the
 * same {@code --db} it recovers. The password, if any, comes from {@code STRATA_PASSWORD}. Exit
 * status 2 for bad arguments, 1 if the node cannot start or its Raft server stopped by itself.
 */
public final class ClusterServerMain {

  private ClusterServerMain() {}

  /**
   * Entry point; see the class comment.
   *
   * @param args the command line, as the class comment shows
   * @throws Exception an {@link InterruptedException} if interrupted while waiting for shutdown;
   *     bad arguments and failures to start exit the JVM instead
   */
  public static void main(String[] args) throws Exception {
    NodeConfig node;
    ServerConfig server;
    try {
      ParsedArgs a = ParsedArgs.parse(args);
      node = a.node;
      server = a.server;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("usage: ClusterServerMain --node-id ID --raft-address HOST:PORT --peers ID=HOST:PORT,... "
          + "--port PORT --db DIR [--bind ADDR] [--stale-reads] [--join]");
      System.exit(2);
      return;
    }
    ClusterServer running;
    try {
      running = ClusterServer.start(node, Options.defaults(), server, ClusterNode.Tuning.DEFAULTS);
    } catch (Exception e) {
      System.err.println("error: cannot start node " + node.nodeId() + ": " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "strata-cluster-shutdown"));
    PrintStream out = System.out;
    out.println("READY " + node.nodeId());
    out.flush();
    running.awaitTermination();
    running.close();
    if (running.raftFailed()) {
      System.err.println("error: node " + node.nodeId() + " stopped: its Raft server failed");
      System.exit(1);
    }
  }

  /** The parsed command line. */
  record ParsedArgs(NodeConfig node, ServerConfig server) {
    /** @throws IllegalArgumentException for a missing, unknown or malformed option */
    static ParsedArgs parse(String[] args) {
      String id = null;
      String raft = null;
      String peers = null;
      String dir = null;
      int port = ServerConfig.DEFAULT_PORT;
      String bind = ServerConfig.DEFAULT_BIND;
      boolean stale = false;
      boolean join = false;
      for (int i = 0; i < args.length; i++) {
        String opt = args[i];
        switch (opt) {
          case "--stale-reads" -> stale = true;
          case "--join" -> join = true;
          case "--node-id", "--raft-address", "--peers", "--port", "--db", "--bind" -> {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(opt + " needs a value");
            }
            String v = args[++i];
            switch (opt) {
              case "--node-id" -> id = v;
              case "--raft-address" -> raft = v;
              case "--peers" -> peers = v;
              case "--db" -> dir = v;
              case "--bind" -> bind = v;
              default -> {
                try {
                  port = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                  throw new IllegalArgumentException("--port " + v + " is not a number");
                }
              }
            }
          }
          default -> throw new IllegalArgumentException("unknown option " + opt);
        }
      }
      if (id == null || raft == null || peers == null || dir == null) {
        throw new IllegalArgumentException("--node-id, --raft-address, --peers and --db are required");
      }
      NodeConfig node = new NodeConfig(id, NodeConfig.parseAddress(raft), NodeConfig.parsePeers(peers),
          Path.of(dir), stale, join);
      ServerConfig server = ServerConfig.builder().bind(bind).port(port).environment(Map.copyOf(System.getenv()))
          .build();
      return new ParsedArgs(node, server);
    }
  }
}
