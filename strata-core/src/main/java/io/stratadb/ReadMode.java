package io.stratadb;

/**
 * How SSTables are read ({@link ReadPathOptions#readMode()}).
 *
 * <ul>
 *   <li>{@link #MMAP}: each table is mapped into memory and blocks are read from the mapping
 *       (LevelDB's {@code PosixMmapReadableFile}). Cheapest while the tables fit in the page cache:
 *       an uncompressed block is read in place, with no system call and no copy. When they do not
 *       fit, every page fault reads as much as the device's read-ahead (often far more than the
 *       block), mapped pages compete with the heap for memory, and an I/O error or a file that
 *       shrank surfaces as an {@link InternalError} wherever the JVM notices it.
 *   <li>{@link #PREAD}: each block is read with one positional read of exactly the block
 *       ({@code pread}) into the block cache, as RocksDB does; iterators and compaction inputs
 *       read ahead into a buffer of their own. Right when the database is larger than memory.
 *   <li>{@link #AUTO}: {@link #MMAP} for a table opened while the database's tables total at most
 *       {@link ReadPathOptions#mmapBudgetBytes()}, {@link #PREAD} for one opened after that. The default.
 * </ul>
 */
public enum ReadMode {
  /** Map while the database is small, {@code pread} once it has outgrown the budget. */
  AUTO,
  /** Always map tables into memory. */
  MMAP,
  /** Never map: one positional read per block. */
  PREAD;

  /**
   * Whether a table opened now is mapped, given the database's current total table bytes (asked
   * for by {@link #AUTO} only: summing them walks the current version) and the budget ({@link
   * ReadPathOptions#mmapBudgetBytes()}).
   *
   * @param totalTableBytes supplies the bytes of all live tables; called only by {@link #AUTO}
   * @param mmapBudgetBytes the table bytes up to which {@link #AUTO} maps, in bytes
   * @return true to map the table, false to read it with {@code pread}
   */
  public boolean maps(java.util.function.LongSupplier totalTableBytes, long mmapBudgetBytes) {
    switch (this) {
      case MMAP:
        return true;
      case PREAD:
        return false;
      default:
        return totalTableBytes.getAsLong() <= mmapBudgetBytes;
    }
  }
}
