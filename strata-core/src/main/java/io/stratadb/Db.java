package io.stratadb;

import java.nio.file.Path;

/**
 * An embedded, ordered, durable key-value store built as a log-structured merge tree (LSM tree).
 *
 * <p>Keys and values are arbitrary byte arrays. Keys are ordered by unsigned lexicographic byte
 * order (as {@link java.util.Arrays#compareUnsigned(byte[], byte[])}). Empty values are legal and
 * distinct from a missing key; a deletion is recorded as a tombstone, never as an empty value.
 *
 * <p>Writes go to a write-ahead log (WAL) and an in-memory memtable; a full memtable becomes an
 * immutable memtable that a background thread flushes to an L0 SSTable. Reads consult the
 * memtables newest first, then the SSTables. The design follows LevelDB ({@code db/db_impl.cc}).
 *
 * <p>Thread safety: every method may be called from any number of threads concurrently. Writes are
 * applied in one total order (by sequence number). A reader never observes part of a {@link
 * WriteBatch}.
 *
 * <p>Errors: arguments that are {@code null} or exceed {@link Options#maxKeySize()} / {@link
 * Options#maxValueSize()} raise {@link IllegalArgumentException}; any call after {@link #close()}
 * raises {@link DbClosedException}; I/O failures raise {@link StrataIOException} and put the
 * database into a failed state in which every later write fails until it is reopened (errors are
 * sticky, as in LevelDB); checksum mismatches raise {@link CorruptionException} naming the file and
 * offset. A missing key is not an error: {@link #get(byte[])} returns {@code null}.
 */
public interface Db extends AutoCloseable {

  /**
   * Opens the database in {@code dir}, creating it if {@link Options#createIfMissing()} allows, or
   * recovering it from its manifest and write-ahead logs. Recovery replays every WAL record that
   * reached the disk; a torn record at the tail of the newest log (a crash during a write) is
   * dropped, while corruption followed by valid records raises {@link CorruptionException}.
   *
   * @param dir directory holding the database files; created if absent and allowed
   * @param options tuning options, see {@link Options#defaults()}
   * @return an open database; close it with {@link #close()}
   * @throws IllegalArgumentException if {@code dir} or {@code options} is null, or the directory
   *     does not hold a database and {@code createIfMissing} is false, or holds one and {@code
   *     errorIfExists} is true
   * @throws CorruptionException if the manifest or a WAL is corrupt in a way recovery cannot
   *     safely skip
   * @throws StrataIOException if the files cannot be read or written, or another process or
   *     {@code Db} instance holds the directory's lock
   * @throws CompressionUnavailableException if {@code options} choose a {@link Compression} whose
   *     optional library is not on the class path (checked before the directory is touched)
   */
  static Db open(Path dir, Options options) {
    if (options != null) { // null is the engine's IllegalArgumentException
      options.compression().requireAvailable();
      options.compressionPerLevel().forEach(Compression::requireAvailable);
    }
    return Providers.ENGINE.open(dir, options);
  }

  /**
   * Opens the database in {@code dir} for reading only (RocksDB's {@code OpenForReadOnly}): it
   * writes nothing at all (no {@code LOCK}, no new WAL or manifest, no obsolete-file deletion, no
   * background threads), so it works on a read-only or full disk and beside a process that has the
   * database open. The WALs are replayed into memory. Reads see the database as of this call;
   * every write, {@code flush}, {@code compactRange} and {@code checkpoint} throws {@link
   * UnsupportedOperationException}. If another process writes meanwhile, the open reads its
   * manifest again when it changed under it (a few times); a table the writer deletes after the
   * open may make a later read fail with {@link StrataIOException}; reopen to see its writes.
   *
   * @param dir directory holding the database files
   * @param options tuning options; the creation options are ignored
   * @return an open, read-only database; close it with {@link #close()}
   * @throws IllegalArgumentException if {@code dir} or {@code options} is null, or {@code dir}
   *     holds no database
   * @throws CorruptionException if the manifest or a WAL is corrupt in a way recovery cannot
   *     safely skip, or {@code CURRENT} is missing while the directory holds database files
   * @throws StrataIOException if the files cannot be read
   */
  static Db openReadOnly(Path dir, Options options) {
    return Providers.ENGINE.openReadOnly(dir, options);
  }

