package io.stratadb;

import io.stratadb.env.FileSystem;
import io.stratadb.env.LocalFileSystem;

/**
 * Tuning options for {@link Db#open}. Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p>Defaults follow LevelDB's ({@code include/leveldb/options.h}) where it has one: 4 MiB write
 * buffer, 4 KiB blocks, a restart point every 16 keys, 10 bloom bits per key (about 1% false
 * positives), 1000 open files. Every setter validates its argument and throws {@link
 * IllegalArgumentException} for a value out of range, so a bad option never reaches the engine.
 */
public final class Options {

  /**
   * The values: a private copy of the builder that built them, never changed after (so the options
   * are immutable; being reached through a final field, safely published). Each getter reads one
   * field of it, and {@link #toBuilder} copies it, so an option is declared once, in the builder.
   */
  private final Builder values;

  private Options(Builder b) {
    this.values = b.copy();
  }

  /** {@return the default options} Equal to {@code builder().build()}. */
  public static Options defaults() {
    return builder().build();
  }

  /** {@return a new builder initialised with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new builder initialised with these options} Changing it leaves these unchanged. */
  public Builder toBuilder() {
    return values.copy();
  }

  /** {@return the memtable size in bytes at which it is frozen and flushed} Default 4 MiB. */
  public long writeBufferSize() {
    return values.writeBufferSize;
  }

  /** {@return the target uncompressed size of an SSTable data block, in bytes} Default 4096. */
  public int blockSize() {
    return values.blockSize;
  }

  /** {@return the keys between restart points in a block (prefix compression resets)} Default 16. */
  public int blockRestartInterval() {
    return values.blockRestartInterval;
  }

  /** {@return the bloom filter bits per key; 0 disables it} Default 10 (about 1% false positives). */
  public int bloomBitsPerKey() {
    return values.bloomBitsPerKey;
  }

  /**
   * {@return the size of each memtable's whole-key bloom filter as a fraction of {@link
   * #writeBufferSize()}} (RocksDB's {@code memtable_prefix_bloom_size_ratio} with whole-key
   * filtering); 0 disables it.
   * Point lookups of keys a memtable does not hold then skip its search. Default 1/64
   * (about 20 bits per key for 100-byte values), allocated when the memtable is created.
   */
  public double memtableBloomSizeRatio() {
    return values.memtableBloomSizeRatio;
  }

  /** {@return how each memtable orders its entries} Default {@link MemtableRep#BPLUS_TREE}. */
  public MemtableRep memtableRep() {
    return values.memtableRep;
  }

  /**
   * {@return whether opening the database also opens its SSTables} (Mapping each, reading its index
   * block and bloom filter into the table cache), up to {@link #maxOpenFiles()}, on a background
   * thread, so the first reads do not pay for it: RocksDB's behaviour with {@code max_open_files =
   * -1}, its default. Default true.
   */
  public boolean preloadTables() {
    return values.preloadTables;
  }

  /**
   * {@return the maximum number of SSTables open in the table cache} Default 1000. A table read
   * with {@code pread} that an iterator reads in runs holds a second file descriptor for them, so
   * allow up to twice this many descriptors for tables in the process's limit ({@code ulimit -n}).
   */
  public int maxOpenFiles() {
    return values.maxOpenFiles;
  }

  /** {@return the bytes of data blocks the block cache keeps; 0 disables it} Default 8 MiB. */
  public long blockCacheSize() {
    return values.blockCacheSize;
  }

  /** {@return how SSTables are read (mmap or pread, read-ahead, direct I/O; {@link ReadPathOptions})} */
  public ReadPathOptions readPath() {
    return values.readPath;
  }

  /** {@return the data block compression of levels without a per-level choice} Default LZ4. */
  public Compression compression() {
    return values.compression;
  }

  /** {@return the per-level compression, L0 first; empty if {@link #compression()} applies to all} */
  public java.util.List<Compression> compressionPerLevel() {
    return values.compressionPerLevel;
  }

  /** {@return the compression of tables written to {@code level}}
   * @param level the level, 0 for L0; levels past the per-level list use its last entry */
  public Compression compressionForLevel(int level) {
    java.util.List<Compression> perLevel = values.compressionPerLevel;
    if (perLevel.isEmpty()) {
      return values.compression;
    }
    return perLevel.get(Math.min(level, perLevel.size() - 1));
  }

  /** {@return the largest accepted key, in bytes} Default 65536. */
  public int maxKeySize() {
    return values.maxKeySize;
  }

  /** {@return the largest accepted value, in bytes} Default 16 MiB. */
  public int maxValueSize() {
    return values.maxValueSize;
  }

