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

  CommandDispatcher(CommandTable table, ServerStats stats) {
    this.table = table;
    this.stats = stats;
  }

  /** The command table. */
  CommandTable table() {
    return table;
  }

  /**
   * Runs {@code args} (name first, at least one element) for {@code session}.
   *
   * @return the reply, or null when the connection is to be closed without one (SHUTDOWN)
   */
  RedisMessage dispatch(ClientSession session, byte[][] args) {
    stats.commandsProcessed().increment();
    CommandSpec spec = table.lookup(args[0]);
    if (spec == null) {
      return Reply.error(unknownCommand(args));
    }
    if (!spec.acceptsArgCount(args.length)) {
      return Reply.error(RedisError.arity(spec.name()).getMessage());
    }
    if (!session.authenticated() && !spec.noAuth()) {
      return Reply.error("NOAUTH Authentication required.");
    }
    try {
      return spec.body().run(session, args);
    } catch (RedisError e) {
      return Reply.error(e.getMessage());
    } catch (DbClosedException e) {
      return Reply.error("ERR server is shutting down: " + e.getMessage());
    } catch (StrataException | IllegalArgumentException e) {
      return Reply.error("ERR " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("command {} failed", spec.name(), e);
      return Reply.error("ERR internal error: " + e);
    }
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
