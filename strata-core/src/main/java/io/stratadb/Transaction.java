package io.stratadb;

/**
 * An optimistic transaction ({@link Db#beginTransaction}): reads see a snapshot taken at begin
 * merged with the transaction's own writes; writes are buffered in memory and applied by {@link
 * #commit} as one atomic WAL record (all or nothing, also across a crash), after a check for
 * conflicting writes that depends on the {@link IsolationLevel}. Nothing is locked while it runs,
 * so readers and other writers never wait for it; a conflict is found at commit and the
 * transaction can be retried. After {@link #commit} or {@link #rollback} every method but {@link
 * #close} throws {@link IllegalStateException}.
 *
 * <p>Memory: the buffered writes, the keys read and the ranges scanned, until it ends; its snapshot
 * keeps compaction from dropping the versions it reads.
 *
 * <p>Not thread-safe: use one transaction from one thread at a time.
 */
public interface Transaction extends AutoCloseable {

  /**
   * The value of {@code key} as this transaction sees it: its own last write, else the snapshot.
   * Recorded in the read set at {@link IsolationLevel#SERIALIZABLE}.
   *
   * @param key the key to read
   * @return a copy of the value, or null if absent or deleted
   * @throws IllegalArgumentException if {@code key} is null or too long
   * @throws IllegalStateException if the transaction has ended
   * @throws DbClosedException if the database is closed
   */
  byte[] get(byte[] key);

  /**
   * Buffers a put of {@code key} (visible to this transaction's reads at once, to others after
   * commit).
   *
   * @param key the key, copied into the transaction's buffer
   * @param value the value, possibly empty, copied
   * @throws IllegalArgumentException if {@code key} or {@code value} is null or too long
   * @throws IllegalStateException if the transaction has ended
   */
  void put(byte[] key, byte[] value);

  /**
   * Buffers a delete of {@code key}.
   *
   * @param key the key to delete
   * @throws IllegalArgumentException if {@code key} is null or too long
   * @throws IllegalStateException if the transaction has ended
   */
  void delete(byte[] key);

  /**
   * An iterator over {@code [lower, upper]} at the snapshot merged with this transaction's writes
   * (as of this call: later writes of the transaction are not seen by it), positioned on the first
   * key. At {@link IsolationLevel#SERIALIZABLE} the whole range joins the read set, so a commit
   * fails if any key in it changed, including keys that did not exist (phantoms).
   *
   * @param lower lower bound, e.g. {@link Bound#inclusive(byte[])} or {@link Bound#unbounded()}
   * @param upper upper bound, e.g. {@link Bound#exclusive(byte[])} or {@link Bound#unbounded()}
   * @return a new iterator positioned on the first key in range; close it before the transaction
   *     ends
   * @throws IllegalArgumentException if a bound is null
   * @throws IllegalStateException if the transaction has ended
   * @throws DbClosedException if the database is closed
   */
  DbIterator scan(Bound lower, Bound upper);

  /**
   * Checks for conflicts and applies every buffered write atomically. A transaction without writes
   * commits without any check.
   *
   * @throws TransactionConflictException if a conflicting write committed after the snapshot;
   *     nothing was applied and the transaction has ended
   * @throws IllegalStateException if the transaction has already ended
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write fails
   */
  void commit();

  /**
   * Discards every buffered write and ends the transaction.
   *
   * @throws IllegalStateException if the transaction has already ended
   */
  void rollback();

  /** {@return the sequence number of the snapshot this transaction reads} */
  long snapshotSequence();

  /** Ends the transaction, rolling it back if it neither committed nor rolled back. Idempotent. */
  @Override
  void close();
}
