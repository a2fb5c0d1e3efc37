package io.stratadb;

import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.db.DbTestHooks;
import io.stratadb.sstable.BlockCache;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An off-heap block cache's direct memory is freed when its database closes, not when the
 * collector gets to it (a Kafka Streams application opens and closes a database per window
 * segment), and never while a reader may still copy out of it.
 */
class OffHeapCacheCloseTest {
  @TempDir Path dir;

  private static final int CACHE_BYTES = 8 << 20;
  private static final int KEYS = 30_000;
  /**
   * Direct memory other code may take while the databases close (the JDK's per-thread temporary
   * buffers for channel writes), in bytes; far below one arena.
   */
  private static final long SLACK_BYTES = 1 << 20;

  private static byte[] value(int i) {
    byte[] v = new byte[300];
    new SplittableRandom(i).nextBytes(v);
    return v;
  }

  /** Direct memory the JVM counts as in use, in bytes (what {@code -XX:MaxDirectMemorySize} bounds). */
  private static long directBytesUsed() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow().getMemoryUsed();
  }

  /**
   * A database of {@link #KEYS} keys in tables read with {@code pread} (a mapped table's blocks are
   * read in place, not cached), every key read once so that the arena grew to half its capacity
   * at least.
   */
  private Db openFilled(Path path) {
    Options options = Options.builder().blockCacheSize(CACHE_BYTES).writeBufferSize(1 << 20)
        .memoryBudget(MemoryBudget.builder().blockCacheOffHeap(true).build())
        .readPath(ReadPathOptions.builder().readMode(ReadMode.PREAD).build()).build();
    Db db = Db.open(path, options);
    for (int i = 0; i < KEYS; i++) {
      db.put(key(i), value(i));
    }
    db.flush();
    for (int i = 0; i < KEYS; i++) {
      assertArrayEquals(value(i), db.get(key(i)));
    }
    long arena = DbTestHooks.TEST_blockCache(db).offHeapBytes();
    assertTrue(arena >= CACHE_BYTES / 2, "the arena grew: " + arena);
    return db;
  }

  @Test
  void closingDatabasesReturnsTheirArenasAtOnce() {
    long baseline = directBytesUsed();
    List<Db> closed = new ArrayList<>(); // still reachable: the collector cannot free their memory
    long arenas = 0;
    for (int n = 0; n < 4; n++) {
      Db db = openFilled(dir.resolve("db" + n));
      arenas += DbTestHooks.TEST_blockCache(db).offHeapBytes();
      db.close();
      closed.add(db);
    }
    long used = directBytesUsed();
    assertTrue(used - baseline < SLACK_BYTES, "four closed databases' " + arenas + " bytes of arenas are "
        + "returned: direct memory in use went from " + baseline + " to " + used);
    for (Db db : closed) {
      assertEquals(0, DbTestHooks.TEST_blockCache(db).offHeapBytes(), "the arena is freed at close");
    }
    assertThrows(DbClosedException.class, () -> closed.get(0).get(key(1)));
  }

  @Test
  void anIteratorOpenAtCloseKeepsTheArenaUntilItIsClosed() {
    Db db = openFilled(dir);
    BlockCache cache = DbTestHooks.TEST_blockCache(db);
    DbIterator it = db.newIterator();
    it.seek(key(100));
    assertArrayEquals(value(100), it.value());
    long arena = cache.offHeapBytes();
    long before = directBytesUsed();
    db.close();
    assertEquals(arena, cache.offHeapBytes(), "the iterator's tables may still copy blocks out of the arena");
    assertThrows(DbClosedException.class, it::next, "a closed database's iterator reads nothing");
    it.close();
    assertEquals(0, cache.offHeapBytes(), "freed when the last reader closed");
    long after = directBytesUsed();
    assertTrue(before - after >= arena - SLACK_BYTES, "direct memory in use went from " + before + " to " + after
        + ", the arena held " + arena);
  }

  @Test
  void readsRacingCloseReturnRightValuesOrFailClosed() throws Exception {
    for (int round = 0; round < 5; round++) {
      Db db = openFilled(dir.resolve("race" + round));
      BlockCache cache = DbTestHooks.TEST_blockCache(db);
      List<Thread> readers = new ArrayList<>();
      List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 3; t++) {
        int seed = t;
        Thread reader = new Thread(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          try {
            while (true) {
              int i = random.nextInt(KEYS);
              assertArrayEquals(value(i), db.get(key(i)), "key " + i);
            }
          } catch (DbClosedException expected) {
            // the database closed under the reader: the only way out
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        reader.start();
        readers.add(reader);
      }
      Thread.sleep(20);
      db.close();
      for (Thread reader : readers) {
        reader.join();
      }
      assertEquals(List.of(), failures);
      assertEquals(0, cache.offHeapBytes(), "freed once the last reader let go");
    }
  }
}
