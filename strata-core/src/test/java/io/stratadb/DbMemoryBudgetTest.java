package io.stratadb;

import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.db.DbTestHooks;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingReadableFile;
import io.stratadb.env.ReadableFile;
import io.stratadb.sstable.BlockCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link MemoryBudget}: memtables charged to the block cache, the memtable limit, the strict limit, preloading. */
class DbMemoryBudgetTest {
  @TempDir Path dir;

  private static final int VALUE_BYTES = 100;

  /** Counts the bytes read from SSTables and which tables were opened. */
  private static final class CountingFileSystem extends ForwardingFileSystem {
    final AtomicLong tableBytesRead = new AtomicLong();
    final Set<Path> opened = ConcurrentHashMap.newKeySet();

    @Override
    public ReadableFile openImmutable(Path path, boolean map) throws IOException {
      ReadableFile file = delegate.openImmutable(path, map);
      if (!path.toString().endsWith(".sst")) {
        return file;
      }
      opened.add(path.getFileName());
      return new ForwardingReadableFile(file) {
        @Override
        public int read(long position, byte[] dst, int off, int len) throws IOException {
          int n = super.read(position, dst, off, len);
          tableBytesRead.addAndGet(Math.max(0, n));
          return n;
        }
      };
    }
  }

  private static byte[] value(int i) {
    byte[] v = new byte[VALUE_BYTES];
    new SplittableRandom(i).nextBytes(v);
    return v;
  }

  /** No compaction, no stall, no seek compaction, tables read with pread: every flush stays an L0 table. */
  private static Options.Builder base() {
    return Options.builder().compactionStrategy(TestKeys.leveled(100)).l0SlowdownWritesTrigger(200)
        .l0StopWritesTrigger(300).seekCompaction(false).readPath(ReadPathOptions.builder().readMode(ReadMode.PREAD).build()).jmx(false);
  }

