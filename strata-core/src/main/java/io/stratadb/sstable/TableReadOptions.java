package io.stratadb.sstable;

/**
 * How an open table reads its blocks when it is not mapped: the read-ahead of its iterators and of
 * compaction inputs ({@link io.stratadb.Options#maxAutoReadaheadSize()}, {@link
 * io.stratadb.Options#compactionReadaheadSize()}), and whether around the page cache ({@link
 * io.stratadb.Options#useDirectReads()}). Immutable.
 *
 * @param maxAutoReadaheadSize longest iterator read-ahead in bytes; 0 for none
 * @param compactionReadaheadSize compaction input read size in bytes; 0 for none
 * @param directReads whether tables are opened with {@link io.stratadb.env.FileSystem#openDirect}
 *     (never mapped)
 */
public record TableReadOptions(int maxAutoReadaheadSize, int compactionReadaheadSize, boolean directReads) {
  /** RocksDB's defaults: 256 KiB and 2 MiB, through the page cache. */
  public static final TableReadOptions DEFAULTS = new TableReadOptions(256 << 10, 2 << 20, false);

  /**
   * @throws IllegalArgumentException if a size is negative
   */
  public TableReadOptions {
    if (maxAutoReadaheadSize < 0 || compactionReadaheadSize < 0) {
      throw new IllegalArgumentException("read-ahead sizes must be >= 0");
    }
  }
}
