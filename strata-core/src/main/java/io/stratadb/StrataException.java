package io.stratadb;

/**
 * Base of StrataDB's error taxonomy (after LevelDB's {@code Status}): {@link CorruptionException}
 * for data that fails its checksums or format checks, {@link StrataIOException} for failed file
 * operations, {@link TransactionConflictException} for a failed optimistic commit, {@link
 * DbClosedException} for any call after {@link Db#close()}, {@link
 * CompressionUnavailableException} for a codec whose library is missing. Bad arguments raise
 * {@link IllegalArgumentException}. Missing keys are not errors.
 */
public class StrataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what failed, and where
   */
  public StrataException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what failed, and where
   * @param cause the underlying failure
   */
  public StrataException(String message, Throwable cause) {
    super(message, cause);
  }
}
