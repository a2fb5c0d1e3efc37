package io.stratadb.sstable;

/**
 * Caches uncompressed, checksum-verified data blocks across all SSTables, bounded by their size in
 * bytes (LevelDB's block cache). Keyed by table file number and block offset, both kept whole, so
 * two tables or two blocks never share an entry; file numbers are never reused, and {@link
 * #evictFile} drops a deleted table's blocks at once.
 *
 * <p>The cache is split into up to {@value #MAX_SHARDS} shards of at least 256 KiB by key hash
 * (LevelDB's {@code ShardedLRUCache}), each an open-addressing hash table of primitive keys under its own monitor,
 * evicting by CLOCK: the hand sweeps the table's slots, each entry carries a small reference count
 * (0-3) that a hit raises and a pass of the hand lowers, and an entry at 0 is evicted (RocksDB's
 * {@code HyperClockCache} sweeps its hash table the same way). A block enters with count 0, so a
 * block read once (a scan) is the first to go. A lookup allocates nothing and costs one hash, a
 * short probe and an uncontended lock; a Caffeine cache with record keys cost 25-30% of readrandom
 * and seekrandom in profiles (key allocation, {@code equals}, read-buffer draining and W-TinyLFU
 * bookkeeping on every insert, when half the reads miss).
 *
 * <p>Thread-safe.
 */
public final class BlockCache {
  /** Most shards; a power of two. */
  private static final int MAX_SHARDS = 16;
  /** Fewest bytes a shard gets when the cache is small, so it still holds several blocks. */
  private static final long MIN_SHARD_BYTES = 256 << 10;

  /** Per-entry bookkeeping estimate, in bytes, added to the block size for the weight. */
  static final int ENTRY_OVERHEAD_BYTES = 96;

  private final Shard[] shards;

