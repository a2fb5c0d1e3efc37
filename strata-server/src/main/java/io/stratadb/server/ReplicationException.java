package io.stratadb.server;

/**
 * A replicated write or read failed ({@link Replication}); the client gets the message as its
 * error reply, so it starts with an upper-case error code in Redis's manner: for example {@code
 * CLUSTERDOWN} (nothing was applied) or {@code UNKNOWN} (the write may or may not have applied).
 */
public class ReplicationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message the error reply, code first */
  public ReplicationException(String message) {
    super(message);
  }

  /**
   * @param message the error reply, code first
   * @param cause the failure of the replicated log, kept as the cause
   */
  public ReplicationException(String message, Throwable cause) {
    super(message, cause);
  }
}
