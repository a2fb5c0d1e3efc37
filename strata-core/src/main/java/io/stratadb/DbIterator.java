package io.stratadb;

/**
 * A cursor over the live key-value pairs of a {@link Db}, in ascending unsigned key order, reading
 * one consistent point in time (the moment it was created). Tombstones and overwritten versions are
 * never returned. It moves in both directions: {@link #next()} and {@link #prev()} may be mixed at
 * any point and always step to the neighbouring live key within the bounds.
 *
 * <p>Contract (as LevelDB's {@code include/leveldb/iterator.h} and mini-lsm's FusedIterator):
 *
 * <ul>
 *   <li>{@link #key()}, {@link #value()}, {@link #next()} and {@link #prev()} REQUIRE {@link
 *       #isValid()}; otherwise they throw {@link IllegalStateException}.
 *   <li>Any call after {@link #close()} throws {@link IllegalStateException}, except {@code close}
 *       itself, which is idempotent.
 *   <li>After an I/O or checksum error the iterator is invalid and the error is thrown from the
 *       call that met it ({@link CorruptionException} or {@link StrataIOException}).
 * </ul>
 *
 * <p>Cost: forward steps are cheapest. Backward steps decode each restart interval of a data block
 * about once (the block iterator keeps the entries it decoded for the steps back through the
 * interval), search each memtable from its head, and walk the versions of the previous key oldest first;
 * switching direction re-seeks every source once (LevelDB's {@code db/db_iter.cc}). Each call to
 * {@link #key()} or {@link #value()} allocates one copy; steps allocate nothing but the blocks they read.
 *
 * <p>Not thread-safe: use one iterator from one thread at a time. Different iterators may be used
 * concurrently. Close every iterator: an open one pins the memtables and SSTables it reads, unless
 * it was opened with {@link ReadOptions#withAutoRefreshMillis(long)}, which lets it release them
 * periodically.
 */
public interface DbIterator extends AutoCloseable {

  /** Positions at the first key of the range (or of the database); invalid if there is none. */
  void seekToFirst();

  /**
   * Positions at the first key {@code >= target} (clamped to the iterator's lower bound); invalid
   * if there is none within the range.
   *
   * @throws IllegalArgumentException if {@code target} is null
   */
  void seek(byte[] target);

  /** Whether the iterator is positioned on an entry. */
  boolean isValid();

  /** The current key. The array is owned by the caller. REQUIRES: {@link #isValid()}. */
  byte[] key();

  /** The current value, possibly empty. The array is owned by the caller. REQUIRES: valid. */
  byte[] value();

  /** Moves to the next key; may become invalid at the end of the range. REQUIRES: valid. */
  void next();

  /** Positions at the last key of the range (or of the database); invalid if there is none. */
  void seekToLast();

  /**
   * Positions at the last key {@code <= target} (clamped to the iterator's upper bound); invalid if
   * there is none within the range (RocksDB's {@code SeekForPrev}).
   *
   * @throws IllegalArgumentException if {@code target} is null
   */
  void seekForPrev(byte[] target);

  /**
   * Moves to the previous key; may become invalid at the start of the range. REQUIRES: valid.
   *
   * @throws IllegalStateException if the iterator is not valid or is closed
   */
  void prev();

  /** Releases the pinned memtables and SSTables. Idempotent. */
  @Override
  void close();
}
