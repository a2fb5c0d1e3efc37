package io.stratadb.cli.command;

import io.stratadb.Options;
import io.stratadb.cli.CliCommand;
import io.stratadb.cli.DbDirOption;
import io.stratadb.server.RespServer;
import io.stratadb.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata serve}: serves the database over the Redis protocol ({@link RespServer}) until a
 * client sends SHUTDOWN or the process gets SIGTERM or SIGINT; both shut down gracefully (finish
 * the commands already read, close the database). Creates the database in a missing or empty
 * directory, or with {@code --create}.
 */
@Command(name = "serve",
    description = "Serve the database over the Redis protocol (RESP2): redis-cli, redis-benchmark and Redis "
        + "clients work against it. Stops on SHUTDOWN or SIGTERM, closing the database cleanly.")
public final class ServeCommand extends CliCommand {

  @Mixin DbDirOption db;

  @Mixin CreateOption create;

  @Option(names = "--port", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_PORT,
      description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = ServerConfig.DEFAULT_BIND,
      description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
  String bind;

  @Option(names = "--requirepass", paramLabel = "PASSWORD",
      description = "Require AUTH PASSWORD (or AUTH default PASSWORD) before other commands.")
  String requirePass;

  @Option(names = "--max-clients", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_CLIENTS,
      description = "Connections served at once; more get an error and are closed (default: ${DEFAULT-VALUE}).")
  int maxClients;

  @Option(names = "--max-bulk-bytes", paramLabel = "N", defaultValue = "" + ServerConfig.DEFAULT_MAX_BULK_BYTES,
      description = "Largest key or value a client may send, in bytes (Redis's proto-max-bulk-len; "
          + "default: ${DEFAULT-VALUE} = 64 MiB). A larger one gets an error and the connection is closed.")
  int maxBulkBytes;

  @Option(names = "--io-threads", paramLabel = "N", description = "Event-loop threads (default: one per core).")
  Integer ioThreads;

  @Override
  protected int run() throws InterruptedException {
    ServerConfig.Builder config = ServerConfig.builder().port(port).bind(bind).requirePass(requirePass)
        .maxClients(maxClients).maxBulkBytes(maxBulkBytes);
    if (ioThreads != null) {
      config.ioThreads(ioThreads);
    }
    db.checkCreatable(create.create);
    RespServer server = RespServer.start(db.dir(), Options.defaults(), config.build());
    Thread hook = new Thread(server::close, "strata-serve-sigterm");
    Runtime.getRuntime().addShutdownHook(hook);
    out().println("strata serve: listening on " + server.address().getHostString() + ":" + server.port()
        + ", database " + db.dir() + (requirePass == null ? "" : " (AUTH required)"));
    out().flush();
    try {
      server.awaitTermination();
    } finally {
      removeHook(hook);
    }
    out().println("strata serve: stopped, database closed");
    return 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting (SIGTERM): the hook is running and closes the server itself.
    }
  }
}
