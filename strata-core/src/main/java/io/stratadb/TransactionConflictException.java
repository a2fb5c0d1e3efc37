package io.stratadb;

/**
 * Thrown by {@link Transaction#commit} when another write committed after the transaction's
 * snapshot to a key it wrote (or, at {@link IsolationLevel#SERIALIZABLE}, read or scanned). Nothing
 * of the transaction was applied; retrying it from {@link Db#beginTransaction} is safe.
 */
public class TransactionConflictException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** @param message names the conflicting key or range */
  public TransactionConflictException(String message) {
    super(message);
  }
}
