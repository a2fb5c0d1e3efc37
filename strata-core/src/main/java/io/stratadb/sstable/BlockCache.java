package io.stratadb.sstable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caches uncompressed, checksum-verified data blocks across all SSTables, bounded by their size in
 * bytes (LevelDB's block cache, here Caffeine with its W-TinyLFU eviction, which resists scans
 * better than LRU). Keyed by a cache id that {@link #newCacheId} gives each opened table reader
 * and the block's offset, both kept whole, so two tables, or two openings of one file number,
 * never share an entry (RocksDB's {@code Cache::NewId} prefix for tables without a unique file
 * id). A deleted table's blocks are not dropped at once: nobody asks for them again, and they
 * age out as W-TinyLFU evicts them. Dropping them eagerly meant a scan of the whole cache per
 * deleted table, which took about a quarter of the compaction and flush threads' time at 12M
 * keys (JFR, 2026-12-07).
 *
 * <p>The capacity is a budget shared with memory held elsewhere and charged to it: open tables'
 * index and filter blocks, and the memtables when {@link io.stratadb.MemoryBudget} says so; the
 * room for data blocks is the capacity less those charges. Under a strict limit ({@code
 * strict_capacity_limit}) {@link #tryReserve} refuses a charge that would pass the capacity and a
 * data block that does not fit the room left is not cached.
 *
 * <p>Caffeine's eviction bookkeeping (frequency sketch, window and main queues) runs on the
 * calling thread. Handing it to the common pool looked cheaper on a loaded machine, but on a quiet
 * 2-core machine readers then spun in {@code put} waiting for the write buffer to drain whenever
 * most reads missed (35% of YCSB C samples); inline, readrandom and seekrandom were 21-23% faster
 * (A/B runs, 2026-11-30) and YCSB C about 25%.
 *
 * <p>A hand-written sharded CLOCK cache on primitive keys was measured as cheaper per lookup
 * (Caffeine was 25-30% of readrandom and seekrandom profiles, the CLOCK cache 10-15%), and was
 * not kept: the project uses a well-kept library for caches even where it is slower.
 *
 * <p>Off-heap ({@link io.stratadb.MemoryBudget#blockCacheOffHeap()}), a cached block's bytes lie in
 * a {@link BlockArena} of direct memory instead of a heap array: Caffeine keeps only a small
 * {@link Block} naming its pages, and evicting it returns the pages to the arena (whose stamps
 * tell a reader copying them that they were reused, {@link Block#heapIterator}). Blocks read from
 * the file then no longer survive into the old generation of the heap, where at 12M keys with a
 * 256 MiB cache they cost 6-11% of each read phase in G1 pauses (docs/larger-than-memory.md). The
 * arena allocates direct memory as blocks need it, up to the room the charges leave, and keeps it
 * while the cache lives; a block larger than {@link Block#HEAP_COPY_MAX_BYTES} is cached on the heap.
 * So charges made after the arena grew take arena plus charges past the capacity, by at most the
 * charges' growth since its last chunk (docs/read-path.md, "Charges").
 *
 * <p>Lifetime: the creator holds a reference, and so does every {@link TableReader} that reads
 * through the cache, from its open to its last release ({@link #retain}, {@link #release}). {@link
 * #close} drops the creator's; once every reader has let go too, the arena's direct memory is freed
 * at once ({@link BlockArena#release}) instead of whenever the collector runs the buffers'
 * cleaners. A reader copies blocks out of the arena only while it holds its table reader, so none
 * reads freed memory; a table opened after that reads uncached.
 *
 * <p>Thread-safe.
 */
public final class BlockCache {
  /** A cache key: table file number and block offset. */
  private record Key(long cacheId, long offset) {
    /** fmix64 of MurmurHash3 over both parts, so blocks of one table spread over the table. */
    @Override
    public int hashCode() {
      long h = cacheId * 0x9e3779b97f4a7c15L ^ offset;
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      return (int) (h ^ (h >>> 32));
    }
  }

  /** Per-entry bookkeeping estimate, in bytes, added to the block size for the weight. */
  static final int ENTRY_OVERHEAD_BYTES = 96;
  /** Blocks a put into a full arena evicts at most to find pages: enough for the largest block. */
  private static final int MAX_EVICTIONS_PER_PUT = Block.HEAP_COPY_MAX_BYTES / BlockArena.PAGE_BYTES;

  private final Cache<Key, Block> cache;
  /** Where off-heap blocks lie; null for a cache on the heap. */
  private final BlockArena arena;
  private final long capacityBytes;
  private final boolean strictCapacityLimit;
  /** Room set aside for memtable charges when they are charged under a strict limit, in bytes. */
  private final long memtableShareBytes;
  /** The last id {@link #newCacheId} gave out. */
  private final AtomicLong lastCacheId = new AtomicLong();

  // ---- The charges: lock-free (readers opening tables charge them concurrently; a monitor here
  // was the 8-thread reader's most contended lock, JFR 2026-12-07). Raised: reservedBytes, then
  // memtableBytes; lowered: memtableBytes, then reservedBytes; so a tryReserve reading both between
  // the two steps errs on the side of refusing.
  /**
   * Bytes held outside the cache but charged to its budget: the index and filter blocks of open
   * tables ({@link #reserve}) and, when they are charged, the memtables ({@link #reserveMemtable}).
   */
  private final AtomicLong reservedBytes = new AtomicLong();
  /** The memtables' part of {@link #reservedBytes}. */
  private final AtomicLong memtableBytes = new AtomicLong();
  /** The largest {@link #reservedBytes} has been. */
  private final AtomicLong peakReservedBytes = new AtomicLong();
  /** Whether a thread is setting the cache's maximum to the room left ({@link #resize}). */
  private final AtomicBoolean resizing = new AtomicBoolean();
  /** The maximum last given to the cache; written only by the thread that set {@link #resizing}. */
  private volatile long appliedRoom = -1;
  /** Data blocks not cached because they did not fit under the strict limit. */
  private final AtomicLong addFailures = new AtomicLong();
  /** Blocks evicted by a put to find pages in a full arena ({@link #evictColdest}), beside Caffeine's. */
  private final AtomicLong arenaEvictions = new AtomicLong();
  /** The creator's reference ({@link #close}) and one per table reader reading through the cache. */
  private final io.stratadb.util.RefCount users = new io.stratadb.util.RefCount();
  /** Whether {@link #close} dropped the creator's reference. */
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A cache that lets charges beyond its capacity through.
   *
   * @param capacityBytes total bytes of blocks to keep; 0 disables caching
   * @throws IllegalArgumentException if {@code capacityBytes < 0}
   */
  public BlockCache(long capacityBytes) {
    this(capacityBytes, false, 0);
  }

  /**
   * @param capacityBytes the budget: data blocks plus charges, in bytes; 0 disables caching
   * @param strictCapacityLimit whether {@link #tryReserve} and data blocks that do not fit are
   *     refused (RocksDB's {@code strict_capacity_limit})
   * @param memtableShareBytes bytes {@link #tryReserve} leaves for memtable charges ({@link
   *     io.stratadb.MemoryBudget#memtableLimitBytes()} when memtables are charged under a strict
   *     limit, else 0)
   * @throws IllegalArgumentException if a size is negative or the share exceeds the capacity
   */
  public BlockCache(long capacityBytes, boolean strictCapacityLimit, long memtableShareBytes) {
    this(capacityBytes, strictCapacityLimit, memtableShareBytes, false);
  }

  /**
   * The cache {@code budget} asks for: its strict limit, its memtable share when memtables are
   * charged under the strict limit (none for a read-only database, which charges no memtable: the
   * whole budget then goes to index and filter blocks and data blocks), on the heap or off it.
   *
   * @param capacityBytes the budget: data blocks plus charges, in bytes ({@link
   *     io.stratadb.Options#blockCacheSize()}); 0 disables caching
   * @param readOnly whether the database is opened read-only ({@link io.stratadb.Db#openReadOnly})
   * @throws IllegalArgumentException if {@code capacityBytes < 0} or the memtable share exceeds it
   */
  public static BlockCache forBudget(long capacityBytes, io.stratadb.MemoryBudget budget, boolean readOnly) {
    boolean strict = budget.strictCapacityLimit();
    return new BlockCache(capacityBytes, strict, strict && budget.chargeMemtablesToBlockCache() && !readOnly
        ? budget.memtableLimitBytes() : 0, budget.blockCacheOffHeap());
  }

  /** Bytes set aside for memtable charges under the strict limit ({@link #forBudget}); 0 if none. */
  public long memtableShareBytes() {
    return memtableShareBytes;
  }

  /**
   * As {@link #BlockCache(long, boolean, long)}, with the blocks' bytes in direct memory when
   * {@code offHeap}.
   *
   * @throws IllegalArgumentException if a size is negative or the share exceeds the capacity
   */
  public BlockCache(long capacityBytes, boolean strictCapacityLimit, long memtableShareBytes, boolean offHeap) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("block cache capacity must be >= 0, got " + capacityBytes);
    }
    if (memtableShareBytes < 0 || memtableShareBytes > capacityBytes) {
      throw new IllegalArgumentException("memtable share must be in [0, " + capacityBytes + "], got "
          + memtableShareBytes);
    }
    this.capacityBytes = capacityBytes;
    this.strictCapacityLimit = strictCapacityLimit;
    this.memtableShareBytes = memtableShareBytes;
    BlockArena arena = offHeap ? new BlockArena(capacityBytes) : null;
    this.arena = arena;
    Caffeine<Key, Block> builder = Caffeine.newBuilder()
        .maximumWeight(dataBlockRoom())
        .weigher((Key k, Block b) -> weight(b))
        .executor(Runnable::run)
        .recordStats();
    if (arena != null) { // replaced, evicted or removed: run on the removing thread (the executor)
      builder = builder.removalListener((Key k, Block b, RemovalCause cause) -> {
        if (b != null && b.isInArena()) {
          arena.free(b);
        }
      });
    }
    this.cache = builder.build();
    this.appliedRoom = dataBlockRoom();
  }

  /** A block's size, or the pages it takes in the arena, plus the heap it takes. */
  private static int weight(Block b) {
    return (b.isInArena() ? b.pages.length * BlockArena.PAGE_BYTES : b.size()) + ENTRY_OVERHEAD_BYTES;
  }

  /**
   * A new id, unique within this cache, under which one opened table reader caches its blocks.
   * Thread-safe.
   */
  public long newCacheId() {
    return lastCacheId.incrementAndGet();
  }

  /**
   * The block cached at {@code offset} under {@code cacheId}, or null. An off-heap cache may return
   * a block in its arena ({@link Block#isInArena}), which only {@link Block#heapIterator} reads.
   */
  Block get(long cacheId, long offset) {
    return cache.getIfPresent(new Key(cacheId, offset));
  }

  /**
   * Caches {@code block}, a heap block the caller keeps using (an off-heap cache stores a copy of
   * it), replacing any block cached under the same key; under the strict limit, a block larger
   * than the room the charges leave is not cached, nor is one for which an off-heap cache finds no
   * pages (the caller uses it uncached).
   */
  void put(long cacheId, long offset, Block block) {
    long room = capacityBytes - reservedBytes.get();
    if (strictCapacityLimit && weight(block) > room) {
      addFailures.incrementAndGet();
      return;
    }
    Block cached = block;
    if (arena != null && block.size() <= Block.HEAP_COPY_MAX_BYTES) {
      if (strictCapacityLimit) {
        // The arena keeps the direct memory it allocated, so under the strict limit it never grows
        // into the memtables' share they have not charged yet: when they do, arena and charges
        // still fit the capacity (as heap blocks, evicted then, would have become garbage).
        room -= Math.max(0, memtableShareBytes - memtableBytes.get());
      }
      cached = arena.store(block, room);
      if (cached == null) {
        cache.cleanUp(); // evictions pending in Caffeine's buffers may free pages
        cached = arena.store(block, room);
      }
      // The arena full while Caffeine's weights are not (a chunk's rounding, or the charges grew
      // after it did): evict the coldest blocks until this one has its pages.
      for (int evicted = 0; cached == null && evicted < MAX_EVICTIONS_PER_PUT && evictColdest(); evicted++) {
        cached = arena.store(block, room);
      }
      if (cached == null) {
        addFailures.incrementAndGet();
        return;
      }
    }
    cache.put(new Key(cacheId, offset), cached);
  }

  /** Whether a cached block was found to evict (and evicted, unless another thread did first). */
  private boolean evictColdest() {
    Map<Key, Block> coldest = cache.policy().eviction().map(e -> e.coldest(1)).orElse(Map.of());
    coldest.forEach((k, b) -> {
      if (cache.asMap().remove(k, b)) {
        arenaEvictions.incrementAndGet();
      }
    });
    return !coldest.isEmpty();
  }

  /**
   * Takes a reference for a table reader that will read blocks through the cache; false once the
   * cache is closed and its last reader gone (then read uncached).
   */
  boolean retain() {
    return users.tryRetain();
  }

  /**
   * Drops a reference of {@link #retain}; the last one empties the cache and frees its arena's
   * direct memory. REQUIRES: the caller reads no block of the cache any more.
   */
  void release() {
    if (users.release()) {
      cache.invalidateAll(); // each removal frees its pages, so Caffeine holds no page past this point
      cache.cleanUp();
      if (arena != null) {
        arena.release();
      }
    }
  }

  /**
   * Drops the creator's reference (the database closes): once no table reader reads through the
   * cache any more, its direct memory is freed ({@link #offHeapBytes()} is then 0) and its blocks
   * dropped. The charges still count what is released later. Idempotent; thread-safe.
   */
  public void close() {
    if (closed.compareAndSet(false, true)) {
      release();
    }
  }

  /** Whether the blocks' bytes lie in direct memory ({@link io.stratadb.MemoryBudget#blockCacheOffHeap()}). */
  public boolean offHeap() {
    return arena != null;
  }

  /**
   * Direct memory the off-heap cache's arena holds, in bytes: it only grows while the cache is in
   * use, and is 0 once the cache is closed and its last reader gone; 0 on the heap.
   */
  public long offHeapBytes() {
    return arena == null ? 0 : arena.allocatedBytes();
  }

  /** Whether charges beyond the capacity are refused ({@link #tryReserve}, data blocks). */
  public boolean strictCapacityLimit() {
    return strictCapacityLimit;
  }

  /**
   * Charges {@code bytes} held elsewhere (an open table's index and filter blocks, which the table
   * keeps in memory) to this cache's budget: the room for data blocks shrinks by as much, evicting
   * blocks if needed, so data blocks, index and filter blocks together stay within the capacity
   * (RocksDB's {@code cache_index_and_filter_blocks} with the blocks pinned). Always succeeds,
   * also beyond the capacity (then no room is left for data blocks): see {@link #tryReserve} for a
   * charge that may be refused. Undo with {@link #unreserve}.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public void reserve(long bytes) {
    checkBytes(bytes);
    add(bytes, 0);
  }

  /**
   * As {@link #reserve}, only if the charges then stay within the capacity less the part of the
   * memtable share the memtables do not use yet. Lock-free.
   *
   * @return whether {@code bytes} were charged
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public boolean tryReserve(long bytes) {
    checkBytes(bytes);
    while (true) {
      long reserved = reservedBytes.get();
      long unusedShare = Math.max(0, memtableShareBytes - memtableBytes.get());
      if (reserved + bytes + unusedShare > capacityBytes) {
        return false;
      }
      if (reservedBytes.compareAndSet(reserved, reserved + bytes)) {
        charged(reserved + bytes);
        return true;
      }
    }
  }

  /**
   * Returns {@code bytes} of an earlier {@link #reserve} or {@link #tryReserve} to the data blocks.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public void unreserve(long bytes) {
    checkBytes(bytes);
    add(-bytes, 0);
  }

  /**
   * Charges {@code bytes} of memtable memory (RocksDB's {@code WriteBufferManager} reserving
   * memory in the cache); always succeeds. The caller keeps memtable charges within the share.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public void reserveMemtable(long bytes) {
    checkBytes(bytes);
    add(bytes, bytes);
  }

  /**
   * Returns {@code bytes} of an earlier {@link #reserveMemtable}.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public void unreserveMemtable(long bytes) {
    checkBytes(bytes);
    add(-bytes, -bytes);
  }

  private static void checkBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
    }
  }

  /** Applies a change of the charges, {@code memtable} of it the memtables', in the order the fields' comment gives. */
  private void add(long bytes, long memtable) {
    if (memtable < 0) {
      memtableBytes.addAndGet(memtable);
    }
    long reserved = reservedBytes.addAndGet(bytes);
    if (memtable > 0) {
      memtableBytes.addAndGet(memtable);
    }
    charged(reserved);
  }

  /** Records the peak and gives the cache the room {@code reserved} leaves for data blocks. */
  private void charged(long reserved) {
    peakReservedBytes.accumulateAndGet(reserved, Math::max);
    resize();
  }

  /**
   * Sets the cache's maximum to the room the charges leave. One thread at a time does it; one that
   * finds another at it leaves its change to that thread, which looks again once done, so the
   * last change is always applied.
   */
  private void resize() {
    while (resizing.compareAndSet(false, true)) {
      try {
        long room = dataBlockRoom();
        if (room != appliedRoom) {
          cache.policy().eviction().ifPresent(e -> e.setMaximum(room));
          appliedRoom = room;
        }
      } finally {
        resizing.set(false);
      }
      if (dataBlockRoom() == appliedRoom) {
        return;
      }
    }
  }

  /**
   * The room the charges leave data blocks: the capacity less the charges, and for an off-heap cache
   * under the strict limit also less the memtables' share they have not charged yet, which the
   * arena does not grow into ({@link #put}). Caffeine's maximum is kept at it, so that its own
   * eviction (W-TinyLFU, which admits a new block only if it is used more often than the block it
   * would evict) keeps the blocks within the arena's room: a maximum above it left the arena full
   * while Caffeine saw room, and every put then evicted the coldest block itself ({@link
   * #evictColdest}), bypassing the admission and walking the eviction order (JFR, 12M keys).
   */
  private long dataBlockRoom() {
    long room = capacityBytes - reservedBytes.get();
    if (arena != null && strictCapacityLimit) {
      room -= Math.max(0, memtableShareBytes - memtableBytes.get());
    }
    return Math.max(0, room);
  }

  /** Blocks a put evicted itself to find pages in a full arena ({@link #evictColdest}), since creation. */
  long arenaEvictions() {
    return arenaEvictions.get();
  }

  /** Bytes currently charged by {@link #reserve}, {@link #tryReserve} and {@link #reserveMemtable}. */
  public long reservedBytes() {
    return reservedBytes.get();
  }

  /** The memtables' part of {@link #reservedBytes()}. */
  public long memtableReservedBytes() {
    return memtableBytes.get();
  }

  /** The largest {@link #reservedBytes()} has been since creation. */
  public long peakReservedBytes() {
    return peakReservedBytes.get();
  }

  /** The capacity, in bytes. */
  public long capacityBytes() {
    return capacityBytes;
  }

  /**
   * Data blocks not cached since creation because they did not fit under the strict limit, or
   * because the off-heap arena had no free pages and could not grow.
   */
  public long addFailures() {
    return addFailures.get();
  }

  /**
   * Counters since creation.
   *
   * @param hitCount lookups that found a block
   * @param missCount lookups that found none
   * @param evictionCount blocks dropped to make room (in an off-heap cache, also to free pages)
   */
  public record Stats(long hitCount, long missCount, long evictionCount) {}

  /** Hits, misses and evictions since creation, after running pending eviction work. */
  public Stats stats() {
    cache.cleanUp();
    CacheStats s = cache.stats();
    return new Stats(s.hitCount(), s.missCount(), s.evictionCount() + arenaEvictions.get());
  }

  /** Bytes held (block sizes plus the per-entry estimate), after running pending eviction work. */
  public long weightedSize() {
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Number of cached blocks, after running pending eviction work. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }
}