  /** {@return how many immutable memtables may wait for flush before writers stall} Default 2. */
  public int maxImmutableMemtables() {
    return values.maxImmutableMemtables;
  }

  /** {@return the compaction strategy} Default {@link CompactionStrategy#leveled()}. */
  public CompactionStrategy compactionStrategy() {
    return values.compactionStrategy;
  }

  /**
   * {@return the number of background threads} One flushes memtables, the others ({@code
   * maxBackgroundJobs - 1}, at least one) run compactions concurrently. Default 2 (as RocksDB).
   */
  public int maxBackgroundJobs() {
    return values.maxBackgroundJobs;
  }

  /** {@return the L0 file count at which writes are delayed ({@link BackgroundTuning})} Default 20. */
  public int l0SlowdownWritesTrigger() {
    return values.l0SlowdownWritesTrigger;
  }

  /** {@return the L0 file count at which writers stall until compaction catches up} Default 36. */
  public int l0StopWritesTrigger() {
    return values.l0StopWritesTrigger;
  }

  /** {@return the estimated bytes awaiting compaction at which writes are delayed} Default 64 GiB. */
  public long softPendingCompactionBytesLimit() {
    return values.softPendingCompactionBytesLimit;
  }

  /** {@return the estimated bytes awaiting compaction at which writes stop} Default 256 GiB. */
  public long hardPendingCompactionBytesLimit() {
    return values.hardPendingCompactionBytesLimit;
  }

  /** {@return the size in bytes at which compaction starts a new output SSTable} Default 2 MiB. */
  public long targetFileSize() {
    return values.targetFileSize;
  }

  /** {@return the manifest size in bytes past which open rewrites it as a snapshot} Default 4 MiB. */
  public long maxManifestFileSize() {
    return values.maxManifestFileSize;
  }

  /** {@return whether {@link Db#open} creates a missing database} Default true. */
  public boolean createIfMissing() {
    return values.createIfMissing;
  }

  /** {@return whether {@link Db#open} fails when the database exists} Default false. */
  public boolean errorIfExists() {
    return values.errorIfExists;
  }

  /** {@return the file system all files go through} Tests inject faults here (LevelDB's Env). */
  public FileSystem fileSystem() {
    return values.fileSystem;
  }

  /** {@return the compaction filter, or null for none (the default)} */
  public CompactionFilter compactionFilter() {
    return values.compactionFilter;
  }

  /**
   * {@return whether latency histograms are recorded} (Get, put, delete, write, iterator creation,
   * flush, compaction), as RocksDB's {@code Options.statistics}; counters are kept either way.
   * Costs two clock reads and a histogram update per operation. Default false. See docs/statistics.md.
   */
  public boolean statistics() {
    return values.statistics;
  }

  /**
   * {@return whether the open database registers a JMX MXBean} It is {@code io.stratadb:type=Db,
   * name="<absolute path>"}, with the platform MBean server, unregistered at close. Default true
   * (as Cassandra); the first registration in a process starts the MBean server (a few hundred ms).
   */
  public boolean jmx() {
    return values.jmx;
  }

  /**
   * {@return whether point lookups that read tables in vain trigger compaction} (LevelDB's seek
   * compaction, {@link io.stratadb.manifest.SeekBudget}): a table whose data blocks lookups keep
   * reading without finding their keys, while the keys lie in other tables, is merged into the
   * level below once the wasted reads cost more than the compaction would. Only a table its bloom
   * filter admitted is charged. Leveled compaction only (the other strategies ignore it). Default
   * true, as LevelDB (RocksDB has no seek compaction).
   */
  public boolean seekCompaction() {
    return values.seekCompaction;
  }

  /** {@return the delayed write rate while compaction is behind} See {@link BackgroundTuning}. */
  public BackgroundTuning backgroundTuning() {
    return values.backgroundTuning;
  }

  /** {@return the memory budget (memtables charged to the block cache, strict capacity)} */
  public MemoryBudget memoryBudget() {
    return values.memoryBudget;
  }

  /** {@return how tables lay out data blocks (alignment)} Default {@link TableLayout#defaults()}. */
  public TableLayout tableLayout() {
    return values.tableLayout;
  }

