package io.stratadb.server;

/**
 * A replicated write was not applied because a value it depended on changed first ({@link
 * Replication#commit}): the commands that built it may run again. Not an error a client sees
 * unless retries run out.
 */
public final class WriteConflictException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what conflicted */
  public WriteConflictException(String message) {
    super(message);
  }
}
