package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Under a strict budget with memtables charged, MemoryBudget promises that data
 * blocks, index and filter blocks and memtables together stay within the cache's capacity. The
 * off-heap arena keeps the direct memory it allocated while the cache lives, so it must leave the
 * memtables' uncharged share free: once they take it, arena plus charges still fit (review finding).
 */
class OffHeapStrictBudgetTest {

  /** A heap block of about {@code bytes} bytes (one restart), contents irrelevant. */
  private static Block block(int bytes) {
    byte[] data = new byte[bytes];
    // The restart array: one restart, at 0.
    data[bytes - 4] = 1;
    return new Block(data, "t.sst", 0);
  }

  @Test
  void arenaPlusChargesStayWithinTheStrictCapacity() {
    long capacity = 32L << 20; // 32 MiB: an arena of 32 chunks of 1 MiB
    long memtableShare = 16L << 20;
    BlockCache cache = new BlockCache(capacity, true, memtableShare, true);
    // No memtable charged yet: the data blocks may use the whole room.
    for (int i = 0; i < 8000; i++) {
      cache.put(1, (long) i * 4096, block(4000));
    }
    long arenaBefore = cache.offHeapBytes();
    // The memtables now fill their share (WriteBufferManager-style charges always succeed).
    cache.reserveMemtable(memtableShare);
    cache.weightedSize(); // runs the evictions the smaller room asks for
    long held = cache.offHeapBytes() + cache.reservedBytes();
    assertTrue(held <= capacity, "arena " + cache.offHeapBytes() + " (was " + arenaBefore + ") + charges "
        + cache.reservedBytes() + " = " + held + " bytes > strict capacity " + capacity);
  }

  /**
   * The documented limit of the bound: index and filter charges made after the arena grew take
   * arena plus charges past the capacity by those charges at most (the arena never returns a
   * chunk), and the arena does not grow again until the charges leave it room.
   */
  @Test
  void chargesMadeAfterTheArenaGrewPassTheCapacityByNoMoreThanThemselves() {
    for (boolean strict : new boolean[] {true, false}) {
      long capacity = 32L << 20;
      BlockCache cache = new BlockCache(capacity, strict, 0, true);
      cache.reserve(4L << 20); // tables open before the reads
      for (int i = 0; i < 9000; i++) {
        cache.put(1, (long) i * 4096, block(4000));
      }
      long grown = cache.offHeapBytes();
      assertTrue(grown >= 24L << 20 && grown <= capacity - (4L << 20), "the arena grew into the room: " + grown);
      long later = 8L << 20; // more tables opened
      assertTrue(strict ? cache.tryReserve(later) : reserved(cache, later));
      for (int i = 9000; i < 12000; i++) {
        cache.put(1, (long) i * 4096, block(4000));
      }
      assertTrue(cache.offHeapBytes() == grown, "no growth while the charges leave no room: " + cache.offHeapBytes());
      long held = cache.offHeapBytes() + cache.reservedBytes();
      assertTrue(held <= capacity + later, "strict " + strict + ": arena " + cache.offHeapBytes() + " + charges "
          + cache.reservedBytes() + " = " + held + " > capacity + the later charges " + (capacity + later));
    }
  }

  private static boolean reserved(BlockCache cache, long bytes) {
    cache.reserve(bytes);
    return true;
  }

  @Test
  void theCacheEvictsByItsOwnPolicyWithinTheRoomTheArenaMayUse() {
    long capacity = 32L << 20;
    long memtableShare = 16L << 20;
    BlockCache cache = new BlockCache(capacity, true, memtableShare, true);
    for (int i = 0; i < 16_000; i++) { // about 64 MB of blocks through a room of 16 MiB
      cache.put(1, (long) i * 4096, block(4000));
    }
    // Caffeine's maximum is the arena's room: its eviction keeps the blocks within it, and no put
    // has to evict the coldest block itself (before: every put once the arena was full).
    assertTrue(cache.arenaEvictions() < 100, "puts that evicted to find pages: " + cache.arenaEvictions());
    assertTrue(cache.weightedSize() <= capacity - memtableShare, "held " + cache.weightedSize());
    // Once the memtables charge part of their share, what is left of it is still not the blocks'.
    cache.reserveMemtable(8L << 20);
    assertTrue(cache.weightedSize() <= capacity - memtableShare, "held " + cache.weightedSize());
    cache.unreserveMemtable(8L << 20);
    assertTrue(cache.offHeapBytes() + memtableShare <= capacity, "arena " + cache.offHeapBytes());
  }
}
