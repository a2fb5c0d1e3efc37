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

  /** The default options. */
  public static Options defaults() {
    return builder().build();
  }

  /** A builder initialised with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder initialised with these options. */
  public Builder toBuilder() {
    return values.copy();
  }

  /** Memtable size in bytes at which it is frozen and flushed. Default 4 MiB. */
  public long writeBufferSize() {
    return values.writeBufferSize;
  }

  /** Target uncompressed size of an SSTable data block, in bytes. Default 4096. */
  public int blockSize() {
    return values.blockSize;
  }

  /** Keys between restart points in a block (prefix compression resets there). Default 16. */
  public int blockRestartInterval() {
    return values.blockRestartInterval;
  }

  /** Bloom filter bits per key; 0 disables the filter. Default 10 (about 1% false positives). */
  public int bloomBitsPerKey() {
    return values.bloomBitsPerKey;
  }

  /**
   * Size of each memtable's whole-key bloom filter as a fraction of {@link #writeBufferSize()}
   * (RocksDB's {@code memtable_prefix_bloom_size_ratio} with whole-key filtering); 0 disables it.
   * Point lookups of keys a memtable does not hold then skip its search. Default 1/64
   * (about 20 bits per key for 100-byte values), allocated when the memtable is created.
   */
  public double memtableBloomSizeRatio() {
    return values.memtableBloomSizeRatio;
  }

  /** How each memtable orders its entries. Default {@link MemtableRep#BPLUS_TREE}. */
  public MemtableRep memtableRep() {
    return values.memtableRep;
  }

  /**
   * Whether opening the database also opens its SSTables (mapping each, reading its index block
   * and bloom filter into the table cache), up to {@link #maxOpenFiles()}, on a background thread,
   * so the first reads do not pay for it: RocksDB's behaviour with {@code max_open_files = -1}, its
   * default. Default true.
   */
  public boolean preloadTables() {
    return values.preloadTables;
  }

  /**
   * Maximum SSTables held open in the table cache. Default 1000. A table read with {@code pread}
   * that an iterator reads in runs holds a second file descriptor for them, so allow up to twice
   * this many descriptors for tables in the process's limit ({@code ulimit -n}).
   */
  public int maxOpenFiles() {
    return values.maxOpenFiles;
  }

  /** Bytes of data blocks kept in the block cache; 0 disables it. Default 8 MiB (LevelDB). */
  public long blockCacheSize() {
    return values.blockCacheSize;
  }

  /** How SSTables are read: mmap or pread, read-ahead, direct I/O. See {@link ReadPathOptions}. */
  public ReadPathOptions readPath() {
    return values.readPath;
  }

  /** Data block compression of every level without a per-level choice. Default LZ4 (as RocksDB). */
  public Compression compression() {
    return values.compression;
  }

  /** Per-level compression, L0 first; empty when {@link #compression()} applies everywhere. */
  public java.util.List<Compression> compressionPerLevel() {
    return values.compressionPerLevel;
  }

  /** The compression of tables written to {@code level}. */
  public Compression compressionForLevel(int level) {
    java.util.List<Compression> perLevel = values.compressionPerLevel;
    if (perLevel.isEmpty()) {
      return values.compression;
    }
    return perLevel.get(Math.min(level, perLevel.size() - 1));
  }

  /** Largest accepted key, in bytes. Default 65536. */
  public int maxKeySize() {
    return values.maxKeySize;
  }

  /** Largest accepted value, in bytes. Default 16 MiB. */
  public int maxValueSize() {
    return values.maxValueSize;
  }

  /** Immutable memtables that may wait for flush before writers stall. Default 2. */
  public int maxImmutableMemtables() {
    return values.maxImmutableMemtables;
  }

  /** The compaction strategy. Default {@link CompactionStrategy#leveled()}. */
  public CompactionStrategy compactionStrategy() {
    return values.compactionStrategy;
  }

  /**
   * Background threads: one flushes memtables, the others ({@code maxBackgroundJobs - 1}, at least
   * one) run compactions concurrently. Default 2 (RocksDB's default).
   */
  public int maxBackgroundJobs() {
    return values.maxBackgroundJobs;
  }

  /** L0 file count at which writes are delayed ({@link BackgroundTuning}). Default 20 (RocksDB). */
  public int l0SlowdownWritesTrigger() {
    return values.l0SlowdownWritesTrigger;
  }

  /** L0 file count at which writers stall until compaction catches up. Default 36 (RocksDB). */
  public int l0StopWritesTrigger() {
    return values.l0StopWritesTrigger;
  }

  /** Estimated bytes awaiting compaction at which writes are delayed. Default 64 GiB (RocksDB). */
  public long softPendingCompactionBytesLimit() {
    return values.softPendingCompactionBytesLimit;
  }

  /** Estimated bytes awaiting compaction at which writes stop. Default 256 GiB (RocksDB). */
  public long hardPendingCompactionBytesLimit() {
    return values.hardPendingCompactionBytesLimit;
  }

  /** Size in bytes at which compaction starts a new output SSTable. Default 2 MiB. */
  public long targetFileSize() {
    return values.targetFileSize;
  }

  /** Manifest size in bytes past which it is rewritten as a snapshot on open. Default 4 MiB. */
  public long maxManifestFileSize() {
    return values.maxManifestFileSize;
  }

  /** Whether {@link Db#open} creates a missing database. Default true. */
  public boolean createIfMissing() {
    return values.createIfMissing;
  }

  /** Whether {@link Db#open} fails when the database exists. Default false. */
  public boolean errorIfExists() {
    return values.errorIfExists;
  }

  /** The file system all files go through; tests inject faults here (LevelDB's {@code Env}). */
  public FileSystem fileSystem() {
    return values.fileSystem;
  }

  /** The compaction filter, or null for none (the default). */
  public CompactionFilter compactionFilter() {
    return values.compactionFilter;
  }

  /**
   * Whether latency histograms (get, put, delete, write, iterator creation, flush, compaction)
   * are recorded, as RocksDB's {@code Options.statistics}; counters are kept either way. Costs
   * two clock reads and a histogram update per operation. Default false. See docs/statistics.md.
   */
  public boolean statistics() {
    return values.statistics;
  }

  /**
   * Whether the open database registers a JMX MXBean {@code io.stratadb:type=Db,name="<absolute
   * path>"} with the platform MBean server, unregistered at close. Default true (as Cassandra);
   * the first registration in a process starts the platform MBean server (a few hundred ms).
   */
  public boolean jmx() {
    return values.jmx;
  }

  /**
   * Whether point lookups that read tables in vain trigger compaction (LevelDB's seek compaction,
   * {@link io.stratadb.manifest.SeekBudget}): a table whose data blocks lookups keep reading without
   * finding their keys, while the keys lie in other tables, is merged into the level below once
   * the wasted reads cost more than the compaction would. Only a table its bloom filter admitted is
   * charged. Leveled compaction only (the other strategies ignore it). Default true, as LevelDB
   * (RocksDB has no seek compaction).
   */
  public boolean seekCompaction() {
    return values.seekCompaction;
  }

  /** The delayed write rate while compaction is behind. See {@link BackgroundTuning}. */
  public BackgroundTuning backgroundTuning() {
    return values.backgroundTuning;
  }

  /** The memory budget: memtables charged to the block cache, strict capacity. See {@link MemoryBudget}. */
  public MemoryBudget memoryBudget() {
    return values.memoryBudget;
  }

  /** How tables lay out their data blocks (alignment); default {@link TableLayout#defaults()}. */
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

    /** Memtable size in bytes, 64 KiB to 1 GiB. */
    public Builder writeBufferSize(long bytes) {
      this.writeBufferSize = check("writeBufferSize", bytes, 64 << 10, 1L << 30);
      return this;
    }

    /** Data block size in bytes, 256 B to 4 MiB. */
    public Builder blockSize(int bytes) {
      this.blockSize = (int) check("blockSize", bytes, 256, 4 << 20);
      return this;
    }

    /** Keys per restart point, 1 to 1024. */
    public Builder blockRestartInterval(int keys) {
      this.blockRestartInterval = (int) check("blockRestartInterval", keys, 1, 1024);
      return this;
    }

    /** Bloom bits per key, 0 (no filter) to 64. */
    public Builder bloomBitsPerKey(int bits) {
      this.bloomBitsPerKey = (int) check("bloomBitsPerKey", bits, 0, 64);
      return this;
    }

    /**
     * Memtable bloom filter size as a fraction of the write buffer, 0 (none) to 0.25.
     *
     * @throws IllegalArgumentException if {@code ratio} is outside [0, 0.25] or NaN
     */
    public Builder memtableBloomSizeRatio(double ratio) {
      if (!(ratio >= 0 && ratio <= 0.25)) {
        throw new IllegalArgumentException("memtableBloomSizeRatio must be 0 to 0.25, got " + ratio);
      }
      this.memtableBloomSizeRatio = ratio;
      return this;
    }

    /** Open SSTables kept in the table cache, 16 to 1,000,000. */
    public Builder maxOpenFiles(int files) {
      this.maxOpenFiles = (int) check("maxOpenFiles", files, 16, 1_000_000);
      return this;
    }

    /** Block cache size in bytes, 0 (none) to 1 TiB. */
    public Builder blockCacheSize(long bytes) {
      this.blockCacheSize = check("blockCacheSize", bytes, 0, 1L << 40);
      return this;
    }

    /** How SSTables are read; see {@link Options#readPath()}. @throws IllegalArgumentException if null */
    public Builder readPath(ReadPathOptions value) {
      this.readPath = notNull("readPath", value);
      return this;
    }

    /** Compression of data blocks at every level. */
    public Builder compression(Compression value) {
      this.compression = notNull("compression", value);
      return this;
    }

    /**
     * Compression per level, L0 first; deeper levels than listed use the last entry (RocksDB's
     * {@code compression_per_level}). An empty list means {@link #compression(Compression)}.
     */
    public Builder compressionPerLevel(java.util.List<Compression> perLevel) {
      if (perLevel == null || perLevel.stream().anyMatch(java.util.Objects::isNull)) {
        throw new IllegalArgumentException("compressionPerLevel must not be or contain null");
      }
      this.compressionPerLevel = java.util.List.copyOf(perLevel);
      return this;
    }

    /** Largest key in bytes, 1 to 16 MiB. */
    public Builder maxKeySize(int bytes) {
      this.maxKeySize = (int) check("maxKeySize", bytes, 1, 16 << 20);
      return this;
    }

    /** Largest value in bytes, 0 to 256 MiB. */
    public Builder maxValueSize(int bytes) {
      this.maxValueSize = (int) check("maxValueSize", bytes, 0, 256 << 20);
      return this;
    }

    /** Immutable memtables waiting for flush before writers stall, 1 to 64. */
    public Builder maxImmutableMemtables(int count) {
      this.maxImmutableMemtables = (int) check("maxImmutableMemtables", count, 1, 64);
      return this;
    }

    /**
     * How each memtable orders its entries (RocksDB's {@code memtable_factory}).
     *
     * @throws IllegalArgumentException if {@code rep} is null
     */
    public Builder memtableRep(MemtableRep rep) {
      this.memtableRep = notNull("memtableRep", rep);
      return this;
    }

    /** Whether opening the database opens its SSTables in the background ({@link Options#preloadTables()}). */
    public Builder preloadTables(boolean preload) {
      this.preloadTables = preload;
      return this;
    }

    /** The compaction strategy, e.g. {@link CompactionStrategy#tiered()}. */
    public Builder compactionStrategy(CompactionStrategy strategy) {
      this.compactionStrategy = notNull("compactionStrategy", strategy);
      return this;
    }

    /** Background threads (flush plus compactions), 2 to 64. */
    public Builder maxBackgroundJobs(int jobs) {
      this.maxBackgroundJobs = (int) check("maxBackgroundJobs", jobs, 2, 64);
      return this;
    }

    /** L0 files at which each write is delayed, 1 to 10000. */
    public Builder l0SlowdownWritesTrigger(int files) {
      this.l0SlowdownWritesTrigger = (int) check("l0SlowdownWritesTrigger", files, 1, 10_000);
      return this;
    }

    /** L0 files at which writes stall, 1 to 10000; at least the slowdown trigger. */
    public Builder l0StopWritesTrigger(int files) {
      this.l0StopWritesTrigger = (int) check("l0StopWritesTrigger", files, 1, 10_000);
      return this;
    }

    /** Pending compaction bytes that delay writes, 1 MiB to 1 PiB. */
    public Builder softPendingCompactionBytesLimit(long bytes) {
      this.softPendingCompactionBytesLimit = check("softPendingCompactionBytesLimit", bytes, 1L << 20, 1L << 50);
      return this;
    }

    /** Pending compaction bytes that stop writes, 1 MiB to 1 PiB; at least the soft limit. */
    public Builder hardPendingCompactionBytesLimit(long bytes) {
      this.hardPendingCompactionBytesLimit = check("hardPendingCompactionBytesLimit", bytes, 1L << 20, 1L << 50);
      return this;
    }

    /** Compaction output file size in bytes, 64 KiB to 4 GiB. */
    public Builder targetFileSize(long bytes) {
      this.targetFileSize = check("targetFileSize", bytes, 64 << 10, 4L << 30);
      return this;
    }

    /** Manifest size in bytes before a rewrite, 4 KiB to 1 GiB. */
    public Builder maxManifestFileSize(long bytes) {
      this.maxManifestFileSize = check("maxManifestFileSize", bytes, 4 << 10, 1L << 30);
      return this;
    }

    /** Whether open creates a missing database. */
    public Builder createIfMissing(boolean value) {
      this.createIfMissing = value;
      return this;
    }

    /** Whether open fails on an existing database. */
    public Builder errorIfExists(boolean value) {
      this.errorIfExists = value;
      return this;
    }

    /** The file system to use; tests pass a fault-injecting one. */
    public Builder fileSystem(FileSystem fs) {
      this.fileSystem = notNull("fileSystem", fs);
      return this;
    }

    /**
     * A callback that compactions ask per key to keep, remove or change its value; null (the
     * default) for none. See {@link CompactionFilter} for which versions it sees.
     */
    public Builder compactionFilter(CompactionFilter filter) {
      this.compactionFilter = filter;
      return this;
    }

    /** Whether to record latency histograms; see {@link Options#statistics()}. */
    public Builder statistics(boolean value) {
      this.statistics = value;
      return this;
    }

    /** Whether to register the database's JMX MXBean; see {@link Options#jmx()}. */
    public Builder jmx(boolean value) {
      this.jmx = value;
      return this;
    }

    /** Whether lookups that read tables in vain trigger compaction; see {@link Options#seekCompaction()}. */
    public Builder seekCompaction(boolean value) {
      this.seekCompaction = value;
      return this;
    }

    /** The background tuning; see {@link Options#backgroundTuning()}. @throws IllegalArgumentException if null */
    public Builder backgroundTuning(BackgroundTuning tuning) {
      this.backgroundTuning = notNull("backgroundTuning", tuning);
      return this;
    }

    /** The memory budget; see {@link Options#memoryBudget()}. @throws IllegalArgumentException if null */
    public Builder memoryBudget(MemoryBudget budget) {
      this.memoryBudget = notNull("memoryBudget", budget);
      return this;
    }

    /** How tables lay out their data blocks; see {@link TableLayout}. Throws IllegalArgumentException for null. */
    public Builder tableLayout(TableLayout layout) {
      this.tableLayout = notNull("tableLayout", layout);
      return this;
    }

    /**
     * Builds the options.
     *
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