  /** @param capacityBytes total bytes of blocks to keep; 0 disables caching */
  public BlockCache(long capacityBytes) {
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("block cache capacity must be >= 0, got " + capacityBytes);
    }
    int n = 1;
    while (n < MAX_SHARDS && capacityBytes / (2L * n) >= MIN_SHARD_BYTES) {
      n *= 2;
    }
    shards = new Shard[n];
    for (int i = 0; i < n; i++) {
      shards[i] = new Shard(capacityBytes / n);
    }
  }

  /** fmix64 of MurmurHash3 over both key parts: every bit of each reaches the shard and slot bits. */
  private static long hash(long fileNumber, long offset) {
    long h = fileNumber * 0x9e3779b97f4a7c15L ^ offset;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private Shard shard(long hash) {
    return shards[(int) (hash >>> 58) & (shards.length - 1)];
  }

  /** The cached block, or null. */
  Block get(long fileNumber, long offset) {
    long h = hash(fileNumber, offset);
    return shard(h).get(fileNumber, offset, h);
  }

  /** Caches {@code block}, replacing any block cached under the same key. */
  void put(long fileNumber, long offset, Block block) {
    long h = hash(fileNumber, offset);
    shard(h).put(fileNumber, offset, h, block);
  }

  /** Drops every cached block of table {@code fileNumber} (its file is being deleted). */
  public void evictFile(long fileNumber) {
    for (Shard s : shards) {
      s.evictFile(fileNumber);
    }
  }

  /**
   * Counters since creation.
   *
   * @param hitCount lookups that found a block
   * @param missCount lookups that found none
   * @param evictionCount blocks dropped to make room (not those of {@link #evictFile})
   */
  public record Stats(long hitCount, long missCount, long evictionCount) {}

  /** Hits, misses and evictions since creation. */
  public Stats stats() {
    return new Stats(sum(s -> s.hits), sum(s -> s.misses), sum(s -> s.evictions));
  }

  /** Bytes held (block sizes plus the per-entry estimate); exact. */
  public long weightedSize() {
    return sum(s -> s.usedBytes);
  }

  /** Number of cached blocks. */
  public long size() {
    return sum(s -> s.count);
  }

  /** {@code field} added up over the shards, each read under its lock. */
  private long sum(java.util.function.ToLongFunction<Shard> field) {
    long total = 0;
    for (Shard s : shards) {
      synchronized (s) {
        total += field.applyAsLong(s);
      }
    }
    return total;
  }

  private static int weight(Block block) {
    return block.size() + ENTRY_OVERHEAD_BYTES;
  }

  /**
   * One shard: linear probing over parallel arrays, kept at most half full; deletion shifts later
   * entries of the probe run back (Knuth's Algorithm R), so there are no tombstones. Guarded by its
   * own monitor.
   */
  private static final class Shard {
    private static final int INITIAL_SLOTS = 64;
    private static final byte MAX_CLOCK = 3;

    private final long capacityBytes;
    private long[] files = new long[INITIAL_SLOTS];
    private long[] offsets = new long[INITIAL_SLOTS];
    /** Null marks an empty slot. */
    private Block[] blocks = new Block[INITIAL_SLOTS];
    private byte[] clock = new byte[INITIAL_SLOTS];
    private int count;
    private long usedBytes;
    private int hand;
    private long hits;
    private long misses;
    private long evictions;

    Shard(long capacityBytes) {
      this.capacityBytes = capacityBytes;
    }

    synchronized Block get(long file, long offset, long hash) {
      int mask = blocks.length - 1;
      for (int i = (int) hash & mask; ; i = (i + 1) & mask) {
        Block b = blocks[i];
        if (b == null) {
          misses++;
          return null;
        }
        if (files[i] == file && offsets[i] == offset) {
          if (clock[i] < MAX_CLOCK) {
            clock[i]++;
          }
          hits++;
          return b;
        }
      }
    }

    synchronized void put(long file, long offset, long hash, Block block) {
      int w = weight(block);
      if (w > capacityBytes) {
        return; // could never fit (and a zero capacity caches nothing)
      }
      int mask = blocks.length - 1;
      int i = (int) hash & mask;
      for (; blocks[i] != null; i = (i + 1) & mask) {
        if (files[i] == file && offsets[i] == offset) {
          usedBytes += w - weight(blocks[i]);
          blocks[i] = block;
          evictUntilFits();
          return;
        }
      }
      usedBytes += w;
      evictUntilFits(); // before inserting: the new block is not a candidate
      if (2 * (count + 1) > blocks.length) {
        grow();
      }
      insert(file, offset, hash, block);
    }

    /** Stores a block known to be absent; returns its slot. */
    private int insert(long file, long offset, long hash, Block block) {
      int mask = blocks.length - 1;
      int i = (int) hash & mask;
      while (blocks[i] != null) {
        i = (i + 1) & mask;
      }
      files[i] = file;
      offsets[i] = offset;
      blocks[i] = block;
      clock[i] = 0;
      count++;
      return i;
    }

    /** Sweeps the hand until the blocks fit the capacity. */
    private void evictUntilFits() {
      int mask = blocks.length - 1;
      while (usedBytes > capacityBytes && count > 0) {
        int i = hand;
        if (blocks[i] == null) {
          hand = (i + 1) & mask;
        } else if (clock[i] > 0) {
          clock[i]--;
          hand = (i + 1) & mask;
        } else {
          usedBytes -= weight(blocks[i]);
          evictions++;
          remove(i); // an entry may shift into slot i: the hand looks at it next
        }
      }
    }

    synchronized void evictFile(long file) {
      int i = 0;
      while (i < blocks.length) {
        if (blocks[i] != null && files[i] == file) {
          usedBytes -= weight(blocks[i]);
          remove(i); // re-examine slot i, which may now hold a shifted entry
        } else {
          i++;
        }
      }
    }

    /**
     * Empties slot {@code i} and moves back each later entry of its probe run whose home slot lies
     * cyclically at or before the hole, so every entry stays reachable from its home slot.
     */
    private void remove(int i) {
      int mask = blocks.length - 1;
      int hole = i;
      for (int j = (i + 1) & mask; blocks[j] != null; j = (j + 1) & mask) {
        int home = (int) hash(files[j], offsets[j]) & mask;
        // Entry j may fill the hole unless its home lies cyclically in (hole, j].
        boolean homeAfterHole = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!homeAfterHole) {
          files[hole] = files[j];
          offsets[hole] = offsets[j];
          blocks[hole] = blocks[j];
          clock[hole] = clock[j];
          hole = j;
        }
      }
      blocks[hole] = null;
      count--;
    }

    private void grow() {
      long[] oldFiles = files;
      long[] oldOffsets = offsets;
      Block[] oldBlocks = blocks;
      byte[] oldClock = clock;
      int n = oldBlocks.length * 2;
      files = new long[n];
      offsets = new long[n];
      blocks = new Block[n];
      clock = new byte[n];
      count = 0;
      hand = 0;
      for (int j = 0; j < oldBlocks.length; j++) {
        if (oldBlocks[j] != null) {
          int i = insert(oldFiles[j], oldOffsets[j], hash(oldFiles[j], oldOffsets[j]), oldBlocks[j]);
          clock[i] = oldClock[j]; // keep what the hand had learned about the entry
        }
      }
    }
  }
}
