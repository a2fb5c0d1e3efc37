package io.stratadb.cluster;

import io.stratadb.StrataException;

/**
 * A replicated operation failed. {@link #indeterminate()} tells the two cases apart: false means
 * the write was certainly not applied (no leader reached, the state machine refused it), true
 * means it may or may not have been (a timeout after it was sent: it may still commit).
 */
public final class ClusterException extends StrataException {

  private static final long serialVersionUID = 1L;

  /** Whether the write may have been applied despite the failure. */
  private final boolean indeterminate;

  /**
   * @param message what failed
   * @param indeterminate whether the write may have been applied anyway
   * @param cause the underlying failure, kept as the cause
   */
  public ClusterException(String message, boolean indeterminate, Throwable cause) {
    super(message, cause);
    this.indeterminate = indeterminate;
  }

  /** {@return whether the write may have been applied despite the failure} */
  public boolean indeterminate() {
    return indeterminate;
  }
}
