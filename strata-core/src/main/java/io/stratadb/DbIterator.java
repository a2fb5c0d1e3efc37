package io.stratadb;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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
 *   <li>Any call but {@code close} after the database was closed throws {@link
 *       DbClosedException}.
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
 * <p>Positioning: {@link Db#scan(Bound, Bound)} and {@link Db#scanPrefix(byte[])} return an
 * iterator already positioned on the first key of their range; {@link Db#newIterator()} returns
 * one positioned nowhere (as RocksDB's {@code NewIterator}: the caller's first call is a seek), so
 * {@link #isValid()} is false until then.
 *
 * <p>For-each and streams (as iq80's {@code DBIterator}, which is a {@code java.util.Iterator}):
 * the iterator is {@code Iterable<KeyValue>}. {@link #iterator()} and {@link #stream()} walk
 * forward from the current entry to the end of the range, one {@link KeyValue} per live key,
 * moving this iterator as they go; if it is not on an entry when the walk starts (new from {@link
 * Db#newIterator()}, or run off either end) they first call {@link #seekToFirst()}. Closing: a
 * for-each loop does not close the iterator, so open it in a {@code try}-with-resources statement;
 * closing the {@link Stream} returned by {@link #stream()} closes this iterator, so a {@code
 * try (Stream<KeyValue> s = db.scan(lower, upper).stream())} releases everything.
 *
 * <pre>{@code
 * try (DbIterator it = db.scanPrefix(prefix)) {
 *   for (KeyValue kv : it) {
 *     use(kv.key(), kv.value());
 *   }
 * }
 * }</pre>
 *
 * <p>Not thread-safe: use one iterator from one thread at a time. Different iterators may be used
 * concurrently. Close every iterator: an open one pins the memtables and SSTables it reads, unless
 * it was opened with {@link ReadOptions#withAutoRefreshMillis(long)}, which lets it release them
 * periodically.
 */
public interface DbIterator extends AutoCloseable, Iterable<KeyValue> {

  /** Positions at the first key of the range (or of the database); invalid if there is none. */
  void seekToFirst();

  /**
   * Positions at the first key {@code >= target} (clamped to the iterator's lower bound); invalid
   * if there is none within the range.
   *
   * @param target the key to seek to, compared bytewise unsigned
   * @throws IllegalArgumentException if {@code target} is null
   */
  void seek(byte[] target);

  /** {@return whether the iterator is positioned on an entry} */
  boolean isValid();

  /** {@return the current key} The array is owned by the caller. REQUIRES: {@link #isValid()}. */
  byte[] key();

  /**
   * {@return the current value, possibly empty} The array is owned by the caller. REQUIRES: valid.
   */
  byte[] value();

  /** Moves to the next key; may become invalid at the end of the range. REQUIRES: valid. */
  void next();

  /** Positions at the last key of the range (or of the database); invalid if there is none. */
  void seekToLast();

  /**
   * Positions at the last key {@code <= target} (clamped to the iterator's upper bound); invalid if
   * there is none within the range (RocksDB's {@code SeekForPrev}).
   *
   * @param target the key to seek to, compared bytewise unsigned
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

  /**
   * A forward walk from the current entry (or, if the iterator is on none, from the first key of
   * its range, after a {@link #seekToFirst()} made by this call) to the end of the range. Each
   * {@code next()} of the returned {@link Iterator} copies the current key and value into a {@link
   * KeyValue} and steps this iterator forward; the walk and this iterator share one position, so
   * do not move this iterator while walking. Does not close this iterator.
   *
   * @return a one-pass iterator; its {@code remove()} is unsupported
   * @throws IllegalStateException if this iterator is closed
   * @throws DbClosedException if the database is closed
   */
  @Override
  default Iterator<KeyValue> iterator() {
    if (!isValid()) {
      seekToFirst();
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return isValid();
      }

      @Override
      public KeyValue next() {
        if (!isValid()) {
          throw new NoSuchElementException("the iterator is past the end of its range");
        }
        KeyValue entry = new KeyValue(key(), value());
        DbIterator.this.next();
        return entry;
      }
    };
  }

  /**
   * The same walk as {@link #iterator()} as a sequential, ordered {@link Stream} of distinct keys.
   * Closing the stream closes this iterator (and so releases what it pins); do it with {@code
   * try}-with-resources. Errors met while streaming ({@link CorruptionException}, {@link
   * StrataIOException}) are thrown from the terminal operation.
   *
   * @return a sequential stream that closes this iterator on {@link Stream#close()}
   * @throws IllegalStateException if this iterator is closed
   * @throws DbClosedException if the database is closed
   */
  default Stream<KeyValue> stream() {
    Spliterator<KeyValue> entries = Spliterators.spliteratorUnknownSize(
        iterator(), Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL);
    return StreamSupport.stream(entries, false).onClose(this::close);
  }
}
