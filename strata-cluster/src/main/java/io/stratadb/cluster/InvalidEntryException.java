package io.stratadb.cluster;

import io.stratadb.StrataException;

/**
 * A Raft log entry, reply or query that is not in the {@link EntryFormat} this node reads: an
 * unknown version, or bytes that end inside a field. The state machine applies nothing of such an
 * entry and fails its future.
 */
public final class InvalidEntryException extends StrataException {

  private static final long serialVersionUID = 1L;

  /** @param message what is wrong with the bytes */
  public InvalidEntryException(String message) {
    super(message);
  }
}
