package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.util.Coding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BlockArenaTest {

  /** A heap block of {@code size} bytes of {@code seed}'s random bytes, with one restart point at its end. */
  static Block block(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    Coding.putFixed32(data, size - 8, 0);
    Coding.putFixed32(data, size - 4, 1);
    return new Block(data, "t.sst", seed);
  }

  private static byte[] copy(BlockArena arena, Block stored) {
    byte[] out = new byte[stored.size()];
    assertTrue(arena.copyOut(stored, out));
    return out;
  }

  @Test
  void blocksOfEveryPageCountComeBackByteForByte() {
    BlockArena arena = new BlockArena(4 << 20);
    int[] sizes = {8, 1023, 1024, 1025, 2048, 4095, 4096, 4500, 5119, 5120, 65536};
    List<Block> heap = new ArrayList<>();
    List<Block> stored = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      Block b = block(sizes[i], i);
      Block s = arena.store(b, Long.MAX_VALUE);
      assertNotNull(s);
      assertTrue(s.isInArena());
      assertFalse(s.isView());
      assertEquals(BlockArena.pagesFor(sizes[i]), s.pages.length, "pages of " + sizes[i]);
      heap.add(b);
      stored.add(s);
    }
    for (int i = 0; i < sizes.length; i++) { // all still there after the later stores
      assertArrayEquals(heap.get(i).data, copy(arena, stored.get(i)), "size " + sizes[i]);
    }
    assertEquals(256 << 10, arena.chunkBytes(), "a sixteenth of the capacity");
    assertEquals(256 << 10, arena.allocatedBytes(), "one chunk holds them all");
  }

  @Test
  void aFreedBlocksCopyFailsAndItsPagesAreReused() {
    BlockArena arena = new BlockArena(1 << 20);
    Block first = arena.store(block(4096, 1), Long.MAX_VALUE);
    arena.free(first);
    assertFalse(arena.copyOut(first, new byte[4096]), "the stamp moved at the free");
    Block second = arena.store(block(4096, 2), Long.MAX_VALUE);
    assertArrayEquals(first.pages, second.pages, "the freed pages are handed out again");
    assertFalse(arena.copyOut(first, new byte[4096]), "the old block never reads the new one's bytes");
    assertArrayEquals(block(4096, 2).data, copy(arena, second));
  }

  @Test
  void growsOnlyWithinTheLimitAndTheCapacity() {
    BlockArena arena = new BlockArena(2 << 20);
    assertEquals(128 << 10, arena.chunkBytes());
    assertNull(arena.store(block(4096, 1), (128 << 10) - 1), "a chunk would pass the limit");
    assertEquals(0, arena.allocatedBytes());
    List<Block> held = new ArrayList<>();
    Block b;
    while ((b = arena.store(block(4096, held.size()), Long.MAX_VALUE)) != null) {
      held.add(b);
    }
    assertEquals(2 << 20, arena.allocatedBytes(), "never past the capacity");
    assertEquals(2 * 256, held.size(), "every page used");
    arena.free(held.get(7));
    assertNotNull(arena.store(block(4000, 99), Long.MAX_VALUE), "a freed block's pages serve the next");
  }

  @Test
  void aSmallArenaHasSmallChunks() {
    BlockArena arena = new BlockArena(64 << 10);
    assertEquals(4 << 10, arena.chunkBytes());
    assertNotNull(arena.store(block(65536, 3), Long.MAX_VALUE), "its pages from 16 chunks");
    assertEquals(64 << 10, arena.allocatedBytes());
    assertNull(arena.store(block(8, 4), Long.MAX_VALUE), "full");
    assertNull(new BlockArena(0).store(block(8, 4), Long.MAX_VALUE), "no pages at all");
  }

  @Test
  void refusesWhatItCannotHold() {
    assertThrows(IllegalArgumentException.class, () -> new BlockArena(-1));
    BlockArena arena = new BlockArena(1 << 20);
    byte[] mapping = Arrays.copyOf(block(64, 1).data, 64);
    Block view = Block.view(java.nio.ByteBuffer.wrap(mapping).order(java.nio.ByteOrder.LITTLE_ENDIAN), 0, 64, "t.sst", 0);
    assertThrows(IllegalArgumentException.class, () -> arena.store(view, Long.MAX_VALUE));
    Block stored = arena.store(block(2048, 5), Long.MAX_VALUE);
    assertThrows(IndexOutOfBoundsException.class, () -> arena.copyOut(stored, new byte[2047]));
    assertThrows(IllegalStateException.class, () -> stored.iterator(Arrays::compareUnsigned));
  }

  @Test
  void releaseFreesEveryChunkAndStoresNothingAfter() {
    BlockArena arena = new BlockArena(1 << 20);
    Block stored = arena.store(block(4096, 1), Long.MAX_VALUE);
    assertNotNull(stored);
    assertEquals(64 << 10, arena.allocatedBytes());
    arena.release();
    assertEquals(0, arena.allocatedBytes());
    assertNull(arena.store(block(4096, 2), Long.MAX_VALUE), "a released arena allocates nothing");
    arena.release(); // idempotent
    assertEquals(0, arena.allocatedBytes());
  }

  /**
   * A chunk allocation ({@code allocateDirect}, which may wait for the collector when direct memory
   * runs short) holds no lock that stores finding free pages, or frees, need: here the allocation
   * blocks until the other thread's store and free are done. With the allocation under the
   * arena's monitor, they wait for it, and the test times out.
   */
  @Test
  void anAllocationInProgressBlocksNeitherStoresWithFreePagesNorFrees() throws Exception {
    CountDownLatch allocating = new CountDownLatch(1);
    CountDownLatch mayAllocate = new CountDownLatch(1);
    AtomicInteger chunksAllocated = new AtomicInteger();
    BlockArena arena = arenaWhoseSecondChunkWaits(allocating, mayAllocate, chunksAllocated);
    List<Block> held = new ArrayList<>();
    for (int i = 0; i < 31; i++) { // 124 of the first chunk's 128 pages
      held.add(arena.store(block(4096, i), Long.MAX_VALUE));
    }
    ExecutorService grower = Executors.newSingleThreadExecutor();
    try {
      Future<Block> growing = grower.submit(() -> arena.store(block(8192, 100), Long.MAX_VALUE)); // 8 pages: a new chunk
      assertTrue(allocating.await(10, TimeUnit.SECONDS));
      CompletableFuture<Block> meanwhile = CompletableFuture.supplyAsync(() -> {
        Block stored = arena.store(block(4096, 101), Long.MAX_VALUE); // the last 4 free pages
        arena.free(held.get(0));
        return stored;
      });
      Block stored;
      try {
        stored = meanwhile.get(10, TimeUnit.SECONDS);
      } finally {
        mayAllocate.countDown();
      }
      assertArrayEquals(block(4096, 101).data, copy(arena, stored));
      assertArrayEquals(block(8192, 100).data, copy(arena, growing.get(10, TimeUnit.SECONDS)));
      assertEquals(2, chunksAllocated.get());
      assertEquals(256 << 10, arena.allocatedBytes());
    } finally {
      mayAllocate.countDown();
      grower.shutdownNow();
    }
  }

  /**
   * Threads growing the arena at once never hold more direct memory than the limit, not even for a
   * moment: one chunk is allocated at a time, counted before it is allocated.
   */
  @Test
  void concurrentGrowthNeverPassesTheLimitEvenForAMoment() throws Exception {
    long limit = 1 << 20; // 8 of the 16 chunks of 128 KiB
    AtomicLong live = new AtomicLong();
    AtomicLong peak = new AtomicLong();
    BlockArena arena = new BlockArena(2 << 20, bytes -> {
      peak.accumulateAndGet(live.addAndGet(bytes), Math::max);
      Thread.yield(); // widen the window in which another thread might allocate too
      return java.nio.ByteBuffer.allocateDirect(bytes);
    });
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> stored = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int seed = t;
        stored.add(threads.submit(() -> {
          int n = 0;
          while (arena.store(block(4096, seed * 1000 + n), limit) != null) {
            n++;
          }
          return n;
        }));
      }
      int total = 0;
      for (Future<Integer> f : stored) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertEquals(limit / 4096, total, "every page of the chunks within the limit is used");
    } finally {
      threads.shutdownNow();
    }
    assertEquals(limit, arena.allocatedBytes());
    assertEquals(limit, peak.get(), "no chunk allocated past the limit, then given back");
  }

  /**
   * A release while a chunk is being allocated (outside the monitor) frees that chunk when it
   * arrives instead of adding it to a released arena, and wakes the store waiting for it: both
   * stores return null and the arena holds nothing.
   */
  @Test
  void aReleaseDuringAnAllocationFreesTheNewChunkAndWakesTheWaitingStore() throws Exception {
    CountDownLatch allocating = new CountDownLatch(1);
    CountDownLatch mayAllocate = new CountDownLatch(1);
    AtomicInteger chunksAllocated = new AtomicInteger();
    BlockArena arena = arenaWhoseSecondChunkWaits(allocating, mayAllocate, chunksAllocated);
    for (int i = 0; i < 32; i++) { // the first chunk's 128 pages
      assertNotNull(arena.store(block(4096, i), Long.MAX_VALUE));
    }
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      Future<Block> growing = threads.submit(() -> arena.store(block(4096, 100), Long.MAX_VALUE));
      assertTrue(allocating.await(10, TimeUnit.SECONDS));
      java.util.concurrent.atomic.AtomicReference<Thread> waiter = new java.util.concurrent.atomic.AtomicReference<>();
      Future<Block> waiting = threads.submit(() -> {
        waiter.set(Thread.currentThread());
        return arena.store(block(4096, 101), Long.MAX_VALUE);
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while ((waiter.get() == null || waiter.get().getState() != Thread.State.WAITING) && System.nanoTime() < deadline) {
        Thread.onSpinWait(); // until the second store waits for the chunk in allocation
      }
      assertEquals(Thread.State.WAITING, waiter.get().getState());
      arena.release();
      mayAllocate.countDown();
      assertNull(growing.get(10, TimeUnit.SECONDS), "the arena was released during the allocation");
      assertNull(waiting.get(10, TimeUnit.SECONDS), "woken, it finds the arena released");
      assertEquals(0, arena.allocatedBytes(), "the chunk allocated meanwhile is not kept");
      assertEquals(2, chunksAllocated.get());
    } finally {
      mayAllocate.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void aRefusedAllocationStopsTheGrowthForEveryThread() {
    AtomicInteger asked = new AtomicInteger();
    BlockArena arena = new BlockArena(2 << 20, bytes -> {
      if (asked.incrementAndGet() > 1) {
        throw new OutOfMemoryError("Cannot reserve " + bytes + " bytes of direct buffer memory (test)");
      }
      return java.nio.ByteBuffer.allocateDirect(bytes);
    });
    for (int i = 0; i < 32; i++) {
      assertNotNull(arena.store(block(4096, i), Long.MAX_VALUE));
    }
    assertNull(arena.store(block(4096, 32), Long.MAX_VALUE), "the JVM refused the second chunk");
    assertNull(arena.store(block(4096, 33), Long.MAX_VALUE));
    assertEquals(2, asked.get(), "not asked again");
    assertEquals(128 << 10, arena.allocatedBytes());
  }

  /**
   * A 2 MiB arena of 128 KiB chunks (128 pages) whose second chunk allocation counts {@code
   * allocating} down, then waits for {@code mayAllocate}; {@code chunksAllocated} counts them.
   */
  private static BlockArena arenaWhoseSecondChunkWaits(CountDownLatch allocating, CountDownLatch mayAllocate,
      AtomicInteger chunksAllocated) {
    return new BlockArena(2 << 20, bytes -> {
      if (chunksAllocated.incrementAndGet() == 2) {
        allocating.countDown();
        awaitUninterruptibly(mayAllocate);
      }
      return java.nio.ByteBuffer.allocateDirect(bytes);
    });
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    while (true) {
      try {
        latch.await();
        return;
      } catch (InterruptedException e) {
        // the test decides when the allocation ends
      }
    }
  }
}
