package io.stratadb.cli.command;

import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.cluster.ClusterNode;
import io.stratadb.cluster.ClusterServer;
import io.stratadb.cluster.NodeConfig;
import io.stratadb.server.RespServer;
import io.stratadb.server.ServerConfig;
import io.stratadb.server.WalSync;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata serve}: serves the database over the Redis protocol ({@link RespServer}) until a
 * client sends SHUTDOWN or the process gets SIGTERM or SIGINT; both shut down gracefully (finish
 * the commands already read, close the database). Creates the database in a missing or empty
 * directory, or with {@code --create}.
 *
 * <p>With {@code --cluster} ({@link ClusterOptions}) it runs one node of a replicated cluster
 * ({@link ClusterServer}): {@code --db DIR} is then the node's directory, and the output's first
 * line is {@code READY <node id>} once the Redis port listens, as {@code ClusterServerMain}
 * prints it.
 */
@Command(name = "serve",
    description = "Serve the database over the Redis protocol (RESP2): redis-cli, redis-benchmark and Redis "
        + "clients work against it. Stops on SHUTDOWN or SIGTERM, closing the database cleanly.")
public final class ServeCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin CreateOption create;

  @Mixin ClusterOptions clusterOptions;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Redis-style configuration file (port, bind, requirepass, maxclients, maxmemory-clients, "
          + "timeout, ...; see docs/server.md). Options given here override it.")
  Path configFile;

  // No picocli defaults below: an option not given leaves the configuration file's value (or ServerConfig's).
  @Option(names = "--port", paramLabel = "N",
      description = "TCP port (default: " + ServerConfig.DEFAULT_PORT + "; 0 picks a free one).")
  Integer port;

  @Option(names = "--bind", paramLabel = "ADDR",
      description = "Address to listen on (default: " + ServerConfig.DEFAULT_BIND + ", this machine only).")
  String bind;

  @Option(names = "--requirepass", paramLabel = "PASSWORD",
      description = "Require AUTH PASSWORD (or AUTH default PASSWORD) before other commands. Visible in ps: prefer "
          + ServerConfig.PASSWORD_ENV + " or requirepass in --config.")
  String requirePass;

  @Option(names = "--max-clients", paramLabel = "N",
      description = "Connections served at once; more get an error and are closed (default: "
          + ServerConfig.DEFAULT_MAX_CLIENTS + ", lowered to fit ulimit -n).")
  Integer maxClients;

  @Option(names = "--max-bulk-bytes", paramLabel = "N",
      description = "Largest key or value a client may send, in bytes (Redis's proto-max-bulk-len; default: "
          + ServerConfig.DEFAULT_MAX_BULK_BYTES + " = 64 MiB). A larger one gets an error and the connection is closed.")
  Integer maxBulkBytes;

  @Option(names = "--max-client-memory", paramLabel = "BYTES",
      description = "Bytes all connections together may buffer (Redis's maxmemory-clients; default: a quarter of the "
          + "heap, at least 512 MiB).")
  Long maxClientMemory;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "Close connections idle this long (Redis's timeout; default: 0, never).")
  Long idleTimeoutSeconds;

  @Option(names = "--request-timeout", paramLabel = "SECONDS",
      description = "Close a connection whose request is not received whole this long after it starts (default: 60; 0 is off).")
  Long requestTimeoutSeconds;

  @Option(names = "--io-threads", paramLabel = "N", description = "Event-loop threads (default: one per core).")
  Integer ioThreads;

  @Option(names = "--write-buffer-size", paramLabel = "BYTES",
      description = "Memtable size in bytes (default: the engine's, 4 MiB). Larger means fewer flushes and "
          + "compactions but slower memtable inserts; see docs/server.md, Measurements.")
  Long writeBufferSize;

  /** serve's block cache when {@code --cache-size} is not given: a server keeps its working set in memory. */
  static final long DEFAULT_BLOCK_CACHE_BYTES = 64L << 20;

  @Option(names = "--cache-size", paramLabel = "BYTES",
      description = "Block cache size in bytes (default: " + DEFAULT_BLOCK_CACHE_BYTES + " = 64 MiB, 8 times the "
          + "engine's default: a server's reads should not decompress blocks again and again; 0 disables it).")
  Long blockCacheSize;

  @Option(names = "--wal-sync", paramLabel = "MODE", converter = WalSyncConverter.class,
      description = "When the WAL is fsynced, as Redis's appendfsync: always (before every reply), everysec (by a "
          + "background task once a second; the default) or no (left to the operating system).")
  WalSync walSync;

  /** Parses {@code --wal-sync} with {@link WalSync#parse}. */
  static final class WalSyncConverter implements CommandLine.ITypeConverter<WalSync> {
    @Override
    public WalSync convert(String value) {
      try {
        return WalSync.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  @Override
  protected int run() throws Exception {
    NodeConfig node;
    try {
      node = clusterOptions.nodeConfig(db.dir());
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
    }
    ServerConfig built = config();
    Options options = options();
    if (node != null) {
      return serveCluster(node, options, built);
    }
    db.checkCreatable(create.create);
    RespServer server = RespServer.start(db.dir(), options, built);
    return serveUntilStopped(server, server::awaitTermination, "strata serve: listening on "
        + server.address().getHostString() + ":" + server.port() + ", database " + db.dir()
        + (built.requirePass() == null ? "" : " (AUTH required)"), "strata serve: stopped, database closed");
  }

  /** The engine's defaults, with serve's block cache and the sizes given. */
  Options options() {
    Options.Builder options = Options.builder()
        .blockCacheSize(blockCacheSize == null ? DEFAULT_BLOCK_CACHE_BYTES : blockCacheSize);
    if (writeBufferSize != null) {
      options.writeBufferSize(writeBufferSize);
    }
    return options.build();
  }

  /** Runs a cluster node until SHUTDOWN or SIGTERM; the node's directory is created if missing. */
  private int serveCluster(NodeConfig node, Options options, ServerConfig built) throws Exception {
    ClusterServer server = ClusterServer.start(node, options, built, ClusterNode.Tuning.DEFAULTS);
    int status = serveUntilStopped(server, server::awaitTermination, "READY " + node.nodeId() + "\n"
        + "strata serve: cluster node " + node.nodeId() + " listening on " + built.bind() + ":" + server.port()
        + ", raft " + node.raftAddress().getHostString() + ":" + node.raftAddress().getPort() + ", directory "
        + node.dir() + (built.requirePass() == null ? "" : " (AUTH required)"), "strata serve: stopped, node closed");
    if (server.raftFailed()) {
      System.err.println("strata serve: cluster node " + node.nodeId() + " stopped because its Raft server failed");
      return 1;
    }
    return status;
  }

  /** Waits for a server to stop, as {@code awaitTermination} does. */
  @FunctionalInterface
  private interface Termination {
    void await() throws InterruptedException;
  }

  /**
   * Prints {@code listening}, waits until the server stops (SHUTDOWN; SIGTERM closes it through a
   * shutdown hook), closes it (idempotent) and prints {@code stopped}.
   */
  private int serveUntilStopped(AutoCloseable server, Termination termination, String listening, String stopped)
      throws Exception {
    Thread hook = new Thread(() -> closeFromHook(server), "strata-serve-sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
    out().println(listening);
    out().flush();
    try {
      termination.await();
    } finally {
      removeHook(hook);
      server.close();
    }
    out().println(stopped);
    return 0;
  }

  private static void closeFromHook(AutoCloseable server) {
    try {
      server.close();
    } catch (Exception e) { // neither server throws a checked exception: only AutoCloseable declares one
      throw new IllegalStateException(e);
    }
  }

  /** The configuration file, then {@code STRATA_PASSWORD}, then the options given, each overriding the last. */
  private ServerConfig config() {
    ServerConfig.Builder config = ServerConfig.builder();
    if (configFile != null) {
      config.configFile(configFile);
    }
    config.environment(System.getenv());
    if (port != null) {
      config.port(port);
    }
    if (bind != null) {
      config.bind(bind);
    }
    if (requirePass != null) {
      config.requirePass(requirePass);
    }
    if (maxClients != null) {
      config.maxClients(maxClients);
    }
    if (maxBulkBytes != null) {
      config.maxBulkBytes(maxBulkBytes);
    }
    if (maxClientMemory != null) {
      config.maxClientMemory(maxClientMemory);
    }
    if (idleTimeoutSeconds != null) {
      config.idleTimeoutMillis(Math.multiplyExact(idleTimeoutSeconds, 1000L));
    }
    if (requestTimeoutSeconds != null) {
      config.requestTimeoutMillis(Math.multiplyExact(requestTimeoutSeconds, 1000L));
    }
    if (ioThreads != null) {
      config.ioThreads(ioThreads);
    }
    if (walSync != null) {
      config.walSync(walSync);
    }
    return config.build();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting (SIGTERM): the hook is running and closes the server itself.
    }
  }
}
