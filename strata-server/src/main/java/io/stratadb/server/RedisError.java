package io.stratadb.server;

/**
 * A command failed in a way the client is told about with a RESP error reply; the message is the
 * reply's text exactly as Redis words it, including its prefix ({@code ERR}, {@code WRONGPASS},
 * {@code NOPROTO}, ...). Carries no stack trace: it is an answer, not a bug.
 */
final class RedisError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RedisError(String replyText) {
    super(replyText, null, false, false);
  }

  /** {@code ERR syntax error}. */
  static RedisError syntax() {
    return new RedisError("ERR syntax error");
  }

  /** {@code ERR value is not an integer or out of range}. */
  static RedisError notInteger() {
    return new RedisError("ERR value is not an integer or out of range");
  }

  /**
   * {@code ERR reply exceeds maximum allowed size (max-reply-bytes)}: a reply over {@link
   * ServerConfig#maxReplyBytes()}. Redis has no such limit; the words are those Redis uses for a
   * string over {@code proto-max-bulk-len} ({@code checkStringLength}), with this server's
   * setting named instead.
   */
  static RedisError replyTooLarge() {
    return new RedisError("ERR reply exceeds maximum allowed size (max-reply-bytes)");
  }

  /** {@code ERR wrong number of arguments for 'NAME' command}. */
  static RedisError arity(String name) {
    return new RedisError("ERR wrong number of arguments for '" + name + "' command");
  }
}