  /** Writes {@code tables} flushed tables of 2,000 keys; returns the number of table files. */
  private long writeTables(int tables) throws IOException {
    try (Db db = Db.open(dir, base().preloadTables(false).build())) {
      for (int t = 0; t < tables; t++) {
        for (int i = 0; i < 2000; i++) {
          db.put(key(t * 2000 + i), value(t * 2000 + i));
        }
        db.flush();
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sst")).count();
    }
  }

  @Test
  void preloadingReadsNoMoreIndexAndFilterBytesThanTheBudget() throws Exception {
    long tables = writeTables(20);
    long budget = 32 << 10; // each table's index and filter take about 5 KiB, 10 KiB charged with the decoded index
    CountingFileSystem fs = new CountingFileSystem();
    try (Db db = Db.open(dir, base().blockCacheSize(budget).fileSystem(fs).build())) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (fs.opened.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(300); // room for a preloader that would not stop
      BlockCache cache = DbTestHooks.TEST_blockCache(db);
      long read = fs.tableBytesRead.get();
      int preloaded = fs.opened.size();
      assertTrue(preloaded >= 2 && preloaded < tables, "preloaded " + preloaded + " of " + tables + " tables");
      // What preloading read: the index and filter blocks that fit, and the footers of the tables
      // it looked at (the last of which did not fit).
      assertTrue(read <= budget + preloaded * 64L, "read " + read + " bytes with a budget of " + budget);
      assertTrue(cache.peakReservedBytes() <= budget, "charged " + cache.peakReservedBytes());
      // Tables beyond the budget open when first read (charged then: the limit is not strict).
      for (int t = 0; t < 20; t++) {
        assertArrayEquals(value(t * 2000 + 7), db.get(key(t * 2000 + 7)), "table " + t);
      }
      assertEquals(tables, fs.opened.size());
    }
  }

  @Test
  void dataBlocksLieOffTheHeapUnlessTheBudgetSaysOtherwise() throws Exception {
    writeTables(4);
    assertTrue(MemoryBudget.DEFAULTS.blockCacheOffHeap());
    for (boolean offHeap : new boolean[] {true, false}) {
      MemoryBudget budget = MemoryBudget.builder().blockCacheOffHeap(offHeap).build();
      assertEquals(offHeap, budget.toBuilder().build().blockCacheOffHeap());
      try (Db db = Db.open(dir, base().blockCacheSize(4 << 20).memoryBudget(budget).build())) {
        for (int round = 0; round < 2; round++) { // the second round reads the cached blocks
          for (int i = 0; i < 8000; i += 7) {
            assertArrayEquals(value(i), db.get(key(i)), "key " + i + ", off the heap: " + offHeap);
          }
          try (DbIterator it = db.newIterator()) {
            it.seek(key(100));
            for (int i = 100; i < 300; i++, it.next()) {
              assertArrayEquals(key(i), it.key());
              assertArrayEquals(value(i), it.value());
            }
          }
        }
        BlockCache cache = DbTestHooks.TEST_blockCache(db);
        assertEquals(offHeap, cache.offHeap());
        assertEquals(offHeap, cache.offHeapBytes() > 0, "direct memory: " + cache.offHeapBytes());
        assertTrue(cache.offHeapBytes() <= 4 << 20, "within the budget: " + cache.offHeapBytes());
        assertTrue(db.stats().blockCacheHits() > 1000, "hits: " + db.stats().blockCacheHits());
      }
    }
  }

  @Test
  void memtablesAreChargedToTheBlockCacheUntilFlushedAndDropped() {
    MemoryBudget budget = MemoryBudget.builder().chargeMemtablesToBlockCache(true).build();
    try (Db db = Db.open(dir, base().writeBufferSize(8 << 20).memoryBudget(budget).build())) {
      BlockCache cache = DbTestHooks.TEST_blockCache(db);
      long empty = cache.memtableReservedBytes();
      assertTrue(empty > 0, "the empty memtable's bloom filter and first chunks are charged");
      for (int i = 0; i < 20_000; i++) {
        db.put(key(i), value(i));
      }
      long full = cache.memtableReservedBytes();
      assertTrue(full >= 20_000L * (VALUE_BYTES + 16), "charged " + full + " for 2.3 MB of entries");
      assertEquals(full, DbTestHooks.TEST_memtableChargedBytes(db));
      assertEquals(full, cache.reservedBytes(), "no table open yet: the charges are the memtable's");
      db.flush();
      long after = cache.memtableReservedBytes();
      assertTrue(after < full / 4, "after the flush only the new memtable is charged: " + after);
    }
  }

  @Test
  void aFlushedMemtableStaysChargedUntilTheLastIteratorReadingItCloses() {
    MemoryBudget budget = MemoryBudget.builder().chargeMemtablesToBlockCache(true).build();
    try (Db db = Db.open(dir, base().writeBufferSize(8 << 20).memoryBudget(budget).build())) {
      for (int i = 0; i < 20_000; i++) {
        db.put(key(i), value(i));
      }
      long full = db.stats().memtableChargedBytes();
      assertTrue(full >= 20_000L * (VALUE_BYTES + 16), "charged " + full + " for 2.3 MB of entries");
      DbIterator first = db.newIterator(); // reads the memtable
      DbIterator second = db.newIterator();
      db.flush();
      assertTrue(db.stats().memtableChargedBytes() >= full,
          "flushed, but two iterators still hold its memory: " + db.stats().memtableChargedBytes());
      first.seekToFirst();
      assertArrayEquals(value(0), first.value());
      first.close();
      assertTrue(db.stats().memtableChargedBytes() >= full, "one iterator still holds it");
      second.close();
      long after = db.stats().memtableChargedBytes();
      assertTrue(after < full / 4, "the last reader closed: only the new memtable is charged: " + after);
      assertEquals(after, DbTestHooks.TEST_blockCache(db).memtableReservedBytes());
      try (DbIterator later = db.newIterator()) {
        later.seekToFirst();
        assertArrayEquals(value(0), later.value(), "read from the table now");
      }
      assertEquals(after, db.stats().memtableChargedBytes());
    }
  }

  @Test
  void theMemtableLimitFlushesBeforeAMemtableIsFull() {
    MemoryBudget budget = MemoryBudget.builder().memtableLimitBytes(1 << 20).build();
    try (Db db = Db.open(dir, base().writeBufferSize(16 << 20).memoryBudget(budget).build())) {
      for (int i = 0; i < 40_000; i++) { // about 5 MB, a third of the write buffer
        db.put(key(i), value(i));
        assertTrue(DbTestHooks.TEST_memtableChargedBytes(db) < 4 * (1 << 20),
            "memtables hold " + DbTestHooks.TEST_memtableChargedBytes(db));
      }
      assertTrue(db.stats().flushCount() >= 5, "flushes: " + db.stats().flushCount());
      for (int i = 0; i < 40_000; i += 997) {
        assertArrayEquals(value(i), db.get(key(i)));
      }
    }
  }

  /** Writers, readers and compaction at once; returns the block cache's largest charge. */
  private long runLoad(MemoryBudget budget, long capacity) throws Exception {
    Options options = Options.builder().writeBufferSize(128 << 10).blockCacheSize(capacity).memoryBudget(budget)
        .readPath(ReadPathOptions.builder().readMode(ReadMode.PREAD).build()).compactionStrategy(TestKeys.leveled(4)).jmx(false).build();
    int perWriter = 40_000;
    try (Db db = Db.open(dir, options)) {
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int base = w * perWriter;
        threads.add(new Thread(() -> {
          for (int i = base; i < base + perWriter; i++) {
            db.put(key(i), value(i));
          }
        }));
      }
      threads.add(new Thread(() -> {
        SplittableRandom random = new SplittableRandom(3);
        while (writing.get()) {
          int i = random.nextInt(2 * perWriter);
          byte[] v = db.get(key(i));
          if (v != null && !java.util.Arrays.equals(value(i), v)) {
            throw new AssertionError("wrong value for key " + i);
          }
        }
      }));
      threads.forEach(t -> t.setUncaughtExceptionHandler((th, e) -> failure.compareAndSet(null, e)));
      threads.forEach(Thread::start);
      threads.get(0).join();
      threads.get(1).join();
      writing.set(false);
      threads.get(2).join();
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      for (int i = 0; i < 2 * perWriter; i += 101) {
        assertArrayEquals(value(i), db.get(key(i)), "key " + i);
      }
      assertEquals(0, DbTestHooks.TEST_memtableOvershoots(db));
      return DbTestHooks.TEST_blockCache(db).peakReservedBytes();
    }
  }

