package io.stratadb.iterator;

/**
 * A cursor over internal-key entries (see {@link io.stratadb.key.InternalKey}) in internal-key
 * order: the contract every engine iterator follows (Pebble's {@code internal/base/iterator.go},
 * LevelDB's {@code Iterator}, mini-lsm's {@code StorageIterator}).
 *
 * <ul>
 *   <li>A new iterator is unpositioned (invalid) until {@link #seekToFirst()} or {@link
 *       #seek(byte[])}.
 *   <li>{@link #key()}, {@link #value()} and {@link #next()} REQUIRE {@link #isValid()}.
 *   <li>Arrays returned by {@link #key()} and {@link #value()} are never modified afterwards, and
 *       callers must not modify them.
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

  /** The current encoded internal key. REQUIRES: valid. */
  byte[] key();

  /** The current value (empty for tombstones). REQUIRES: valid. */
  byte[] value();

  /** Releases resources. Idempotent; never throws. */
  @Override
  void close();
}
