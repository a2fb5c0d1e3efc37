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
 * @param directWhenUnmapped whether a table opened unmapped is opened with {@link
 *     io.stratadb.env.FileSystem#openDirect} where the file system allows it, and with a buffered
 *     {@code pread} where it does not ({@link io.stratadb.ReadPathOptions#autoDirectReads()} in
 *     effect)
 */
public record TableReadOptions(int maxAutoReadaheadSize, int compactionReadaheadSize, boolean directReads,
    boolean directWhenUnmapped) {
  /** RocksDB's defaults: 256 KiB and 2 MiB, through the page cache. */
  public static final TableReadOptions DEFAULTS = new TableReadOptions(256 << 10, 2 << 20, false);

  /**
   * The options {@code readPath} gives a database whose block cache holds {@code blockCacheSize}
   * bytes (its direct reads of unmapped tables as {@link
   * io.stratadb.ReadPathOptions#directWhenUnmapped(long)} decides).
   *
   * @param readPath the database's read-path options
   * @param blockCacheSize the block cache's capacity in bytes; 0 for none
   * @return the table read options
   */
  public static TableReadOptions of(io.stratadb.ReadPathOptions readPath, long blockCacheSize) {
    return new TableReadOptions(readPath.maxAutoReadaheadSize(), readPath.compactionReadaheadSize(),
        readPath.useDirectReads(), readPath.directWhenUnmapped(blockCacheSize));
  }

  /**
   * Options that open an unmapped table direct only if {@code directReads}.
   *
   * @throws IllegalArgumentException if a size is negative
   */
  public TableReadOptions(int maxAutoReadaheadSize, int compactionReadaheadSize, boolean directReads) {
    this(maxAutoReadaheadSize, compactionReadaheadSize, directReads, false);
  }

  /**
   * Opens the table at {@code path}: with {@link io.stratadb.env.FileSystem#openDirect} if {@link
   * #directReads}, or if {@link #directWhenUnmapped} and not {@code map} (then, where the file system
   * refuses {@code O_DIRECT}, with a buffered {@code pread} instead); else with {@link
   * io.stratadb.env.FileSystem#openImmutable(java.nio.file.Path, boolean)}.
   *
   * @throws java.io.IOException if the file cannot be opened (with {@link #directReads}, also if
   *     the file system refuses direct reads)
   */
  public io.stratadb.env.ReadableFile open(io.stratadb.env.FileSystem fs, java.nio.file.Path path, boolean map)
      throws java.io.IOException {
    if (directReads) {
      return fs.openDirect(path);
    }
    if (directWhenUnmapped && !map) {
      try {
        return fs.openDirect(path);
      } catch (java.io.IOException e) { // e.g. tmpfs, which has no O_DIRECT: buffered it is (a
        // missing file fails again below)
      }
    }
    return fs.openImmutable(path, map);
  }

  /**
   * @throws IllegalArgumentException if a size is negative
   */
  public TableReadOptions {
    if (maxAutoReadaheadSize < 0 || compactionReadaheadSize < 0) {
      throw new IllegalArgumentException("read-ahead sizes must be >= 0");
    }
  }
}