  /** Builds {@link Options}. Not thread-safe. Each setter throws IllegalArgumentException if out of range. */
  public static final class Builder implements Cloneable {
    private long writeBufferSize = 4L << 20;
    private int blockSize = 4096;
    private int blockRestartInterval = 16;
    private int bloomBitsPerKey = 10;
    private double memtableBloomSizeRatio = 1.0 / 64;
    private MemtableRep memtableRep = MemtableRep.BPLUS_TREE;
    private boolean preloadTables = true;
    private int maxOpenFiles = 1000;
    private long blockCacheSize = 8L << 20;
    private ReadPathOptions readPath = ReadPathOptions.defaults();
    private Compression compression = Compression.LZ4;
    private java.util.List<Compression> compressionPerLevel = java.util.List.of();
    private int maxKeySize = 64 << 10;
    private int maxValueSize = 16 << 20;
    private int maxImmutableMemtables = 2;
    private CompactionStrategy compactionStrategy = CompactionStrategy.leveled();
    private int maxBackgroundJobs = 2;
    private int l0SlowdownWritesTrigger = 20;
    private int l0StopWritesTrigger = 36;
    private long softPendingCompactionBytesLimit = 64L << 30;
    private long hardPendingCompactionBytesLimit = 256L << 30;
    private long targetFileSize = 2L << 20;
    private long maxManifestFileSize = 4L << 20;
    private boolean createIfMissing = true;
    private boolean errorIfExists = false;
    private FileSystem fileSystem = LocalFileSystem.INSTANCE;
    private CompactionFilter compactionFilter;
    private boolean statistics = false;
    private boolean jmx = true;
    private boolean seekCompaction = true;
    private BackgroundTuning backgroundTuning = BackgroundTuning.DEFAULTS;
    private MemoryBudget memoryBudget = MemoryBudget.DEFAULTS;
    private TableLayout tableLayout = TableLayout.defaults();

    private Builder() {}

    /** A copy of this builder's values (all immutable or shared, so a shallow copy). */
    private Builder copy() {
      try {
        return (Builder) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e); // Builder is Cloneable
      }
    }

    /** {@return this builder} Sets {@link Options#writeBufferSize()}.
     * @param bytes the memtable size in bytes, 64 KiB to 1 GiB */
    public Builder writeBufferSize(long bytes) {
      this.writeBufferSize = check("writeBufferSize", bytes, 64 << 10, 1L << 30);
      return this;
    }

    /** {@return this builder} Sets {@link Options#blockSize()}.
     * @param bytes the data block size in bytes, 256 B to 4 MiB */
    public Builder blockSize(int bytes) {
      this.blockSize = (int) check("blockSize", bytes, 256, 4 << 20);
      return this;
    }

    /** {@return this builder} Sets {@link Options#blockRestartInterval()}.
     * @param keys the keys per restart point, 1 to 1024 */
    public Builder blockRestartInterval(int keys) {
      this.blockRestartInterval = (int) check("blockRestartInterval", keys, 1, 1024);
      return this;
    }

    /** {@return this builder} Sets {@link Options#bloomBitsPerKey()}.
     * @param bits the bloom bits per key, 0 (no filter) to 64 */
    public Builder bloomBitsPerKey(int bits) {
      this.bloomBitsPerKey = (int) check("bloomBitsPerKey", bits, 0, 64);
      return this;
    }

    /**
     * Memtable bloom filter size as a fraction of the write buffer, 0 (none) to 0.25.
     *
     * @param ratio the filter size as a fraction of the write buffer size, 0 (none) to 0.25
     * @return this builder
     * @throws IllegalArgumentException if {@code ratio} is outside [0, 0.25] or NaN
     */
    public Builder memtableBloomSizeRatio(double ratio) {
      if (!(ratio >= 0 && ratio <= 0.25)) {
        throw new IllegalArgumentException("memtableBloomSizeRatio must be 0 to 0.25, got " + ratio);
      }
      this.memtableBloomSizeRatio = ratio;
      return this;
    }

    /** {@return this builder} Sets {@link Options#maxOpenFiles()}.
     * @param files the open SSTables kept in the table cache, 16 to 1,000,000 */
    public Builder maxOpenFiles(int files) {
      this.maxOpenFiles = (int) check("maxOpenFiles", files, 16, 1_000_000);
      return this;
    }

    /** {@return this builder} Sets {@link Options#blockCacheSize()}.
     * @param bytes the block cache size in bytes, 0 (none) to 1 TiB */
    public Builder blockCacheSize(long bytes) {
      this.blockCacheSize = check("blockCacheSize", bytes, 0, 1L << 40);
      return this;
    }

    /** {@return this builder} Sets how SSTables are read; see {@link Options#readPath()}.
     * @param value the read path settings, not null (else IllegalArgumentException) */
    public Builder readPath(ReadPathOptions value) {
      this.readPath = notNull("readPath", value);
      return this;
    }

