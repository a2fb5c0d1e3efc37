package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.put;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingReadableFile;
import io.stratadb.env.ReadableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableCacheTest {
  private static final int TABLES = 6;
  private static final int ENTRIES = 500;

  @TempDir Path dir;
  private final CountingFileSystem fs = new CountingFileSystem();

  private Path pathOf(long number) {
    return dir.resolve(String.format("%06d.sst", number));
  }

  /** Table n holds keys "t{n}-{i}" with value "v{n}-{i}". */
  private static byte[] key(long table, int i) {
    return b(String.format("t%d-%05d", table, i));
  }

  private static byte[] value(long table, int i) {
    return b("v" + table + "-" + i);
  }

  @BeforeEach
  void writeTables() throws IOException {
    for (long n = 1; n <= TABLES; n++) {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < ENTRIES; i++) {
        entries.add(put(key(n, i), 1, value(n, i)));
      }
      TableTestSupport.write(pathOf(n), entries, 1024, 16, 10);
    }
  }

  @Test
  void iteratorsThatDoNotFillTheCacheLeaveItAsItWas() {
    BlockCache blocks = new BlockCache(1 << 20);
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, blocks)) {
      int read = 0;
      try (InternalIterator it = cache.newIterator(1, false)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          read++;
        }
      }
      assertEquals(ENTRIES, read);
      assertEquals(0, blocks.weightedSize(), "a compaction-style read cached nothing");
      try (InternalIterator it = cache.newIterator(1)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          read++;
        }
      }
      long filled = blocks.weightedSize();
      assertTrue(filled > 0, "a reader's iteration fills the cache");
      try (InternalIterator it = cache.newIterator(1, false)) {
        it.seekToFirst();
        assertTrue(it.isValid());
      }
      assertTrue(blocks.stats().hitCount() > 0, "a non-filling read still uses cached blocks");
      assertEquals(filled, blocks.weightedSize());
    }
  }

  @Test
  void capacitySmallerThanTheTablesStillServesEveryTable() {
    try (TableCache cache = new TableCache(fs, this::pathOf, 2)) {
      for (int round = 0; round < 5; round++) {
        for (long n = 1; n <= TABLES; n++) {
          for (int i = 0; i < ENTRIES; i += 50) {
            assertArrayEquals(value(n, i), cache.get(n, key(n, i), 10).value(), "table " + n + " key " + i);
          }
          assertSame(LookupResult.ABSENT, cache.get(n, key(n + 1, 0), 10));
          assertTrue(fs.open.get() <= 3, "open files bounded by the capacity, got " + fs.open.get());
        }
      }
      assertTrue(cache.size() <= 2, "cache size " + cache.size());
      assertTrue(fs.opened.get() > TABLES, "evicted tables were reopened: " + fs.opened.get());
    }
    assertEquals(0, fs.open.get(), "closing the cache closes every table");
  }

  @Test
  void largeCapacityOpensEachTableOnce() {
    try (TableCache cache = new TableCache(fs, this::pathOf, 100)) {
      for (int round = 0; round < 3; round++) {
        for (long n = 1; n <= TABLES; n++) {
          assertArrayEquals(value(n, 7), cache.get(n, key(n, 7), 10).value());
        }
      }
      assertEquals(TABLES, fs.opened.get());
      assertEquals(TABLES, fs.open.get());
    }
    assertEquals(0, fs.open.get());
  }

  @Test
  void iteratorStaysUsableAfterItsTableIsEvicted() {
    try (TableCache cache = new TableCache(fs, this::pathOf, 2)) {
      InternalIterator it = cache.newIterator(1);
      it.seekToFirst();
      assertArrayEquals(value(1, 0), it.value());
      cache.evict(1);
      for (int round = 0; round < 3; round++) {
        for (long n = 2; n <= TABLES; n++) {
          assertArrayEquals(value(n, 3), cache.get(n, key(n, 3), 10).value());
        }
      }
      int i = 0;
      for (; it.isValid(); it.next()) {
        assertArrayEquals(key(1, i), InternalKey.userKey(it.key()));
        assertArrayEquals(value(1, i), it.value());
        i++;
      }
      assertEquals(ENTRIES, i, "the evicted table was read to the end");
      it.seek(InternalKey.forSeek(key(1, 250), 10));
      assertArrayEquals(value(1, 250), it.value(), "and can still seek");
      int openBefore = fs.open.get();
      it.close();
      assertEquals(openBefore - 1, fs.open.get(), "closing the last user closes the evicted table");
      it.close(); // idempotent: must not release twice
      assertEquals(openBefore - 1, fs.open.get());
    }
  }

  @Test
  void acquireTakesAReferenceTheCallerReleases() {
    try (TableCache cache = new TableCache(fs, this::pathOf, 2)) {
      TableReader reader = cache.acquire(3);
      cache.evict(3);
      assertEquals(1, fs.open.get(), "held by the caller");
      assertArrayEquals(value(3, 1), reader.get(key(3, 1), 10).value());
      reader.release();
      assertEquals(0, fs.open.get());
      assertArrayEquals(value(3, 1), cache.get(3, key(3, 1), 10).value(), "reopened on demand");
    }
  }

  @Test
  void openErrorsPropagateAndAreNotCached() throws IOException {
    try (TableCache cache = new TableCache(fs, this::pathOf, 4)) {
      assertThrows(StrataIOException.class, () -> cache.acquire(99));
      byte[] pristine = Files.readAllBytes(pathOf(2));
      Files.write(pathOf(2), new byte[100]);
      assertThrows(CorruptionException.class, () -> cache.get(2, key(2, 0), 10));
      Files.write(pathOf(2), pristine);
      assertArrayEquals(value(2, 0), cache.get(2, key(2, 0), 10).value(), "a repaired table opens");
      assertEquals(1, fs.open.get(), "the failed opens left no file open");
    }
  }

  @Test
  void closingTheCacheLeavesIteratorsInUseWorking() {
    TableCache cache = new TableCache(fs, this::pathOf, 4);
    InternalIterator it = cache.newIterator(5);
    cache.close();
    it.seekToFirst();
    assertArrayEquals(value(5, 0), it.value());
    it.close();
    assertEquals(0, fs.open.get());
    assertFalse(it.isValid());
  }

  @Test
  void blockCacheServesRepeatedReadsWithinItsCapacity() {
    BlockCache blocks = new BlockCache(64 << 10);
    try (TableCache cache = new TableCache(fs, this::pathOf, 100, blocks)) {
      for (int round = 0; round < 3; round++) {
        for (long n = 1; n <= TABLES; n++) {
          for (int i = 0; i < ENTRIES; i += 25) {
            assertArrayEquals(value(n, i), cache.get(n, key(n, i), 10).value());
          }
        }
      }
      assertTrue(blocks.stats().hitCount() > 0, "repeated reads hit: " + blocks.stats());
      assertTrue(blocks.stats().missCount() > 0);
      assertTrue(blocks.weightedSize() <= 64 << 10, "weighted size " + blocks.weightedSize());
    }
  }

  @Test
  void evictingATableLeavesItsBlocksToAgeOutAndANewTableUnderItsNumberReadsItsOwnData()
      throws IOException {
    BlockCache blocks = new BlockCache(1 << 20);
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, blocks)) {
      for (long n = 1; n <= 2; n++) {
        for (int i = 0; i < ENTRIES; i += 10) {
          assertArrayEquals(value(n, i), cache.get(n, key(n, i), 10).value());
        }
      }
      long both = blocks.weightedSize();
      TableReader held = cache.acquire(1); // an iterator still reading the old table keeps it open
      cache.evict(1);
      assertEquals(both, blocks.weightedSize(), "no scan of the cache: the blocks age out");
      long hits = blocks.stats().hitCount();
      assertArrayEquals(value(2, 0), cache.get(2, key(2, 0), 10).value());
      assertEquals(hits + 1, blocks.stats().hitCount(), "table 2's blocks stayed cached");

      // Same number, same block layout, other values, a new file (as a deletion and a rewrite
      // would leave it): a stale cached block or reader would return old data.
      Files.delete(pathOf(1));
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < ENTRIES; i++) {
        entries.add(put(key(1, i), 1, b(new String(value(1, i)).replace('v', 'w'))));
      }
      TableTestSupport.write(pathOf(1), entries, 1024, 16, 10);
      for (int i = 0; i < ENTRIES; i += 10) {
        assertArrayEquals(b(new String(value(1, i)).replace('v', 'w')), cache.get(1, key(1, i), 10).value());
      }
      held.release();
    }
  }

  /** Counts open readable files. */
  private static final class CountingFileSystem extends ForwardingFileSystem {
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();

    @Override
    public ReadableFile openReadable(Path path) throws IOException {
      ReadableFile file = delegate.openReadable(path);
      open.incrementAndGet();
      opened.incrementAndGet();
      return new ForwardingReadableFile(file) {
        private boolean closed;

        @Override
        public void close() throws IOException {
          if (closed) {
            throw new IllegalStateException("closed twice");
          }
          closed = true;
          open.decrementAndGet();
          delegate.close();
        }
      };
    }
  }

  @Test
  void underTheStrictLimitATableWhoseIndexAndFilterDoNotFitIsReadUncachedAndClosed() {
    BlockCache blocks = new BlockCache(256, true, 0); // no table's index and filter fit
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, blocks)) {
      for (int round = 0; round < 2; round++) {
        assertArrayEquals(value(2, 17), cache.get(2, key(2, 17), InternalKey.MAX_SEQUENCE).value());
      }
      assertEquals(0, cache.size(), "not kept open");
      assertEquals(0, blocks.reservedBytes());
      assertEquals(0, blocks.peakReservedBytes(), "nothing charged past the budget");
      assertEquals(0, blocks.size(), "nor its data blocks cached, under a cache id no later read has");
    }
    BlockCache lenient = new BlockCache(256);
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, lenient)) {
      assertArrayEquals(value(2, 17), cache.get(2, key(2, 17), InternalKey.MAX_SEQUENCE).value());
      assertEquals(1, cache.size());
      assertTrue(lenient.reservedBytes() > 256, "without the strict limit the charge passes the budget");
    }
  }

  @Test
  void preloadOpensATableOnlyIfItsIndexAndFilterFit() {
    BlockCache blocks = new BlockCache(256);
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, blocks)) {
      assertFalse(cache.preload(1));
      assertEquals(0, cache.size());
      assertEquals(0, blocks.peakReservedBytes());
    }
    BlockCache roomy = new BlockCache(1 << 20);
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, roomy)) {
      assertTrue(cache.preload(1));
      assertEquals(1, cache.size());
    }
  }

  @Test
  void aTableOpenedThroughTheCacheIsChargedWhatItHoldsNotTheBoundOfItsDecodedIndex() {
    BlockCache lazy = new BlockCache(1 << 20);
    TableReader reader = TableReader.open(fs, pathOf(3), 3, lazy);
    long atOpen = lazy.reservedBytes();
    assertArrayEquals(value(3, 9), reader.get(key(3, 9), InternalKey.MAX_SEQUENCE).value());
    long decoded = lazy.reservedBytes();
    reader.release();
    assertTrue(decoded < atOpen, "the bound of a lazily decoded index is above what it takes");
    BlockCache eager = new BlockCache(1 << 20);
    try (TableCache cache = new TableCache(fs, this::pathOf, 10, eager)) {
      assertTrue(cache.preload(3));
      assertEquals(decoded, eager.reservedBytes(), "decoded at open: charged as held");
      assertEquals(decoded, eager.peakReservedBytes(), "never the bound");
    }
  }
}