  /**
   * Stores {@code value} under {@code key} with default {@link WriteOptions} (no fsync).
   *
   * @param key the key, at most {@link Options#maxKeySize()} bytes (may be empty); copied
   * @param value the value, at most {@link Options#maxValueSize()} bytes; copied
   * @throws IllegalArgumentException if either is null or too large
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write fails, or an earlier background error is sticky
   */
  void put(byte[] key, byte[] value);

  /**
   * Stores {@code value} under {@code key}.
   *
   * @param key the key, at most {@link Options#maxKeySize()} bytes (may be empty); copied
   * @param value the value, at most {@link Options#maxValueSize()} bytes; copied
   * @param options {@link WriteOptions#sync()} makes the call return only after the WAL is fsynced
   * @throws IllegalArgumentException if an argument is null or too large
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write or sync fails, or an earlier error is sticky
   */
  void put(byte[] key, byte[] value, WriteOptions options);

  /**
   * Returns the newest value stored under {@code key}, or {@code null} if the key is absent or
   * deleted. An empty array is a present, empty value.
   *
   * @param key the key to look up
   * @return a new array holding the value (the caller owns it), or null if absent or deleted
   * @throws IllegalArgumentException if {@code key} is null
   * @throws DbClosedException if the database is closed
   * @throws CorruptionException if an SSTable block read for the lookup fails its checksum
   * @throws StrataIOException if an SSTable cannot be read
   */
  byte[] get(byte[] key);

  /**
   * Returns the value of {@code key} as seen by {@code options} (e.g. at a snapshot), or {@code
   * null} if absent or deleted there.
   *
   * @param key the key to look up
   * @param options the snapshot and read settings
   * @return a new array holding the value, or null if absent or deleted at that point
   * @throws IllegalArgumentException if an argument is null, or the snapshot belongs to another
   *     database
   * @throws IllegalStateException if the snapshot was closed
   * @throws DbClosedException if the database is closed
   * @throws CorruptionException if an SSTable block read for the lookup fails its checksum
   */
  byte[] get(byte[] key, ReadOptions options);

  /**
   * Looks up every key of {@code keys} at one sequence number, as {@link #get(byte[])} would for
   * each: the result has one entry per key, in the order given, null for a key absent or deleted.
   * Faster than a loop of gets: the memtables and the table version are pinned once, and the keys
   * are looked up in key order, so each SSTable is opened once for the batch and keys that share a
   * data block share its lookup (RocksDB's {@code MultiGet}). Duplicate keys are allowed.
   *
   * @param keys the keys to look up, in any order, duplicates allowed
   * @return a new list of {@code keys.size()} new value arrays or nulls, in the order of {@code
   *     keys}
   * @throws IllegalArgumentException if {@code keys} or one of its keys is null
   * @throws DbClosedException if the database is closed
   * @throws CorruptionException if an SSTable block read for the lookups fails its checksum
   * @throws StrataIOException if an SSTable cannot be read
   */
  java.util.List<byte[]> multiGet(java.util.List<byte[]> keys);

  /**
   * As {@link #multiGet(java.util.List)}, as seen by {@code options} (e.g. at a snapshot).
   *
   * @param keys the keys to look up, in any order, duplicates allowed
   * @param options the snapshot and read settings
   * @return a new list of {@code keys.size()} new value arrays or nulls, in the order of {@code
   *     keys}
   * @throws IllegalArgumentException if an argument or a key is null, or the snapshot belongs to
   *     another database
   * @throws IllegalStateException if the snapshot was closed
   * @throws DbClosedException if the database is closed
   * @throws CorruptionException if an SSTable block read for the lookups fails its checksum
   */
  java.util.List<byte[]> multiGet(java.util.List<byte[]> keys, ReadOptions options);

