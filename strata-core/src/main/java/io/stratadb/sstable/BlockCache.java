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
   * One shard: linear probing over a slot array kept at most half full; deletion shifts later
   * entries of the probe run back (Knuth's Algorithm R), so there are no tombstones. Each slot's
   * tag (the key's hash, never 0), file number, offset, and weight with clock count sit side by
   * side in {@link #slots}, so a probe reads one or two cache lines before the block itself.
   * Guarded by its own monitor.
   */
  private static final class Shard {
    private static final int INITIAL_SLOTS = 64;
    private static final long MAX_CLOCK = 3;
    /**
     * Longs per slot in {@link #slots}: tag, file number, offset, and {@code weight << 8 | clock}
     * (the weight kept here so evicting never touches the evicted block).
     */
    private static final int STRIDE = 4;

    private final long capacityBytes;
    /** Slot i is {@code slots[4i .. 4i+3]}; tag 0 marks an empty slot. */
    private long[] slots = new long[INITIAL_SLOTS * STRIDE];
    private Block[] blocks = new Block[INITIAL_SLOTS];
    private int count;
    private long usedBytes;
    private int hand;
    private long hits;
    private long misses;
    private long evictions;

    Shard(long capacityBytes) {
      this.capacityBytes = capacityBytes;
    }

    /** The tag stored for {@code hash}: never 0, so 0 can mark an empty slot. */
    private static long tag(long hash) {
      return hash | 1;
    }

    /** The slot where the probe for a key with {@code tag} starts. */
    private static int home(long tag, int mask) {
      return (int) (tag >>> 1) & mask;
    }

    synchronized Block get(long file, long offset, long hash) {
      long tag = tag(hash);
      long[] s = slots;
      int mask = blocks.length - 1;
      for (int i = home(tag, mask); ; i = (i + 1) & mask) {
        int at = i * STRIDE;
        long t = s[at];
        if (t == 0) {
          misses++;
          return null;
        }
        if (t == tag && s[at + 1] == file && s[at + 2] == offset) {
          if ((s[at + 3] & 0xff) < MAX_CLOCK) {
            s[at + 3]++;
          }
          hits++;
          return blocks[i];
        }
      }
    }

    synchronized void put(long file, long offset, long hash, Block block) {
      int w = weight(block);
      if (w > capacityBytes) {
        return; // could never fit (and a zero capacity caches nothing)
      }
      long tag = tag(hash);
      int mask = blocks.length - 1;
      for (int i = home(tag, mask); slots[i * STRIDE] != 0; i = (i + 1) & mask) {
        int at = i * STRIDE;
        if (slots[at] == tag && slots[at + 1] == file && slots[at + 2] == offset) {
          usedBytes += w - (slots[at + 3] >>> 8);
          slots[at + 3] = (long) w << 8 | (slots[at + 3] & 0xff);
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
      insert(tag, file, offset, block, (long) w << 8);
    }

    /** Stores an entry known to be absent. */
    private void insert(long tag, long file, long offset, Block block, long weightAndClock) {
      int mask = blocks.length - 1;
      int i = home(tag, mask);
      while (slots[i * STRIDE] != 0) {
        i = (i + 1) & mask;
      }
      int at = i * STRIDE;
      slots[at] = tag;
      slots[at + 1] = file;
      slots[at + 2] = offset;
      slots[at + 3] = weightAndClock;
      blocks[i] = block;
      count++;
    }

    /** Sweeps the hand until the blocks fit the capacity. */
    private void evictUntilFits() {
      int mask = blocks.length - 1;
      while (usedBytes > capacityBytes && count > 0) {
        int i = hand;
        int at = i * STRIDE;
        if (slots[at] == 0) {
          hand = (i + 1) & mask;
        } else if ((slots[at + 3] & 0xff) > 0) {
          slots[at + 3]--;
          hand = (i + 1) & mask;
        } else {
          usedBytes -= slots[at + 3] >>> 8;
          evictions++;
          remove(i); // an entry may shift into slot i: the hand looks at it next
        }
      }
    }

    synchronized void evictFile(long file) {
      int i = 0;
      while (i < blocks.length) {
        int at = i * STRIDE;
        if (slots[at] != 0 && slots[at + 1] == file) {
          usedBytes -= slots[at + 3] >>> 8;
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
      for (int j = (i + 1) & mask; slots[j * STRIDE] != 0; j = (j + 1) & mask) {
        int home = home(slots[j * STRIDE], mask);
        // Entry j may fill the hole unless its home lies cyclically in (hole, j].
        boolean homeAfterHole = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!homeAfterHole) {
          System.arraycopy(slots, j * STRIDE, slots, hole * STRIDE, STRIDE);
          blocks[hole] = blocks[j];
          hole = j;
        }
      }
      slots[hole * STRIDE] = 0;
      blocks[hole] = null;
      count--;
    }

    private void grow() {
      long[] oldSlots = slots;
      Block[] oldBlocks = blocks;
      int n = oldBlocks.length * 2;
      slots = new long[n * STRIDE];
      blocks = new Block[n];
      count = 0;
      hand = 0;
      for (int j = 0; j < oldBlocks.length; j++) {
        int at = j * STRIDE;
        if (oldSlots[at] != 0) {
          // Keep what the hand had learned about the entry.
          insert(oldSlots[at], oldSlots[at + 1], oldSlots[at + 2], oldBlocks[j], oldSlots[at + 3]);
        }
      }
    }
  }
}
