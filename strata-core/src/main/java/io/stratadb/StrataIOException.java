package io.stratadb;

import java.io.IOException;

/**
 * A file operation failed (disk full, permission denied, fsync error, ...). When raised by a write
 * or by background work, the database enters a failed state: every later write throws this
 * exception, wrapping the first failure, until the database is reopened. Fsyncs are never retried.
 */
public class StrataIOException extends StrataException {
  private static final long serialVersionUID = 1L;

  /**
   * Wraps an {@link IOException} with a message naming the operation and file.
   *
   * @param message the operation and file that failed
   * @param cause the I/O failure
   */
  public StrataIOException(String message, IOException cause) {
    super(message + ": " + cause, cause);
  }

  /**
   * Creates an exception for a failure that has no underlying {@link IOException}.
   *
   * @param message the operation that failed
   * @param cause the underlying failure, kept as the cause
   */
  public StrataIOException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception with a message only.
   *
   * @param message the operation that failed, and why
   */
  public StrataIOException(String message) {
    super(message);
  }
}