  /**
   * Takes a snapshot at the newest acknowledged write. Close it when done.
   *
   * @return a snapshot pinning the current sequence number until it is closed
   * @throws DbClosedException if the database is closed
   */
  Snapshot getSnapshot();

  /**
   * Begins an optimistic transaction at snapshot isolation ({@link TransactionOptions#defaults()}).
   * Close it when done.
   *
   * @return the open transaction, owned by the calling thread until it is committed or closed
   * @throws DbClosedException if the database is closed
   */
  Transaction beginTransaction();

  /**
   * Begins an optimistic transaction with {@code options} (isolation level, sync commit). Its
   * snapshot is taken now. Close it when done.
   *
   * @param options the isolation level and whether commit syncs the WAL
   * @return the open transaction, owned by the calling thread until it is committed or closed
   * @throws IllegalArgumentException if {@code options} is null
   * @throws DbClosedException if the database is closed
   */
  Transaction beginTransaction(TransactionOptions options);

  /**
   * Deletes {@code key} by writing a tombstone; deleting an absent key is not an error.
   *
   * @param key the key to delete, at most {@link Options#maxKeySize()} bytes (may be empty)
   * @throws IllegalArgumentException if {@code key} is null or too large
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write fails, or an earlier error is sticky
   */
  void delete(byte[] key);

  /**
   * Deletes {@code key}, honouring {@code options}.
   *
   * @param key the key to delete, at most {@link Options#maxKeySize()} bytes (may be empty)
   * @param options {@link WriteOptions#sync()} makes the call return only after the WAL is fsynced
   * @throws IllegalArgumentException if an argument is null or the key too large
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write or sync fails, or an earlier error is sticky
   */
  void delete(byte[] key, WriteOptions options);

  /**
   * Applies every operation of {@code batch} atomically with default {@link WriteOptions}: readers
   * and recovery after a crash see all of the batch or none of it.
   *
   * @param batch the operations, applied in order; the batch is not changed and may be reused
   * @throws IllegalArgumentException if {@code batch} is null or holds a key or value that is too
   *     large (then nothing of it is applied)
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write fails, or an earlier error is sticky
   */
  void write(WriteBatch batch);

  /**
   * Applies {@code batch} atomically, honouring {@code options}.
   *
   * @param batch the operations, applied in order; the batch is not changed and may be reused
   * @param options {@link WriteOptions#sync()} makes the call return only after the WAL is fsynced
   * @throws IllegalArgumentException if an argument is null or the batch holds an oversized entry
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write or sync fails, or an earlier error is sticky
   */
  void write(WriteBatch batch, WriteOptions options);

  /**
   * Returns an iterator over the whole key space, positioned nowhere (call {@link
   * DbIterator#seekToFirst()}, {@link DbIterator#seekToLast()}, {@link DbIterator#seek(byte[])} or
   * {@link DbIterator#seekForPrev(byte[])}); it moves both ways. Unlike {@link #scan(Bound,
   * Bound)}, which positions its iterator on the first key, this one is unpositioned as RocksDB's
   * {@code NewIterator} is, since its first call is usually a seek; its for-each and stream views
   * ({@link DbIterator#iterator()}) start with {@code seekToFirst()}. The iterator reads the state of
   * the database at the moment of this call; later writes are invisible to it. Close it: an open
   * iterator pins the memtables and SSTables it reads, unless {@link
   * ReadOptions#withAutoRefreshMillis} lets it re-open them periodically.
   *
   * @return a new, unpositioned iterator; it must be closed, and is not thread-safe
   * @throws DbClosedException if the database is closed
   */
  DbIterator newIterator();

