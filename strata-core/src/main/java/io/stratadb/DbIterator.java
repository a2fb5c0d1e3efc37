package io.stratadb;

/**
 * A cursor over the live key-value pairs of a {@link Db}, in ascending unsigned key order, reading
 * one consistent point in time (the moment it was created). Tombstones and overwritten versions are
 * never returned.
 *
 * <p>Contract (as LevelDB's {@code include/leveldb/iterator.h} and mini-lsm's FusedIterator):
 *
 * <ul>
 *   <li>{@link #key()}, {@link #value()} and {@link #next()} REQUIRE {@link #isValid()}; otherwise
 *       they throw {@link IllegalStateException}.
 *   <li>Any call after {@link #close()} throws {@link IllegalStateException}, except {@code close}
 *       itself, which is idempotent.
 *   <li>After an I/O or checksum error the iterator is invalid and the error is thrown from the
 *       call that met it ({@link CorruptionException} or {@link StrataIOException}).
 * </ul>
 *
 * <p>Not thread-safe: use one iterator from one thread at a time. Different iterators may be used
 * concurrently. Close every iterator: an open one pins the memtables and SSTables it reads.
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

  /** Releases the pinned memtables and SSTables. Idempotent. */
  @Override
  void close();
}