  @Test
  void underTheStrictLimitTheChargesNeverPassTheBudget() throws Exception {
    long capacity = 768 << 10;
    MemoryBudget strict = MemoryBudget.builder().chargeMemtablesToBlockCache(true).memtableLimitBytes(512 << 10)
        .strictCapacityLimit(true).build();
    long peak = runLoad(strict, capacity);
    assertTrue(peak <= capacity, "charged at most " + peak + " of " + capacity);
  }

  /** Writes 100,000 entries into tables kept in L0, reads a key of each table; returns the largest charge. */
  private long openEveryTable(Path name, MemoryBudget budget, long capacity) {
    try (Db db = Db.open(dir.resolve(name), base().writeBufferSize(128 << 10).blockCacheSize(capacity).memoryBudget(budget)
        .preloadTables(false).build())) {
      for (int i = 0; i < 100_000; i++) {
        db.put(key(i), value(i));
      }
      db.flush();
      for (int i = 0; i < 100_000; i += 500) {
        assertArrayEquals(value(i), db.get(key(i)), "key " + i);
      }
      return DbTestHooks.TEST_blockCache(db).peakReservedBytes();
    }
  }

  /** The index and filter charges after reading a key of each of 20 tables, opened read-only or not. */
  private long indexAndFilterCharges(boolean readOnly, long capacity, long memtableLimit) throws IOException {
    Options options = base().writeBufferSize(128 << 10).blockCacheSize(capacity).memoryBudget(MemoryBudget.builder()
        .chargeMemtablesToBlockCache(true).strictCapacityLimit(true).memtableLimitBytes(memtableLimit).build()).build();
    try (Db db = readOnly ? Db.openReadOnly(dir, options) : Db.open(dir, options)) {
      for (int t = 0; t < 20; t++) {
        assertArrayEquals(value(t * 2000 + 7), db.get(key(t * 2000 + 7)), "table " + t);
      }
      BlockCache cache = DbTestHooks.TEST_blockCache(db);
      assertEquals(readOnly ? 0 : memtableLimit, cache.memtableShareBytes());
      assertTrue(cache.peakReservedBytes() <= capacity, "charged " + cache.peakReservedBytes());
      return cache.reservedBytes() - cache.memtableReservedBytes();
    }
  }

  @Test
  void aReadOnlyDatabaseSetsNoShareAsideForMemtablesItCannotWrite() throws Exception {
    writeTables(20); // each table's index and filter charge about 10 KiB
    long capacity = 160 << 10;
    long memtableLimit = 96 << 10;
    long readWrite = indexAndFilterCharges(false, capacity, memtableLimit);
    assertTrue(readWrite <= capacity - memtableLimit, "read-write: the memtables' share kept free: " + readWrite);
    long readOnly = indexAndFilterCharges(true, capacity, memtableLimit);
    assertTrue(readOnly > capacity - memtableLimit, "read-only: the share used by the tables: " + readOnly);
  }

  @Test
  void theStrictLimitRefusesTheIndexAndFilterChargesThatWouldPassTheBudget() {
    long capacity = 256 << 10; // the index and filter blocks of the ~90 tables take about 400 KB
    long lenient = openEveryTable(Path.of("lenient"), MemoryBudget.DEFAULTS, capacity);
    assertTrue(lenient > capacity, "without the strict limit the charges pass the budget: " + lenient);
    long strict = openEveryTable(Path.of("strict"), MemoryBudget.builder().strictCapacityLimit(true).build(),
        capacity);
    assertTrue(strict <= capacity, "under the strict limit at most the budget: " + strict);
  }

  @Test
  void aStrictBudgetThatLeavesMemtablesNoLimitIsRefusedAtOpen() {
    MemoryBudget noLimit = MemoryBudget.builder().chargeMemtablesToBlockCache(true).strictCapacityLimit(true).build();
    assertThrows(IllegalArgumentException.class, () -> Db.open(dir, base().memoryBudget(noLimit).build()));
    MemoryBudget tooLarge = noLimit.toBuilder().memtableLimitBytes(8 << 20).build();
    assertThrows(IllegalArgumentException.class,
        () -> Db.open(dir, base().blockCacheSize(8 << 20).memoryBudget(tooLarge).build()));
    assertThrows(IllegalArgumentException.class, () -> MemoryBudget.builder().memtableLimitBytes(1000));
    MemoryBudget belowTwoBlooms = MemoryBudget.builder().memtableLimitBytes(2 << 20).build(); // blooms of 1 MiB
    assertThrows(IllegalArgumentException.class,
        () -> Db.open(dir, base().writeBufferSize(64 << 20).memoryBudget(belowTwoBlooms).build()));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().memoryBudget(null));
  }
}
