package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.util.Coding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockCacheTest {

  /** A block of {@code size} content bytes: no entries, one restart point. */
  private static Block block(int size) {
    byte[] data = new byte[size];
    Coding.putFixed32(data, size - 4, 1);
    return new Block(data, "test", 0);
  }

  private static long weight(int size) {
    return size + BlockCache.ENTRY_OVERHEAD_BYTES;
  }

  @Test
  void keysWhosePackingCouldCollideStayApart() {
    BlockCache cache = new BlockCache(64 << 20);
    // Pairs a packing of file number and offset into one long would confuse: high offset bits
    // against low file bits, swapped parts, negative-looking values.
    long[][] keys = {
        {1, 0}, {0, 1}, {1, 1L << 40}, {2, 0}, {1 + (1L << 24), 0}, {1, (1L << 40) | 4096},
        {Long.MAX_VALUE, 0}, {0, Long.MAX_VALUE}, {-1, 0}, {0, -1}, {7, 4096}, {4096, 7}};
    Map<String, Block> blocks = new HashMap<>();
    for (long[] k : keys) {
      Block b = block(64);
      blocks.put(k[0] + "/" + k[1], b);
      cache.put(k[0], k[1], b);
    }
    for (long[] k : keys) {
      assertSame(blocks.get(k[0] + "/" + k[1]), cache.get(k[0], k[1]), "file " + k[0] + " offset " + k[1]);
    }
    assertNull(cache.get(3, 0));
    assertEquals(keys.length, cache.size());
  }

  @Test
  void matchesAMapUnderRandomPutsGetsAndEvictions() {
    // Small enough to evict constantly.
    BlockCache cache = new BlockCache(200 * weight(100));
    Map<Long, Block> model = new HashMap<>();
    Random random = new Random(7);
    for (int op = 0; op < 200_000; op++) {
      long file = random.nextInt(8);
      long offset = random.nextInt(100) * 4096L;
      long key = file * 1_000_000_000L + offset;
      if (random.nextBoolean()) {
        Block b = block(100);
        cache.put(file, offset, b);
        model.put(key, b);
      } else {
        Block cached = cache.get(file, offset);
        if (cached != null) {
          assertSame(model.get(key), cached, "the newest block put under the key, or nothing");
        }
      }
    }
    assertTrue(cache.weightedSize() <= 200 * weight(100), "within capacity: " + cache.weightedSize());
    assertEquals(cache.size() * weight(100), cache.weightedSize());
    // Every entry the counts include is still reachable from its home slot.
    long reachable = 0;
    for (long file = 0; file < 8; file++) {
      for (long offset = 0; offset < 100 * 4096L; offset += 4096) {
        if (cache.get(file, offset) != null) {
          reachable++;
        }
      }
    }
    assertEquals(cache.size(), reachable);
    assertTrue(cache.stats().evictionCount() > 0);
  }

  @Test
  void staysWithinCapacityAndCountsHitsMissesEvictions() {
    long capacity = 1 << 20;
    BlockCache cache = new BlockCache(capacity);
    for (int i = 0; i < 1000; i++) {
      cache.put(1, i * 4096L, block(4000));
    }
    assertTrue(cache.weightedSize() <= capacity, "weighted size " + cache.weightedSize());
    assertTrue(cache.weightedSize() > capacity / 2, "and uses it: " + cache.weightedSize());
    long cached = 0;
    for (int i = 0; i < 1000; i++) {
      if (cache.get(1, i * 4096L) != null) {
        cached++;
      }
    }
    BlockCache.Stats stats = cache.stats();
    assertEquals(cached, stats.hitCount());
    assertEquals(1000 - cached, stats.missCount());
    assertEquals(1000 - cached, stats.evictionCount());
  }

  @Test
  void aBlockTooLargeForTheCacheOrAZeroCapacityCachesNothing() {
    BlockCache none = new BlockCache(0);
    none.put(1, 0, block(100));
    assertNull(none.get(1, 0));
    assertEquals(0, none.weightedSize());
    BlockCache small = new BlockCache(1000);
    small.put(1, 0, block(2000));
    assertNull(small.get(1, 0));
    small.put(1, 0, block(500));
    assertNotNull(small.get(1, 0));
  }

  @Test
  void aBlockReadAgainOutlivesAScanOfBlocksReadOnce() {
    BlockCache cache = new BlockCache(100 * weight(1000)); // 100 blocks
    Block hot = block(1000);
    cache.put(9, 0, hot);
    assertSame(hot, cache.get(9, 0));
    // Ten times the capacity of blocks read once, the hot block read again every 50 of them: an
    // LRU or FIFO policy that ignored its frequency would evict it between reads.
    for (int i = 1; i <= 1000; i++) {
      cache.put(1, i * 4096L, block(1000));
      if (i % 50 == 0) {
        assertSame(hot, cache.get(9, 0), "after " + i + " blocks read once");
      }
    }
    assertTrue(cache.stats().evictionCount() >= 900);
  }

  @Test
  void replacingABlockReweighsItsEntry() {
    BlockCache cache = new BlockCache(1 << 20);
    cache.put(1, 0, block(100));
    Block bigger = block(300);
    cache.put(1, 0, bigger);
    assertSame(bigger, cache.get(1, 0));
    assertEquals(1, cache.size());
    assertEquals(weight(300), cache.weightedSize());
  }

  @Test
  void cacheIdsAreDistinct() {
    BlockCache cache = new BlockCache(1 << 20);
    long first = cache.newCacheId();
    long second = cache.newCacheId();
    assertTrue(first != second, first + " " + second);
    Block block = block(100);
    cache.put(first, 0, block);
    assertSame(block, cache.get(first, 0));
    assertNull(cache.get(second, 0), "another reader's id never sees this block");
  }

  @Test
  void reservedBytesShrinkTheRoomForDataBlocksUntilReturned() {
    BlockCache cache = new BlockCache(100 * (1024 + BlockCache.ENTRY_OVERHEAD_BYTES));
    for (int i = 0; i < 100; i++) {
      cache.put(1, i * 2000L, block(1024));
    }
    assertEquals(100, cache.size(), "a full cache");
    cache.reserve(60L * (1024 + BlockCache.ENTRY_OVERHEAD_BYTES));
    assertEquals(60L * (1024 + BlockCache.ENTRY_OVERHEAD_BYTES), cache.reservedBytes());
    assertTrue(cache.size() <= 40, "blocks evicted to make room for the charge: " + cache.size());
    for (int i = 100; i < 200; i++) {
      cache.put(1, i * 2000L, block(1024));
    }
    assertTrue(cache.size() <= 40, "the room stays shrunk: " + cache.size());
    cache.unreserve(60L * (1024 + BlockCache.ENTRY_OVERHEAD_BYTES));
    assertEquals(0, cache.reservedBytes());
    for (int i = 200; i < 300; i++) {
      cache.put(1, i * 2000L, block(1024));
    }
    assertEquals(100, cache.size(), "the whole capacity again");
    cache.reserve(1L << 40); // more than the capacity: no room, nothing refused
    assertEquals(0, cache.size());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> cache.reserve(-1));
  }

  @Test
  void tryReserveRefusesChargesBeyondTheCapacityLessTheUnusedMemtableShare() {
    BlockCache cache = new BlockCache(10_000, true, 4_000);
    assertTrue(cache.tryReserve(5_000));
    assertFalse(cache.tryReserve(1_001), "6,001 + the memtables' unused 4,000 > 10,000");
    assertTrue(cache.tryReserve(1_000));
    cache.reserveMemtable(3_000); // inside the share: the tables' room is unchanged
    assertFalse(cache.tryReserve(1));
    assertEquals(9_000, cache.reservedBytes());
    assertEquals(3_000, cache.memtableReservedBytes());
    cache.unreserveMemtable(3_000);
    cache.unreserve(6_000);
    assertEquals(0, cache.reservedBytes());
    assertEquals(9_000, cache.peakReservedBytes());
    assertTrue(new BlockCache(10_000).tryReserve(10_000), "without a share the whole capacity");
  }

  @Test
  void underTheStrictLimitABlockThatDoesNotFitTheRoomLeftIsNotCached() {
    long capacity = 10 * weight(1024);
    BlockCache strict = new BlockCache(capacity, true, 0);
    BlockCache lenient = new BlockCache(capacity);
    strict.reserve(capacity - weight(1024) + 1);
    lenient.reserve(capacity - weight(1024) + 1);
    strict.put(1, 0, block(1024));
    lenient.put(1, 0, block(1024));
    assertNull(strict.get(1, 0), "refused: one byte short");
    assertEquals(1, strict.addFailures());
    strict.put(1, 4096, block(100));
    assertNotNull(strict.get(1, 4096), "a smaller block fits");
    assertEquals(0, lenient.addFailures(), "without the strict limit the cache takes it (and evicts)");
  }

  @Test
  void concurrentChargesNeverPassTheCapacityAndGiveTheWholeRoomBackWhenReturned() throws Exception {
    long capacity = 100 * weight(1024);
    BlockCache cache = new BlockCache(capacity, true, 10 * weight(1024));
    int threads = 4;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      int seed = t;
      Thread w = new Thread(() -> {
        try {
          Random random = new Random(seed);
          start.await();
          for (int i = 0; i < 20_000; i++) {
            long bytes = 1 + random.nextInt(8 * 1024);
            switch (random.nextInt(3)) {
              case 0 -> {
                if (cache.tryReserve(bytes)) {
                  cache.unreserve(bytes);
                }
              }
              case 1 -> { // at most 4 x 2 KiB at once: within the memtable share, as MemtableBudget keeps them
                cache.reserveMemtable(bytes % 2048 + 1);
                cache.unreserveMemtable(bytes % 2048 + 1);
              }
              default -> cache.put(seed, i * 8192L, block(1024));
            }
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertTrue(failures.isEmpty(), failures.toString());
    assertEquals(0, cache.reservedBytes());
    assertEquals(0, cache.memtableReservedBytes());
    assertTrue(cache.peakReservedBytes() <= capacity, "peak " + cache.peakReservedBytes());
    for (int i = 0; i < 200; i++) {
      cache.put(99, i * 8192L, block(1024));
    }
    assertEquals(100, cache.size(), "every charge returned: the whole capacity is room for data blocks again");
  }

  @Test
  void aMemtableShareLargerThanTheCapacityIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BlockCache(100, true, 101));
    assertThrows(IllegalArgumentException.class, () -> new BlockCache(100, true, -1));
  }
}

