package io.stratadb;

/**
 * How SSTables are read from the file system, for {@link Options.Builder#readPath}: mapped or
 * with {@code pread}, read-ahead for iterators and compaction inputs, direct I/O. Immutable and
 * thread-safe; build with {@link #builder()}. The design and its measurements are in {@code
 * docs/read-path.md}.
 */
public final class ReadPathOptions {
  private static final ReadPathOptions DEFAULTS = builder().build();

  private final ReadMode readMode;
  /** -1: {@link io.stratadb.util.MemoryBudget#DEFAULT_MMAP_BUDGET}. */
  private final long mmapBudgetBytes;
  private final int maxAutoReadaheadSize;
  private final int compactionReadaheadSize;
  private final boolean useDirectReads;
  private final boolean autoDirectReads;

  private ReadPathOptions(Builder b) {
    this.readMode = b.readMode;
    this.mmapBudgetBytes = b.mmapBudgetBytes;
    this.maxAutoReadaheadSize = b.maxAutoReadaheadSize;
    this.compactionReadaheadSize = b.compactionReadaheadSize;
    this.useDirectReads = b.useDirectReads;
    this.autoDirectReads = b.autoDirectReads;
  }

  /**
   * {@return the defaults} {@link ReadMode#AUTO}, 256 KiB iterator and 2 MiB compaction read-ahead,
   * buffered reads except as {@link #autoDirectReads()} says.
   */
  public static ReadPathOptions defaults() {
    return DEFAULTS;
  }