  /**
   * Like {@link #newIterator()}, reading as {@code options} say (e.g. at a snapshot).
   *
   * @param options the snapshot and read settings
   * @return a new, unpositioned iterator; it must be closed, and is not thread-safe
   * @throws IllegalArgumentException if {@code options} is null or its snapshot is foreign
   * @throws IllegalStateException if the snapshot was closed
   * @throws DbClosedException if the database is closed
   */
  DbIterator newIterator(ReadOptions options);

  /**
   * Like {@link #scan(Bound, Bound)}, reading as {@code options} say (e.g. at a snapshot).
   *
   * @param lower lower bound, e.g. {@link Bound#inclusive(byte[])} or {@link Bound#unbounded()}
   * @param upper upper bound, e.g. {@link Bound#exclusive(byte[])} or {@link Bound#unbounded()}
   * @param options the snapshot and read settings
   * @return a new iterator positioned on the first key in range; it must be closed
   * @throws IllegalArgumentException if an argument is null or the snapshot is foreign
   * @throws IllegalStateException if the snapshot was closed
   * @throws DbClosedException if the database is closed
   */
  DbIterator scan(Bound lower, Bound upper, ReadOptions options);

  /**
   * Returns an iterator over the keys between {@code lower} and {@code upper}, already positioned
   * on the first key in range (or invalid if the range is empty). It has the same point-in-time
   * view as {@link #newIterator()} and moves both ways; {@link DbIterator#seek(byte[])} targets
   * below {@code lower} are clamped to it, {@link DbIterator#seekForPrev(byte[])} targets above
   * {@code upper} to it.
   *
   * @param lower lower bound, e.g. {@link Bound#inclusive(byte[])} or {@link Bound#unbounded()}
   * @param upper upper bound, e.g. {@link Bound#exclusive(byte[])} or {@link Bound#unbounded()}
   * @return a new iterator on the first key in range; close it; not thread-safe
   * @throws IllegalArgumentException if a bound is null
   * @throws DbClosedException if the database is closed
   */
  DbIterator scan(Bound lower, Bound upper);

  /**
   * Opens the database in {@code dir} with {@link Options#defaults()}, creating it if absent; as
   * {@link #open(Path, Options)}.
   *
   * @param dir directory holding the database files; created if absent
   * @return an open database; close it with {@link #close()}
   * @throws IllegalArgumentException if {@code dir} is null
   * @throws CorruptionException if the manifest or a WAL is corrupt beyond what recovery skips
   * @throws StrataIOException if the files cannot be read or written, or the directory is locked
   */
  static Db open(Path dir) {
    return open(dir, Options.defaults());
  }

  /**
   * Returns an iterator over the keys that start with {@code prefix}, positioned on the first of
   * them: {@code scan(Bound.inclusive(prefix), Bound.prefixEnd(prefix))}. An empty prefix selects
   * every key.
   *
   * @param prefix the key prefix, possibly empty
   * @return a new iterator positioned on the first key with the prefix; it must be closed
   * @throws IllegalArgumentException if {@code prefix} is null
   * @throws DbClosedException if the database is closed
   */
  default DbIterator scanPrefix(byte[] prefix) {
    return scanPrefix(prefix, ReadOptions.defaults());
  }

