package io.stratadb;

/**
 * Options for reads ({@link Db#get(byte[], ReadOptions)}, {@link Db#newIterator(ReadOptions)},
 * {@link Db#scan(Bound, Bound, ReadOptions)}). Immutable and thread-safe; the {@code with...}
 * methods return modified copies.
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULT = new ReadOptions(null, 0, false);

  private final Snapshot snapshot;
  private final long autoRefreshMillis;
  private final boolean parallelSeek;

  private ReadOptions(Snapshot snapshot, long autoRefreshMillis, boolean parallelSeek) {
    this.snapshot = snapshot;
    this.autoRefreshMillis = autoRefreshMillis;
    this.parallelSeek = parallelSeek;
  }

  /** {@return options that read the newest data} No auto refresh, no parallel seek. */
  public static ReadOptions defaults() {
    return DEFAULT;
  }

  /**
   * Read at {@code snapshot}.
   *
   * @param snapshot an open snapshot of the database the options are used with
   * @return options that read at {@code snapshot}
   * @throws IllegalArgumentException if {@code snapshot} is null
   */
  public static ReadOptions snapshot(Snapshot snapshot) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot must not be null; use ReadOptions.defaults()");
    }
    return new ReadOptions(snapshot, 0, false);
  }

  /**
   * These options with iterator auto refresh every {@code millis} milliseconds; 0 (the default)
   * turns it off. Only iterators use it ({@link Db#newIterator(ReadOptions)}, {@link Db#scan(Bound,
   * Bound, ReadOptions)}); {@link Db#get(byte[], ReadOptions)} ignores it.
   *
   * <p>An iterator pins the memtables and SSTables of the state it was created from until it is
   * closed. With auto refresh, whenever a {@code seek...}, {@code next} or {@code prev} call finds
   * that {@code millis} have passed since the last refresh, the iterator re-opens its sources from
   * the database's current state, still reading at its own sequence number, so it keeps returning
   * exactly its point-in-time view; then it releases the old memtables and SSTables, which can be
   * freed and deleted (RocksDB's iterator auto-refresh, mini-lsm's "foreground iterator"). In
   * exchange, the iterator holds back compaction like a {@link Snapshot} for its whole life: old
   * versions of keys overwritten since it was created are kept until it is closed. A refresh costs
   * one seek of every source.
   *
   * @param millis the refresh interval in milliseconds, {@code >= 0}; 0 disables auto refresh
   * @return new options equal to these but for the refresh interval
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public ReadOptions withAutoRefreshMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("autoRefreshMillis must be >= 0 (0 disables): " + millis);
    }
    return new ReadOptions(snapshot, millis, parallelSeek);
  }

  /**
   * These options with parallel seek on or off (off by default): an iterator's {@code seek...}
   * calls position its sources (the memtables, each L0 table, each deeper level) concurrently, the
   * newest source on the calling thread and the others on a small pool of daemon threads the
   * database starts on first use ({@code strata-parallel-seek-N}, at most 4) and stops at {@link
   * Db#close()} (in purpose like RocksDB's {@code ReadOptions::async_io}, which issues
   * asynchronous reads where this runs the seeks on threads; the mini-lsm tutorial's "parallelize
   * the process of creating iterators"). Results are exactly those of a sequential seek. Only iterators
   * use it ({@link Db#newIterator(ReadOptions)}, {@link Db#scan(Bound, Bound, ReadOptions)}); {@link
   * Db#get(byte[], ReadOptions)} ignores it, and so do {@code next} and {@code prev}.
   *
   * <p>It pays when several sources' seeks do real work: a block read from a cold page cache, a
   * table too large to map, read with {@code pread}, or a compressed block decompressed on a block
   * cache miss. It costs when everything is in memory (mapped, uncompressed, or cached): handing a
   * seek to another thread and waiting for it takes longer than the seek itself; the calling thread
   * runs any seek no pool thread has started yet, which bounds that loss. Measured on 2 cores
   * ({@code strata bench --benchmarks fillrandom,seekrandom --cache-size 1048576}, 4-8 L0 tables):
   * seekrandom 2.9x slower uncompressed, 1.4x slower with lz4, about 1.1x faster with zstd (see
   * docs/architecture.md, read path).
   *
   * @param parallel whether iterators seek their sources in parallel
   * @return new options equal to these but for parallel seek
   */
  public ReadOptions withParallelSeek(boolean parallel) {
    return new ReadOptions(snapshot, autoRefreshMillis, parallel);
  }

  /** {@return the snapshot to read at, or null for the newest data} */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** {@return the iterator auto-refresh interval in milliseconds; 0 when off (the default)} */
  public long autoRefreshMillis() {
    return autoRefreshMillis;
  }

  /** {@return whether iterators seek their sources in parallel; false by default} */
  public boolean parallelSeek() {
    return parallelSeek;
  }
}
