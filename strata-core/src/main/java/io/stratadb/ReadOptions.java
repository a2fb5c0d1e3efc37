package io.stratadb;

/**
 * Options for reads ({@link Db#get(byte[], ReadOptions)}, {@link Db#newIterator(ReadOptions)},
 * {@link Db#scan(Bound, Bound, ReadOptions)}). Immutable and thread-safe; the {@code with...}
 * methods return modified copies.
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULT = new ReadOptions(null, 0);

  private final Snapshot snapshot;
  private final long autoRefreshMillis;

  private ReadOptions(Snapshot snapshot, long autoRefreshMillis) {
    this.snapshot = snapshot;
    this.autoRefreshMillis = autoRefreshMillis;
  }

  /** Read the newest data. */
  public static ReadOptions defaults() {
    return DEFAULT;
  }

  /**
   * Read at {@code snapshot}.
   *
   * @throws IllegalArgumentException if {@code snapshot} is null
   */
  public static ReadOptions snapshot(Snapshot snapshot) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot must not be null; use ReadOptions.defaults()");
    }
    return new ReadOptions(snapshot, 0);
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
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public ReadOptions withAutoRefreshMillis(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("autoRefreshMillis must be >= 0 (0 disables): " + millis);
    }
    return new ReadOptions(snapshot, millis);
  }

  /** The snapshot to read at, or null for the newest data. */
  public Snapshot snapshot() {
    return snapshot;
  }

  /** The iterator auto-refresh interval in milliseconds; 0 when off (the default). */
  public long autoRefreshMillis() {
    return autoRefreshMillis;
  }
}
