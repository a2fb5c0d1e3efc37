package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;
import io.stratadb.DbClosedException;
import io.stratadb.StrataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one command: looks it up, checks its arity and the connection's authentication in Redis's
 * order and words, runs it, and turns failures into error replies. Engine errors become {@code
 * ERR} replies carrying their message (a key or value over the engine's limits, a closed or
 * failed database); anything else is a bug: it is logged and answered with {@code ERR internal
 * error}, and the connection stays usable. Thread-safe.
 */
final class CommandDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

  /** Redis quotes at most this many characters of a command's arguments in the unknown-command error. */
  private static final int QUOTED_ARGS_CHARS = 128;

  private final CommandTable table;
  private final ServerStats stats;
  /**
   * Runs on a cluster node before the first read-only command of a connection's round ({@link
   * Replication#awaitReadable}; {@link ClientSession#readable()}), or null.
   */
  private final Runnable readBarrier;

  CommandDispatcher(CommandTable table, ServerStats stats) {
    this(table, stats, null);
  }

  /** @param readBarrier runs before the first {@code readonly} command of a round, or null for none */
  CommandDispatcher(CommandTable table, ServerStats stats, Runnable readBarrier) {
    this.table = table;
    this.stats = stats;
    this.readBarrier = readBarrier;
  }

  /** The command table. */
  CommandTable table() {
    return table;
  }

  /**
   * Runs {@code args} (name first, at least one element) for {@code session}, adding it to {@code
   * batch} if it is a batched write ({@link CommandSpec#batched()}) that may run there; any other
   * command flushes the batch first, so replies keep their order.
   *
   * @return the reply; {@link PipelineBatch#DEFERRED} if the batch sends it; null when the
   *     connection is to be closed without one (SHUTDOWN)
   */
  RedisMessage dispatch(ClientSession session, byte[][] args, PipelineBatch batch) {
    CommandSpec spec = table.lookup(args[0]);
    if (spec != null && spec.batched() != null && spec.acceptsArgCount(args.length) && session.authenticated()) {
      stats.commandsProcessed().increment();
      if (batch.add(spec.name(), spec.batched(), args)) {
        return PipelineBatch.DEFERRED;
      }
      batch.flush();
      return run(spec, session, args);
    }
    batch.flush();
    return dispatch(session, args, spec);
  }

  /**
   * Runs {@code args} (name first, at least one element) for {@code session}, alone.
   *
   * @return the reply, or null when the connection is to be closed without one (SHUTDOWN)
   */
  RedisMessage dispatch(ClientSession session, byte[][] args) {
    return dispatch(session, args, table.lookup(args[0]));
  }

  private RedisMessage dispatch(ClientSession session, byte[][] args, CommandSpec spec) {
    stats.commandsProcessed().increment();
    if (spec == null) {
      return Reply.error(unknownCommand(args));
    }
    if (!spec.acceptsArgCount(args.length)) {
      return Reply.error(RedisError.arity(spec.name()).getMessage());
    }
    if (!session.authenticated() && !spec.noAuth()) {
      return Reply.error("NOAUTH Authentication required.");
    }
    return run(spec, session, args);
  }

  private RedisMessage run(CommandSpec spec, ClientSession session, byte[][] args) {
    try {
      if (readBarrier != null && !session.readable() && spec.flags().contains("readonly")) {
        readBarrier.run(); // once per round: it covers every command that arrived before the round began
        session.readable(true);
      }
      return spec.body().run(session, args);
    } catch (RuntimeException e) {
      return errorReply(spec.name(), e);
    }
  }

  /**
   * The error reply for what {@code command} threw: a {@link RedisError}'s own text, an engine
   * error's message after {@code ERR}; anything else is logged as a bug.
   */
  static RedisMessage errorReply(String command, RuntimeException e) {
    if (e instanceof RedisError || e instanceof ReplicationException) {
      return Reply.error(e.getMessage());
    }
    if (e instanceof DbClosedException) {
      return Reply.error("ERR server is shutting down: " + e.getMessage());
    }
    if (e instanceof StrataException || e instanceof IllegalArgumentException) {
      return Reply.error("ERR " + e.getMessage());
    }
    LOG.error("command {} failed", command, e);
    return Reply.error("ERR internal error: " + e);
  }

  /** Redis's text: {@code ERR unknown command 'foo', with args beginning with: 'a' 'b' }. */
  static String unknownCommand(byte[][] args) {
    StringBuilder quoted = new StringBuilder();
    for (int i = 1; i < args.length && quoted.length() < QUOTED_ARGS_CHARS; i++) {
      String a = Args.utf8(args[i]);
      quoted.append('\'').append(a, 0, Math.min(a.length(), QUOTED_ARGS_CHARS - quoted.length())).append("' ");
    }
    String name = Args.utf8(args[0]);
    return "ERR unknown command '" + name.substring(0, Math.min(name.length(), QUOTED_ARGS_CHARS))
        + "', with args beginning with: " + quoted;
  }
}
