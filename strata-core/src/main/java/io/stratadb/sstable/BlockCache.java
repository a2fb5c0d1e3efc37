package io.stratadb.sstable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
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

  private final Cache<Key, Block> cache;
  private final long capacityBytes;
  /** The last id {@link #newCacheId} gave out. */
  private final AtomicLong lastCacheId = new AtomicLong();
  /**
   * Bytes held outside the cache but charged to its budget: the index and filter blocks of open
   * tables ({@link #reserve}).
   */
  private final AtomicLong reservedBytes = new AtomicLong();

  /**
   * @param capacityBytes total bytes of blocks to keep; 0 disables caching
   * @throws IllegalArgumentException if {@code capacityBytes < 0}
   */
  public BlockCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("block cache capacity must be >= 0, got " + capacityBytes);
    }
    this.capacityBytes = capacityBytes;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(capacityBytes)
        .weigher((Key k, Block b) -> b.size() + ENTRY_OVERHEAD_BYTES)
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /**
   * A new id, unique within this cache, under which one opened table reader caches its blocks.
   * Thread-safe.
   */
  public long newCacheId() {
    return lastCacheId.incrementAndGet();
  }

  /** The block cached at {@code offset} under {@code cacheId}, or null. */
  Block get(long cacheId, long offset) {
    return cache.getIfPresent(new Key(cacheId, offset));
  }

  /** Caches {@code block}, replacing any block cached under the same key. */
  void put(long cacheId, long offset, Block block) {
    cache.put(new Key(cacheId, offset), block);
  }

  /**
   * Charges {@code bytes} held elsewhere (an open table's index and filter blocks, which the table
   * keeps in memory) to this cache's budget: the room for data blocks shrinks by as much, evicting
   * blocks if needed, so data blocks, index and filter blocks together stay within the capacity
   * (RocksDB's {@code cache_index_and_filter_blocks} with the blocks pinned). Charges beyond the
   * capacity leave no room for data blocks; they are not refused (RocksDB's {@code
   * strict_capacity_limit} is not built). Undo with {@link #unreserve}.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public void reserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
    }
    reservedBytes.addAndGet(bytes);
    resize();
  }

  /**
   * Returns {@code bytes} of an earlier {@link #reserve} to the data blocks.
   *
   * @throws IllegalArgumentException if {@code bytes < 0}
   */
  public void unreserve(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
    }
    reservedBytes.addAndGet(-bytes);
    resize();
  }

  /** Bytes currently charged by {@link #reserve}. */
  public long reservedBytes() {
    return reservedBytes.get();
  }

  /** Sets the room for data blocks from the latest reservation; the last caller applies the latest. */
  private synchronized void resize() {
    long room = Math.max(0, capacityBytes - reservedBytes.get());
    cache.policy().eviction().ifPresent(e -> e.setMaximum(room));
  }

  /**
   * Counters since creation.
   *
   * @param hitCount lookups that found a block
   * @param missCount lookups that found none
   * @param evictionCount blocks dropped to make room
   */
  public record Stats(long hitCount, long missCount, long evictionCount) {}

  /** Hits, misses and evictions since creation, after running pending eviction work. */
  public Stats stats() {
    cache.cleanUp();
    CacheStats s = cache.stats();
    return new Stats(s.hitCount(), s.missCount(), s.evictionCount());
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