  /** {@return a new builder initialised with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new builder initialised with these options} */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.readMode = readMode;
    b.mmapBudgetBytes = mmapBudgetBytes;
    b.maxAutoReadaheadSize = maxAutoReadaheadSize;
    b.compactionReadaheadSize = compactionReadaheadSize;
    b.useDirectReads = useDirectReads;
    b.autoDirectReads = autoDirectReads;
    return b;
  }

  /**
   * How SSTables are read: mapped into memory, or one {@code pread} per block into the block cache
   * (see {@link ReadMode}). Default {@link ReadMode#AUTO}: mapped while the database's tables total
   * at most {@link #mmapBudgetBytes()}, read with {@code pread} beyond.
   *
   * @return the read mode
   */
  public ReadMode readMode() {
    return readMode;
  }

  /**
   * The total table bytes up to which {@link ReadMode#AUTO} maps a table it opens, in bytes.
   * Default: half of the memory the JVM may use beside its heap (the machine's memory, or the
   * container's memory limit, which the JVM reads from its cgroup; minus the maximum heap), so a
   * database that fits in the page cache with room to spare is mapped and a larger one is not.
   *
   * @return the budget in bytes
   */
  public long mmapBudgetBytes() {
    return mmapBudgetBytes >= 0 ? mmapBudgetBytes : io.stratadb.util.MemoryBudget.DEFAULT_MMAP_BUDGET;
  }

  /**
   * The longest read-ahead of an iterator reading a table that is not mapped, in bytes (RocksDB's
   * {@code max_auto_readahead_size}): from its third block read in a row an iterator reads 8 KiB
   * past the block into a buffer of its own, doubling on each read-ahead up to this; a seek starts
   * over. 0 turns read-ahead off (one read per block). Point lookups never read ahead. Default
   * 256 KiB, as RocksDB.
   *
   * @return the longest read-ahead in bytes; 0 when off
   */
  public int maxAutoReadaheadSize() {
    return maxAutoReadaheadSize;
  }

  /**
   * The read-ahead of a compaction's input tables that are not mapped, in bytes (RocksDB's {@code
   * compaction_readahead_size}): each input is read in reads of this size into a buffer of its own
   * from its first block. 0 reads one block at a time. Default 2 MiB, as RocksDB.
   *
   * @return the read-ahead in bytes; 0 when off
   */
  public int compactionReadaheadSize() {
    return compactionReadaheadSize;
  }

  /**
   * Whether SSTables are read around the operating system's page cache ({@code O_DIRECT},
   * RocksDB's {@code use_direct_reads}; Java 17 opens such files without native code): the block
   * cache is then the only cache of data blocks, so size it to the memory the process may use.
   * Applies to the reads of user lookups, iterators and compaction inputs; tables are never mapped
   * (so {@link ReadMode#MMAP} is refused). The file system must support it (tmpfs does not: the
   * tables then fail to open with a {@link StrataIOException}). Flush and compaction still write
   * through the page cache. Default false.
   *
   * @return true to read tables with {@code O_DIRECT}
   */
  public boolean useDirectReads() {
    return useDirectReads;
  }

  /**
   * Whether {@link ReadMode#AUTO} reads the tables it does not map around the page cache ({@code
   * O_DIRECT}, as {@link #useDirectReads()}) when the block cache is sized for it: the database's
   * tables total more than {@link #mmapBudgetBytes()} (which is why they are not mapped) and {@link
   * Options#blockCacheSize()} is at least {@link #mmapBudgetBytes()}, that is, the block cache has
   * been given as much as the page cache could hold of the tables beside it. The page cache would
   * then mostly hold second copies of blocks the block cache holds, and in a memory-limited
   * container every block it read would first make the kernel reclaim a page of the container's
   * own. With a smaller block cache (the default 8 MiB) the page cache is the larger cache, and
   * those tables are read through it. Where the file system refuses {@code O_DIRECT} (tmpfs) the
   * tables are read through the page cache. Measured in {@code docs/larger-than-memory.md}.
   * Default true.
   *
   * @return whether {@code AUTO} reads unmapped tables with {@code O_DIRECT} when the block cache is
   *     sized for it
   */
  public boolean autoDirectReads() {
    return autoDirectReads;
  }

  /**
   * Whether a table that {@link ReadMode#AUTO} does not map is read around the page cache, for a
   * database whose block cache is {@code blockCacheSize} bytes: {@link #autoDirectReads()} with
   * {@code AUTO} and a block cache of at least {@link #mmapBudgetBytes()}.
   *
   * @param blockCacheSize the database's block cache capacity in bytes ({@link
   *     Options#blockCacheSize()}); 0 for no block cache (then never direct)
   * @return whether such a table is opened with {@code O_DIRECT}
   */
  public boolean directWhenUnmapped(long blockCacheSize) {
    return autoDirectReads && readMode == ReadMode.AUTO && blockCacheSize > 0 && blockCacheSize >= mmapBudgetBytes();
  }

  @Override
  public String toString() {
    return "ReadPathOptions[readMode=" + readMode + ", mmapBudgetBytes=" + mmapBudgetBytes()
        + ", maxAutoReadaheadSize=" + maxAutoReadaheadSize + ", compactionReadaheadSize="
        + compactionReadaheadSize + ", useDirectReads=" + useDirectReads + ", autoDirectReads=" + autoDirectReads + "]";
  }

  /** Builds {@link ReadPathOptions}. Not thread-safe. Each setter throws IllegalArgumentException if out of range. */
  public static final class Builder {
    private ReadMode readMode = ReadMode.AUTO;
    private long mmapBudgetBytes = -1;
    private int maxAutoReadaheadSize = 256 << 10;
    private int compactionReadaheadSize = 2 << 20;
    private boolean useDirectReads = false;
    private boolean autoDirectReads = true;

    private Builder() {}

    /**
     * How SSTables are read; see {@link ReadPathOptions#readMode()}.
     *
     * @param mode how SSTables are read
     * @return this builder
     * @throws IllegalArgumentException if {@code mode} is null
     */
    public Builder readMode(ReadMode mode) {
      this.readMode = Options.Builder.notNull("readMode", mode);
      return this;
    }

    /**
     * Total table bytes up to which {@link ReadMode#AUTO} maps tables.
     *
     * @param bytes the budget in bytes, 0 (never map under AUTO) to 1 PiB
     * @return this builder
     * @throws IllegalArgumentException unless 0 to 1 PiB
     */
    public Builder mmapBudgetBytes(long bytes) {
      this.mmapBudgetBytes = Options.Builder.check("mmapBudgetBytes", bytes, 0, 1L << 50);
      return this;
    }

    /**
     * Longest iterator read-ahead in bytes; see {@link ReadPathOptions#maxAutoReadaheadSize()}.
     *
     * @param bytes the longest read-ahead in bytes, 0 (none) to 64 MiB
     * @return this builder
     * @throws IllegalArgumentException unless 0 (none) to 64 MiB
     */
    public Builder maxAutoReadaheadSize(int bytes) {
      this.maxAutoReadaheadSize = (int) Options.Builder.check("maxAutoReadaheadSize", bytes, 0, 64 << 20);
      return this;
    }

    /**
     * Compaction input read-ahead in bytes; see {@link ReadPathOptions#compactionReadaheadSize()}.
     *
     * @param bytes the read-ahead in bytes, 0 (none) to 64 MiB
     * @return this builder
     * @throws IllegalArgumentException unless 0 (none) to 64 MiB
     */
    public Builder compactionReadaheadSize(int bytes) {
      this.compactionReadaheadSize = (int) Options.Builder.check("compactionReadaheadSize", bytes, 0, 64 << 20);
      return this;
    }

    /**
     * {@return this builder} Sets whether to read tables around the page cache; see {@link
     * ReadPathOptions#useDirectReads()}.
     * @param value true for {@code O_DIRECT} reads */
    public Builder useDirectReads(boolean value) {
      this.useDirectReads = value;
      return this;
    }

    /**
     * {@return this builder} Sets whether AUTO reads unmapped tables around the page cache; see
     * {@link ReadPathOptions#autoDirectReads()}.
     * @param value true (the default) to let AUTO choose {@code O_DIRECT} for unmapped tables */
    public Builder autoDirectReads(boolean value) {
      this.autoDirectReads = value;
      return this;
    }

    /**
     * The options.
     *
     * @return new, immutable options with this builder's values
     * @throws IllegalArgumentException if direct reads are asked for with {@link ReadMode#MMAP}
     */
    public ReadPathOptions build() {
      if (useDirectReads && readMode == ReadMode.MMAP) {
        throw new IllegalArgumentException("useDirectReads cannot be combined with readMode MMAP");
      }
      return new ReadPathOptions(this);
    }
  }
}
