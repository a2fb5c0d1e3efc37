package io.stratadb;

/**
 * How SSTables lay their data blocks out in the file, for {@link Options.Builder#tableLayout}.
 * Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>{@link #alignDataBlocks()} is RocksDB's {@code BlockBasedTableOptions::block_align}: an
 * uncompressed data block is closed before it and its 5-byte trailer would pass {@link
 * Options#blockSize()}, and the next one starts on a multiple of the alignment (the smaller of
 * the block size and 4096 bytes, as a power of two), the bytes between left as zero padding. A
 * 4 KiB block then lies in one page of the file instead of two, so a point lookup that misses
 * every cache reads one page from the device (a direct read, one aligned file-system block) and
 * the page cache holds twice as many blocks in the same memory; the cost is the padding, about
 * half an entry per block (5-6% more disk with 400-byte values and 4 KiB blocks). Compressed data
 * blocks are never padded (their size is not known before they are compressed). Tables written
 * without it stay readable; a database may hold both kinds.
 */
public final class TableLayout {
  /** The page size data blocks are aligned to at most, in bytes. */
  public static final int PAGE_BYTES = 4096;

  private static final TableLayout DEFAULTS = builder().build();

  private final boolean alignDataBlocks;

  private TableLayout(Builder b) {
    this.alignDataBlocks = b.alignDataBlocks;
  }

  /**
   * {@return the default layout} Data blocks written back to back, unaligned (RocksDB's default).
   */
  public static TableLayout defaults() {
    return DEFAULTS;
  }

  /** {@return a new builder initialised with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return whether uncompressed data blocks are padded to start on an alignment boundary} See the
   * class comment.
   */
  public boolean alignDataBlocks() {
    return alignDataBlocks;
  }

  /**
   * The boundary data blocks of {@code blockSize} bytes start on when aligned, in bytes: the largest
   * power of two at most {@code min(blockSize, PAGE_BYTES)}.
   *
   * @param blockSize the data block size in bytes, {@code > 0}
   * @return the alignment in bytes, a power of two
   * @throws IllegalArgumentException if {@code blockSize} is not positive
   */
  public static int alignment(int blockSize) {
    if (blockSize <= 0) {
      throw new IllegalArgumentException("blockSize must be positive, got " + blockSize);
    }
    return Integer.highestOneBit(Math.min(blockSize, PAGE_BYTES));
  }

  @Override
  public String toString() {
    return "TableLayout[alignDataBlocks=" + alignDataBlocks + "]";
  }

  /** Builds a {@link TableLayout}. Not thread-safe. */
  public static final class Builder {
    private boolean alignDataBlocks;

    private Builder() {}

    /**
     * {@return this builder} Sets whether uncompressed data blocks start on an alignment boundary.
     *
     * @param value true to align them; default false
     */
    public Builder alignDataBlocks(boolean value) {
      this.alignDataBlocks = value;
      return this;
    }

    /** {@return a new, immutable layout with this builder's values} */
    public TableLayout build() {
      return new TableLayout(this);
    }
  }
}