    /** {@return this builder} Sets {@link Options#compression()}.
     * @param value the data block compression of levels without a per-level choice, not null */
    public Builder compression(Compression value) {
      this.compression = notNull("compression", value);
      return this;
    }

    /**
     * Compression per level, L0 first; deeper levels than listed use the last entry (RocksDB's
     * {@code compression_per_level}). An empty list means {@link #compression(Compression)}.
     *
     * @param perLevel the compression per level, L0 first, no nulls; copied
     * @return this builder
     * @throws IllegalArgumentException if {@code perLevel} is or holds null
     */
    public Builder compressionPerLevel(java.util.List<Compression> perLevel) {
      if (perLevel == null || perLevel.stream().anyMatch(java.util.Objects::isNull)) {
        throw new IllegalArgumentException("compressionPerLevel must not be or contain null");
      }
      this.compressionPerLevel = java.util.List.copyOf(perLevel);
      return this;
    }

    /** {@return this builder} Sets {@link Options#maxKeySize()}.
     * @param bytes the largest key in bytes, 1 to 16 MiB */
    public Builder maxKeySize(int bytes) {
      this.maxKeySize = (int) check("maxKeySize", bytes, 1, 16 << 20);
      return this;
    }

    /** {@return this builder} Sets {@link Options#maxValueSize()}.
     * @param bytes the largest value in bytes, 0 to 256 MiB */
    public Builder maxValueSize(int bytes) {
      this.maxValueSize = (int) check("maxValueSize", bytes, 0, 256 << 20);
      return this;
    }

    /** {@return this builder} Sets {@link Options#maxImmutableMemtables()}.
     * @param count the immutable memtables waiting for flush before writers stall, 1 to 64 */
    public Builder maxImmutableMemtables(int count) {
      this.maxImmutableMemtables = (int) check("maxImmutableMemtables", count, 1, 64);
      return this;
    }

    /**
     * How each memtable orders its entries (RocksDB's {@code memtable_factory}).
     *
     * @param rep the memtable representation
     * @return this builder
     * @throws IllegalArgumentException if {@code rep} is null
     */
    public Builder memtableRep(MemtableRep rep) {
      this.memtableRep = notNull("memtableRep", rep);
      return this;
    }

    /** {@return this builder} Sets {@link Options#preloadTables()}.
     * @param preload whether opening the database opens its SSTables in the background */
    public Builder preloadTables(boolean preload) {
      this.preloadTables = preload;
      return this;
    }

    /** {@return this builder} Sets {@link Options#compactionStrategy()}.
     * @param strategy the strategy, e.g. {@link CompactionStrategy#tiered()}; not null */
    public Builder compactionStrategy(CompactionStrategy strategy) {
      this.compactionStrategy = notNull("compactionStrategy", strategy);
      return this;
    }

    /** {@return this builder} Sets {@link Options#maxBackgroundJobs()}.
     * @param jobs the background threads (one flush, the rest compactions), 2 to 64 */
    public Builder maxBackgroundJobs(int jobs) {
      this.maxBackgroundJobs = (int) check("maxBackgroundJobs", jobs, 2, 64);
      return this;
    }

    /** {@return this builder} Sets {@link Options#l0SlowdownWritesTrigger()}.
     * @param files the L0 files at which each write is delayed, 1 to 10000 */
    public Builder l0SlowdownWritesTrigger(int files) {
      this.l0SlowdownWritesTrigger = (int) check("l0SlowdownWritesTrigger", files, 1, 10_000);
      return this;
    }

    /** {@return this builder} Sets {@link Options#l0StopWritesTrigger()}.
     * @param files the L0 files at which writes stall, 1 to 10000, at least the slowdown trigger */
    public Builder l0StopWritesTrigger(int files) {
      this.l0StopWritesTrigger = (int) check("l0StopWritesTrigger", files, 1, 10_000);
      return this;
    }

    /** {@return this builder} Sets {@link Options#softPendingCompactionBytesLimit()}.
     * @param bytes the pending compaction bytes that delay writes, 1 MiB to 1 PiB */
    public Builder softPendingCompactionBytesLimit(long bytes) {
      this.softPendingCompactionBytesLimit = check("softPendingCompactionBytesLimit", bytes, 1L << 20, 1L << 50);
      return this;
    }

    /** {@return this builder} Sets {@link Options#hardPendingCompactionBytesLimit()}.
     * @param bytes the pending compaction bytes that stop writes, 1 MiB to 1 PiB, >= the soft one */
    public Builder hardPendingCompactionBytesLimit(long bytes) {
      this.hardPendingCompactionBytesLimit = check("hardPendingCompactionBytesLimit", bytes, 1L << 20, 1L << 50);
      return this;
    }

