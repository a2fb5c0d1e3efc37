package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Cache;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * After concurrent puts (replacing, rejected, evicted by Caffeine and by a full
 * arena) and charges moving the room, every page of the arena is either free or held by exactly one
 * cached block: none leaked, none freed twice.
 */
class OffHeapPageAccountingTest {

  private static Block block(int bytes) {
    byte[] data = new byte[bytes];
    data[bytes - 4] = 1; // one restart, at 0
    return new Block(data, "t.sst", 0);
  }

  @Test
  void everyPageIsFreeOrHeldByOneCachedBlock() throws Exception {
    BlockCache cache = new BlockCache(2L << 20, false, 0, true);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < 40_000; i++) {
          cache.put(1 + r.nextInt(3), r.nextInt(2000) * 4096L, block(100 + r.nextInt(9000)));
          cache.get(1 + r.nextInt(3), r.nextInt(2000) * 4096L);
          if (thread == 0 && i % 100 == 0) {
            long bytes = r.nextInt(1 << 20);
            cache.reserve(bytes);
            cache.put(9, i, block(4000));
            cache.unreserve(bytes);
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    cache.size(); // pending maintenance
    Cache<?, Block> caffeine = field(cache, "cache");
    BlockArena arena = field(cache, "arena");
    long held = 0;
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Block b : caffeine.asMap().values()) {
      if (b.isInArena()) {
        held += b.pages.length;
        for (int p : b.pages) {
          if (!seen.add(p)) {
            throw new AssertionError("page " + p + " held by two cached blocks");
          }
        }
      }
    }
    int free = field(arena, "freeCount");
    int[] freeList = field(arena, "free");
    for (int i = 0; i < free; i++) {
      if (!seen.add(freeList[i])) {
        throw new AssertionError("page " + freeList[i] + " is free twice or free and held");
      }
    }
    assertEquals(arena.allocatedBytes() / BlockArena.PAGE_BYTES, held + free,
        "pages allocated = held by cached blocks + free");
  }

  @SuppressWarnings("unchecked")
  private static <T> T field(Object o, String name) throws ReflectiveOperationException {
    Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return (T) f.get(o);
  }
}