  /**
   * Like {@link #scanPrefix(byte[])}, reading as {@code options} say (e.g. at a snapshot).
   *
   * @param prefix the key prefix, possibly empty
   * @param options the snapshot and read settings
   * @return a new iterator positioned on the first key with the prefix; it must be closed
   * @throws IllegalArgumentException if an argument is null or the snapshot is foreign
   * @throws IllegalStateException if the snapshot was closed
   * @throws DbClosedException if the database is closed
   */
  default DbIterator scanPrefix(byte[] prefix, ReadOptions options) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null");
    }
    return scan(Bound.inclusive(prefix), Bound.prefixEnd(prefix), options);
  }

  /**
   * Stores the bytes remaining in {@code value} (position to limit) under those remaining in
   * {@code key}, with default {@link WriteOptions}. For direct (off-heap) buffers, e.g. Netty's: the
   * bytes are copied once, straight from the buffers into the write ({@link
   * WriteBatch#put(ByteBuffer, ByteBuffer)}), where a {@code byte[]} put would need the caller's
   * copy first. Both positions advance to their limits once the write succeeded; after a failure
   * they are unchanged. Statistics count a put in a one-operation {@link #write(WriteBatch)}. There is
   * no {@code ByteBuffer} get: a lookup copies the value out of its block exactly once, into the
   * array {@link #get(byte[])} returns ({@link java.nio.ByteBuffer#wrap(byte[])} costs no copy).
   *
   * @param key the key's bytes, position to limit, at most {@link Options#maxKeySize()} bytes
   * @param value the value's bytes, position to limit; at most {@link Options#maxValueSize()} bytes
   * @throws IllegalArgumentException if either is null or too large
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write fails, or an earlier error is sticky
   */
  default void put(java.nio.ByteBuffer key, java.nio.ByteBuffer value) {
    put(key, value, WriteOptions.defaults());
  }

  /**
   * As {@link #put(java.nio.ByteBuffer, java.nio.ByteBuffer)}, honouring {@code options}.
   *
   * @param key the key's bytes, position to limit, at most {@link Options#maxKeySize()} bytes
   * @param value the value's bytes, position to limit; at most {@link Options#maxValueSize()} bytes
   * @param options {@link WriteOptions#sync()} makes the call return only after the WAL is fsynced
   * @throws IllegalArgumentException if an argument is null or too large
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the WAL write or sync fails, or an earlier error is sticky
   */
  default void put(java.nio.ByteBuffer key, java.nio.ByteBuffer value, WriteOptions options) {
    if (key == null || value == null) {
      throw new IllegalArgumentException("key and value must not be null");
    }
    write(new WriteBatch().put(key.duplicate(), value.duplicate()), options);
    key.position(key.limit());
    value.position(value.limit());
  }

  /**
   * Compacts every table overlapping the range between {@code lower} and {@code upper} down
   * through the levels (after flushing the memtable), so that overwritten versions and tombstones
   * in the range are dropped and the range is read from as few tables as possible (LevelDB's
   * {@code CompactRange}). The bounds read as {@link #scan(Bound, Bound)}'s; as compaction works
   * on whole tables, keys just outside the range (an exclusive bound's own key, say) may be
   * compacted too. Background compactions pause meanwhile. A tiered database merges all of its
   * sorted runs. Blocks until done.
   *
   * @param lower lower bound, e.g. {@link Bound#inclusive(byte[])} or {@link Bound#unbounded()}
   * @param upper upper bound, e.g. {@link Bound#exclusive(byte[])} or {@link Bound#unbounded()}
   * @throws IllegalArgumentException if a bound is null
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the compaction fails (the error is then sticky)
   */
  void compactRange(Bound lower, Bound upper);

  /**
   * Compacts the whole key space: {@code compactRange(Bound.unbounded(), Bound.unbounded())}.
   *
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the compaction fails (the error is then sticky)
   */
  default void compactRange() {
    compactRange(Bound.unbounded(), Bound.unbounded());
  }

  /**
   * Fsyncs the write-ahead log up to every write acknowledged before this call, so that those
   * writes survive a power loss as if each had been made with {@link WriteOptions#sync()}
   * (RocksDB's {@code SyncWAL}). A write with default options is only handed to the operating
   * system: it survives a crash of the process, not of the machine. Calling this from one thread
   * once a second bounds what a power loss takes to about the last second, as Redis's {@code
   * appendfsync everysec} does, with no writer waiting for an fsync of its own.
   *
   * <p>It takes part in group commit like a sync write of no entries: sync writes and other calls
   * queued with it share its fsync, and writes queued behind it wait for the fsync as they wait
   * behind a sync write. It writes nothing to the WAL, and does nothing when nothing was appended
   * to the WAL since its last fsync. Writes running concurrently with the call may or may not be
   * covered. Thread-safe: any number of threads may call it, concurrently with every other method.
   *
   * @throws DbClosedException if the database is closed
   * @throws UnsupportedOperationException if the database was opened read-only
   * @throws StrataIOException if the fsync fails (the error is then sticky: the database is
   *     read-only until reopened), if an earlier error is sticky, or if the directory's {@code
   *     LOCK} file was lost
   */
  void syncWal();

  /**
   * Flushes the current memtable to an L0 SSTable and waits until it, and every immutable memtable
   * before it, is on disk and recorded in the manifest. Does nothing when the memtable is empty.
   *
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the flush fails (the error is then sticky)
   */
  void flush();

  /**
   * Compacts the user-key range {@code [lower, upper]}, both ends inclusive.
   *
   * @param lower smallest user key to compact, or null for the first key
   * @param upper largest user key to compact, or null for the last key
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if the compaction fails (the error is then sticky)
   * @deprecated use {@link #compactRange(Bound, Bound)}, whose bounds read as {@link #scan(Bound,
   *     Bound)}'s, or {@link #compactRange()}; this form takes nulls and an inclusive upper end
   */
  @Deprecated
  default void compactRange(byte[] lower, byte[] upper) {
    compactRange(lower == null ? Bound.unbounded() : Bound.inclusive(lower),
        upper == null ? Bound.unbounded() : Bound.inclusive(upper));
  }

  /**
   * Makes a checkpoint: a consistent, openable copy of the database in the new directory {@code
   * dir}, taken while reads and writes go on (RocksDB's {@code Checkpoint::CreateCheckpoint}). The
   * copy holds every write acknowledged before this call and no part of a later batch; writes
   * acknowledged during the call may or may not be in it. Open it with {@link #open(Path,
   * Options)}, like any database; it shares nothing mutable with this one.
   *
   * <p>SSTables are hard-linked into the copy (so a checkpoint costs little space and time while
   * both live), or copied when linking fails (another file system); the WALs of the memtables are
   * copied up to their size at one instant; a fresh manifest and {@code CURRENT} are written. The
   * copy is assembled in {@code <dir>.tmp}, fsynced, and renamed to {@code dir}. Writes wait only
   * while the live files are captured (no I/O but opening the WALs); flushes and compactions go on
   * meanwhile, and a table one of them deletes here stays in the copy. Details in {@code
   * docs/architecture.md}, "Checkpoints".
   *
   * @param dir the checkpoint directory; must not exist (its parent is created if missing)
   * @throws IllegalArgumentException if {@code dir} is null or exists, or {@code <dir>.tmp} exists
   *     (left by a checkpoint a crash interrupted: delete it)
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if a file cannot be read, linked, copied or written; the partial copy
   *     is removed and this database is unaffected; or if an earlier write or background job failed
   *     (the database is read-only until reopened) and nothing is created
   */
  void checkpoint(Path dir);

  /**
   * Returns a snapshot of the database's shape: files and bytes per level, memtable sizes and the
   * last sequence number.
   *
   * @return a new, immutable snapshot of the shape, taken at the time of the call
   * @throws DbClosedException if the database is closed
   */
  DbStats stats();

  /**
   * Closes the database: stops background work after the running job, closes the WAL (without
   * flushing the memtable: the WAL makes it durable) and releases the directory lock. Idempotent.
   * Iterators still open become unusable. Writes made {@link WriteOptions#withoutWal() without the
   * WAL} that wait in a memtable are flushed to an SSTable first, as RocksDB does at shutdown.
   *
   * @throws StrataIOException if closing a file fails, or flushing unlogged writes failed (they are
   *     then lost); the database is closed regardless
   */
  @Override
  void close();
}
