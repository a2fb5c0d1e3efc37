package io.stratadb;

/**
 * Base of StrataDB's error taxonomy (after LevelDB's {@code Status}): {@link CorruptionException}
 * for data that fails its checksums or format checks, {@link StrataIOException} for failed file
 * operations. Bad arguments raise {@link IllegalArgumentException}; a closed database raises
 * {@link DbClosedException}. Missing keys are not errors.
 */
public class StrataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message. */
  public StrataException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public StrataException(String message, Throwable cause) {
    super(message, cause);
  }
}
