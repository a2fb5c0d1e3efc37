package io.stratadb.sstable;

/**
 * How an open table reads its blocks when it is not mapped: the read-ahead of its iterators and of
 * compaction inputs ({@link io.stratadb.Options#maxAutoReadaheadSize()}, {@link
 * io.stratadb.Options#compactionReadaheadSize()}). Immutable.
 *
 * @param maxAutoReadaheadSize longest iterator read-ahead in bytes; 0 for none
 * @param compactionReadaheadSize compaction input read size in bytes; 0 for none
 */
public record TableReadOptions(int maxAutoReadaheadSize, int compactionReadaheadSize) {
  /** RocksDB's defaults: 256 KiB and 2 MiB. */
  public static final TableReadOptions DEFAULTS = new TableReadOptions(256 << 10, 2 << 20);

  /**
   * @throws IllegalArgumentException if a size is negative
   */
  public TableReadOptions {
    if (maxAutoReadaheadSize < 0 || compactionReadaheadSize < 0) {
      throw new IllegalArgumentException("read-ahead sizes must be >= 0");
    }
  }
}
