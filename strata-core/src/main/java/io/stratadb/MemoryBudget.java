package io.stratadb;

/**
 * One memory budget for the block cache, the open tables' index and filter blocks and the
 * memtables ({@link Options#memoryBudget()}): RocksDB's {@code WriteBufferManager} charging the
 * block cache, its {@code db_write_buffer_size}, and the cache's {@code strict_capacity_limit}.
 *
 * <p>The budget is {@link Options#blockCacheSize()}. The index and filter blocks of every open table
 * are always charged to it (data blocks get what is left). With {@link
 * #chargeMemtablesToBlockCache()} the memtables' arena chunks are charged too, as they are
 * allocated, and returned when the memtable has been flushed; then data blocks, index and filter
 * blocks and memtables together stay within {@code blockCacheSize}, the size to give a process
 * that must fit a container (plus the JVM's own needs and the page cache).
 *
 * <p>{@link #memtableLimitBytes()} bounds the memory of all memtables of the database, mutable and
 * immutable ({@code WriteBufferManager::ShouldFlush}): the mutable memtable is switched and
 * flushed once it holds more than 7/8 of the limit, or once all memtables reach the limit and it
 * holds at least half; a write waits while the memtables hold the limit or more and a flush is
 * under way to free some (writes stall only when flushes cannot keep up).
 *
 * <p>With {@link #strictCapacityLimit()} charges beyond the budget are refused rather than let
 * through: a data block that does not fit is used uncached; a table whose index and filter do not
 * fit is opened for the one read that needs it and closed after (its index and filter read
 * again by the next read); a memtable chunk that would take the memtables past {@code
 * memtableLimitBytes} waits for a flush to free room. With {@code chargeMemtablesToBlockCache}, the
 * memtables' limit is set aside in the budget, so index and filter blocks may take at most {@code
 * blockCacheSize - memtableLimitBytes} (a database opened read-only, which charges no memtable,
 * sets nothing aside).
 *
 * <p>Preloading ({@link Options#preloadTables()}) never opens a table whose index and filter
 * would take the charges past the budget, strict or not: the tables beyond it open when first read.
 *
 * <p>With {@link #blockCacheOffHeap()} (the default) the data blocks of the cache lie in direct
 * memory outside the Java heap, as RocksDB's do in native memory; the index and filter blocks stay
 * on the heap.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class MemoryBudget {
  /** No memtable charge or limit, no strict limit: RocksDB's defaults. */
  public static final MemoryBudget DEFAULTS = builder().build();

  private final long memtableLimitBytes;
  private final boolean chargeMemtablesToBlockCache;
  private final boolean strictCapacityLimit;
  private final boolean blockCacheOffHeap;

  private MemoryBudget(Builder b) {
    this.memtableLimitBytes = b.memtableLimitBytes;
    this.chargeMemtablesToBlockCache = b.chargeMemtablesToBlockCache;
    this.strictCapacityLimit = b.strictCapacityLimit;
    this.blockCacheOffHeap = b.blockCacheOffHeap;
  }

  /** {@return a new builder initialised with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new builder initialised with this budget's values} */
  public Builder toBuilder() {
    return new Builder().memtableLimitBytes(memtableLimitBytes)
        .chargeMemtablesToBlockCache(chargeMemtablesToBlockCache).strictCapacityLimit(strictCapacityLimit)
        .blockCacheOffHeap(blockCacheOffHeap);
  }

  /**
   * Bytes all memtables of the database may hold together (RocksDB's {@code db_write_buffer_size}),
   * counted as their arena chunks and bloom filters; 0 for no limit beyond {@link
   * Options#writeBufferSize()} and {@link Options#maxImmutableMemtables()}. Default 0.
   *
   * @return the limit in bytes, or 0 for none
   */
  public long memtableLimitBytes() {
    return memtableLimitBytes;
  }

  /**
   * Whether the memtables' memory is charged to the block cache's budget (RocksDB's {@code
   * WriteBufferManager} constructed with the cache). Default false.
   *
   * @return true to charge memtables to the block cache
   */
  public boolean chargeMemtablesToBlockCache() {
    return chargeMemtablesToBlockCache;
  }

  /**
   * {@return whether charges beyond the budget are refused} (RocksDB's {@code
   * strict_capacity_limit}.) Default false.
   */
  public boolean strictCapacityLimit() {
    return strictCapacityLimit;
  }

  /**
   * Whether the block cache keeps data blocks in direct memory ({@code ByteBuffer.allocateDirect},
   * allocated as blocks need it up to the cache's room and kept while the database is open) rather
   * than in heap arrays. Off the heap, cached blocks do not survive into the old generation, so
   * the collector neither copies nor marks them: at 12M keys with a 256 MiB cache in a 512 MiB
   * heap they had cost 6-11% of each read phase in G1 pauses (docs/larger-than-memory.md). A read
   * that hits copies the block (4 KiB by default) into the reader's own buffer. The direct memory
   * counts against the JVM's {@code -XX:MaxDirectMemorySize} (by default the maximum heap size):
   * past it the cache stops growing and caches no more blocks than it holds (a warning is logged).
   * A block larger than 64 KiB is cached on the heap. Default true.
   *
   * @return true to keep cached blocks off the heap
   */
  public boolean blockCacheOffHeap() {
    return blockCacheOffHeap;
  }

  /**
   * Checks this budget against the other options it works with.
   *
   * @param options the database's options (their {@link Options#memoryBudget()} need not be this)
   * @throws IllegalArgumentException if memtables are charged with no block cache; or under a
   *     strict limit without a memtable limit (every write would wait) or with one not below
   *     {@link Options#blockCacheSize()}; or if the memtable limit is not above two memtable bloom
   *     filters ({@link Options#memtableBloomSizeRatio()} of {@link Options#writeBufferSize()}),
   *     which would flush a memtable at every write
   */
  public void checkAgainst(Options options) {
    long blockCacheSize = options.blockCacheSize();
    if (chargeMemtablesToBlockCache && blockCacheSize == 0) {
      throw new IllegalArgumentException("chargeMemtablesToBlockCache needs a block cache (blockCacheSize > 0)");
    }
    if (chargeMemtablesToBlockCache && strictCapacityLimit
        && (memtableLimitBytes == 0 || memtableLimitBytes >= blockCacheSize)) {
      throw new IllegalArgumentException("strictCapacityLimit with chargeMemtablesToBlockCache needs "
          + "0 < memtableLimitBytes < blockCacheSize (" + blockCacheSize + "), got " + memtableLimitBytes);
    }
    long bloomBytes = (long) (options.writeBufferSize() * options.memtableBloomSizeRatio());
    if (memtableLimitBytes != 0 && memtableLimitBytes <= 2 * bloomBytes) {
      throw new IllegalArgumentException("memtableLimitBytes (" + memtableLimitBytes + ") must be above two "
          + "memtable bloom filters of " + bloomBytes + " bytes (writeBufferSize x memtableBloomSizeRatio)");
    }
  }

  @Override
  public String toString() {
    return "MemoryBudget{memtableLimitBytes=" + memtableLimitBytes + ", chargeMemtablesToBlockCache="
        + chargeMemtablesToBlockCache + ", strictCapacityLimit=" + strictCapacityLimit + ", blockCacheOffHeap="
        + blockCacheOffHeap + "}";
  }

  /** Builds a {@link MemoryBudget}. Not thread-safe. */
  public static final class Builder {
    private long memtableLimitBytes;
    private boolean chargeMemtablesToBlockCache;
    private boolean strictCapacityLimit;
    private boolean blockCacheOffHeap = true;

    private Builder() {}

    /**
     * See {@link MemoryBudget#memtableLimitBytes()}.
     *
     * @param bytes 0 (no limit), or 64 KiB to 1 TiB
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder memtableLimitBytes(long bytes) {
      if (bytes != 0 && (bytes < 64 << 10 || bytes > 1L << 40)) {
        throw new IllegalArgumentException("memtableLimitBytes must be 0 or between 65536 and 2^40, got " + bytes);
      }
      this.memtableLimitBytes = bytes;
      return this;
    }

    /**
     * {@return this builder} See {@link MemoryBudget#chargeMemtablesToBlockCache()}.
     *
     * @param value whether to charge memtables to the block cache
     */
    public Builder chargeMemtablesToBlockCache(boolean value) {
      this.chargeMemtablesToBlockCache = value;
      return this;
    }

    /**
     * {@return this builder} See {@link MemoryBudget#strictCapacityLimit()}.
     *
     * @param value whether charges beyond the budget are refused
     */
    public Builder strictCapacityLimit(boolean value) {
      this.strictCapacityLimit = value;
      return this;
    }

    /**
     * {@return this builder} See {@link MemoryBudget#blockCacheOffHeap()}.
     *
     * @param value whether the block cache keeps blocks in direct memory
     */
    public Builder blockCacheOffHeap(boolean value) {
      this.blockCacheOffHeap = value;
      return this;
    }

    /** {@return a new, immutable budget with this builder's values} */
    public MemoryBudget build() {
      return new MemoryBudget(this);
    }
  }
}