    /** {@return this builder} Sets {@link Options#targetFileSize()}.
     * @param bytes the compaction output file size in bytes, 64 KiB to 4 GiB */
    public Builder targetFileSize(long bytes) {
      this.targetFileSize = check("targetFileSize", bytes, 64 << 10, 4L << 30);
      return this;
    }

    /** {@return this builder} Sets {@link Options#maxManifestFileSize()}.
     * @param bytes the manifest size in bytes before a rewrite, 4 KiB to 1 GiB */
    public Builder maxManifestFileSize(long bytes) {
      this.maxManifestFileSize = check("maxManifestFileSize", bytes, 4 << 10, 1L << 30);
      return this;
    }

    /** {@return this builder} Sets {@link Options#createIfMissing()}.
     * @param value whether open creates a missing database */
    public Builder createIfMissing(boolean value) {
      this.createIfMissing = value;
      return this;
    }

    /** {@return this builder} Sets {@link Options#errorIfExists()}.
     * @param value whether open fails on an existing database */
    public Builder errorIfExists(boolean value) {
      this.errorIfExists = value;
      return this;
    }

    /** {@return this builder} Sets {@link Options#fileSystem()}; tests pass a fault-injecting one.
     * @param fs the file system, not null */
    public Builder fileSystem(FileSystem fs) {
      this.fileSystem = notNull("fileSystem", fs);
      return this;
    }

    /**
     * A callback that compactions ask per key to keep, remove or change its value; null (the
     * default) for none. See {@link CompactionFilter} for which versions it sees.
     *
     * @param filter the compaction filter, or null for none
     * @return this builder
     */
    public Builder compactionFilter(CompactionFilter filter) {
      this.compactionFilter = filter;
      return this;
    }

    /** {@return this builder} Sets {@link Options#statistics()}.
     * @param value whether to record latency histograms */
    public Builder statistics(boolean value) {
      this.statistics = value;
      return this;
    }

    /** {@return this builder} Sets {@link Options#jmx()}.
     * @param value whether to register the database's JMX MXBean */
    public Builder jmx(boolean value) {
      this.jmx = value;
      return this;
    }

    /** {@return this builder} Sets {@link Options#seekCompaction()}.
     * @param value whether lookups that read tables in vain trigger compaction */
    public Builder seekCompaction(boolean value) {
      this.seekCompaction = value;
      return this;
    }

    /** {@return this builder} Sets {@link Options#backgroundTuning()}.
     * @param tuning the background tuning, not null (else IllegalArgumentException) */
    public Builder backgroundTuning(BackgroundTuning tuning) {
      this.backgroundTuning = notNull("backgroundTuning", tuning);
      return this;
    }

    /** {@return this builder} Sets {@link Options#memoryBudget()}.
     * @param budget the memory budget, not null (else IllegalArgumentException) */
    public Builder memoryBudget(MemoryBudget budget) {
      this.memoryBudget = notNull("memoryBudget", budget);
      return this;
    }

    /** {@return this builder} Sets {@link Options#tableLayout()}.
     * @param layout the data block layout, not null (else IllegalArgumentException) */
    public Builder tableLayout(TableLayout layout) {
      this.tableLayout = notNull("tableLayout", layout);
      return this;
    }

    /**
     * Builds the options.
     *
     * @return new, immutable options holding the builder's current values
     * @throws IllegalArgumentException if {@code l0StopWritesTrigger < l0SlowdownWritesTrigger},
     *     or the hard pending-compaction limit is below the soft one
     */
    public Options build() {
      if (l0StopWritesTrigger < l0SlowdownWritesTrigger) {
        throw new IllegalArgumentException(
            "l0StopWritesTrigger (" + l0StopWritesTrigger + ") must be >= l0SlowdownWritesTrigger ("
                + l0SlowdownWritesTrigger + ")");
      }
      if (hardPendingCompactionBytesLimit < softPendingCompactionBytesLimit) {
        throw new IllegalArgumentException("hardPendingCompactionBytesLimit must be >= softPendingCompactionBytesLimit");
      }
      return new Options(this);
    }

    /** {@code value}, checked not null. @throws IllegalArgumentException if it is null */
    static <T> T notNull(String name, T value) {
      if (value == null) {
        throw new IllegalArgumentException(name + " must not be null");
      }
      return value;
    }

    /** {@code value}, checked within {@code [min, max]}. @throws IllegalArgumentException if outside */
    static long check(String name, long value, long min, long max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
