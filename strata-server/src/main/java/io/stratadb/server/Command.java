package io.stratadb.server;

import io.netty.handler.codec.redis.RedisMessage;

/**
 * The body of one Redis command. Runs on the connection's event-loop thread; implementations are
 * stateless (state lives in {@link ClientSession} and {@link StringStore}) and thread-safe.
 */
@FunctionalInterface
interface Command {

  /**
   * Runs the command.
   *
   * @param session the calling connection
   * @param args the command name and its arguments as sent; arity already checked
   * @return the reply, or null to send none (SHUTDOWN closes the connection instead)
   * @throws RedisError for an error the client is told about in Redis's words
   */
  RedisMessage run(ClientSession session, byte[][] args);
}
