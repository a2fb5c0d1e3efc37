package io.stratadb.iterator;

import io.stratadb.util.Slice;

/**
 * A cursor over internal-key entries (see {@link io.stratadb.key.InternalKey}) in internal-key
 * order: the contract every engine iterator follows (Pebble's {@code internal/base/iterator.go},
 * LevelDB's {@code Iterator}, mini-lsm's {@code StorageIterator}).
 *
 * <ul>
 *   <li>A new iterator is unpositioned (invalid) until {@link #seekToFirst()}, {@link
 *       #seek(byte[])}, {@link #seekToLast()} or {@link #seekForPrev(byte[])}.
 *   <li>{@link #key()}, {@link #value()}, {@link #next()} and {@link #prev()} REQUIRE {@link
 *       #isValid()}; {@code next} and {@code prev} throw {@link IllegalStateException} otherwise.
 *   <li>The iterator moves in both directions: {@link #next()} and {@link #prev()} may be mixed
 *       freely and always step to the neighbouring entry in internal-key order (LevelDB's {@code
 *       Iterator::Prev}, RocksDB's {@code SeekForPrev}).
 *   <li>Arrays returned by {@link #key()} and {@link #value()} are never modified afterwards, and
 *       callers must not modify them.
 *   <li>{@link #keySlice()} and {@link #valueSlice()} show the same bytes as {@link #key()} and
 *       {@link #value()} without copying them: the slice and the bytes it views are valid only
 *       until the iterator next moves (any positioning call) or closes, and the iterator may
 *       re-point the same slice object then. Callers never write through a slice and copy what
 *       they keep longer (LevelDB's {@code Slice} into a block, Pebble's {@code InternalKV}).
 *   <li>Errors (checksum mismatch, I/O failure) are thrown from the positioning call that met them
 *       as {@link io.stratadb.CorruptionException} or {@link io.stratadb.StrataIOException}; the
 *       iterator must not be used afterwards.
 * </ul>
 *
 * <p>Not thread-safe.
 */
public interface InternalIterator extends AutoCloseable {

  /** Whether the iterator is positioned on an entry. */
  boolean isValid();

  /** Positions at the first entry; invalid if empty. */
  void seekToFirst();

  /** Positions at the first entry whose internal key is {@code >= target} (an internal key). */
  void seek(byte[] target);

  /** Advances to the next entry. REQUIRES: valid. */
  void next();

  /** Positions at the last entry; invalid if empty. */
  void seekToLast();

  /**
   * Positions at the last entry whose internal key is {@code <= target} (an internal key); invalid
   * if every entry is greater (RocksDB's {@code SeekForPrev}).
   */
  void seekForPrev(byte[] target);

  /** Moves back to the previous entry; invalid when it was on the first. REQUIRES: valid. */
  void prev();

  /** The current encoded internal key. REQUIRES: valid. */
  byte[] key();

  /** The current value (empty for tombstones). REQUIRES: valid. */
  byte[] value();

  /**
   * The current encoded internal key, in place, as {@link #key()}; valid until the iterator moves
   * or closes (see the class contract). The default wraps {@link #key()}; iterators that hold the
   * key in a buffer (blocks, memtables) override it to skip the copy. REQUIRES: valid.
   */
  default Slice keySlice() {
    byte[] key = key();
    return new Slice(key, 0, key.length);
  }

  /**
   * The current value, in place, as {@link #value()}; valid until the iterator moves or closes.
   * The default wraps {@link #value()}. REQUIRES: valid.
   */
  default Slice valueSlice() {
    byte[] value = value();
    return new Slice(value, 0, value.length);
  }

  /**
   * A fresh copy of the current value that the caller owns (unlike {@link #value()}, which an
   * implementation may hand out once per position and share). The default copies {@link
   * #valueSlice()}; a block view overrides it to copy straight out of the mapping, once.
   * REQUIRES: valid.
   */
  default byte[] valueCopy() {
    return valueSlice().toArray();
  }

  /** Releases resources. Idempotent; never throws. */
  @Override
  void close();
}
