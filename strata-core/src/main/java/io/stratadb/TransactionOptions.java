package io.stratadb;

/**
 * Options of one {@link Transaction}: its {@link IsolationLevel} (default {@link
 * IsolationLevel#SNAPSHOT}, as RocksDB's optimistic transactions) and whether its commit fsyncs
 * the WAL (default off, as {@link WriteOptions}). Immutable and thread-safe.
 */
public final class TransactionOptions {
  private static final TransactionOptions DEFAULTS = new TransactionOptions(IsolationLevel.SNAPSHOT, false);

  private final IsolationLevel isolation;
  private final boolean sync;

  private TransactionOptions(IsolationLevel isolation, boolean sync) {
    this.isolation = isolation;
    this.sync = sync;
  }

  /** {@return options for snapshot isolation, no fsync} */
  public static TransactionOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Options with {@code isolation} and no fsync.
   *
   * @param isolation the isolation level
   * @return options with {@code isolation} and no fsync
   * @throws IllegalArgumentException if {@code isolation} is null
   */
  public static TransactionOptions of(IsolationLevel isolation) {
    return of(isolation, false);
  }

  /**
   * Options with {@code isolation}; {@code sync} fsyncs the WAL before commit returns.
   *
   * @param isolation the isolation level
   * @param sync whether commit fsyncs the WAL before it returns
   * @return options with both
   * @throws IllegalArgumentException if {@code isolation} is null
   */
  public static TransactionOptions of(IsolationLevel isolation, boolean sync) {
    if (isolation == null) {
      throw new IllegalArgumentException("isolation level must not be null");
    }
    return new TransactionOptions(isolation, sync);
  }

  /** {@return the isolation level} */
  public IsolationLevel isolation() {
    return isolation;
  }

  /** {@return whether commit fsyncs the WAL} */
  public boolean sync() {
    return sync;
  }

  @Override
  public String toString() {
    return "TransactionOptions{" + isolation + (sync ? ", sync" : "") + "}";
  }
}
