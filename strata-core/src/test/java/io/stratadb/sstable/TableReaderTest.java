package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.delete;
import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableReaderTest {
  @TempDir Path dir;

  /** 10,000 user keys (even numbers), one version each at sequence i + 1. */
  private static List<Entry> tenThousand() {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      entries.add(put(userKey(2 * i), i + 1, b("value" + i)));
    }
    return entries;
  }

  private TableReader open(Path path) {
    return TableReader.open(LocalFileSystem.INSTANCE, path, 1);
  }

  @Test
  void tenThousandEntriesRoundTripAcrossManyBlocks() throws IOException {
    Path path = dir.resolve("000001.sst");
    List<Entry> entries = tenThousand();
    TableBuilder.TableInfo info = TableTestSupport.write(path, entries, 1024, 16, 10);
    assertEquals(Files.size(path), info.fileSize());
    assertEquals(10_000, info.entries());
    assertArrayEquals(entries.get(0).key(), info.smallest());
    assertArrayEquals(entries.get(9_999).key(), info.largest());
    assertTrue(TableTestSupport.layout(path).dataBlocks().size() > 100, "many blocks");
    TableReader reader = open(path);
    try (InternalIterator it = reader.iterator()) {
      assertFalse(it.isValid());
      int i = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        assertArrayEquals(entries.get(i).key(), it.key());
        assertArrayEquals(entries.get(i).value(), it.value());
        i++;
      }
      assertEquals(10_000, i);
    } finally {
      reader.release();
    }
  }

  @Test
  void seekToEveryKeyBetweenKeysAndPastTheEnd() throws IOException {
    Path path = dir.resolve("000001.sst");
    List<Entry> entries = tenThousand();
    TableTestSupport.write(path, entries, 1024, 16, 10);
    TableReader reader = open(path);
    try (InternalIterator it = reader.iterator()) {
      for (int i = 0; i < entries.size(); i++) {
        it.seek(entries.get(i).key());
        assertTrue(it.isValid());
        assertArrayEquals(entries.get(i).key(), it.key(), "exact " + i);
        it.seek(InternalKey.forSeek(userKey(2 * i + 1), InternalKey.MAX_SEQUENCE));
        if (i + 1 < entries.size()) {
          assertArrayEquals(entries.get(i + 1).key(), it.key(), "between " + i + " and next");
          assertArrayEquals(entries.get(i + 1).value(), it.value());
        } else {
          assertFalse(it.isValid());
        }
      }
      it.seek(InternalKey.forSeek(b("a"), 1));
      assertArrayEquals(entries.get(0).key(), it.key(), "before the first");
      it.seek(InternalKey.forSeek(b("zzz"), 1));
      assertFalse(it.isValid(), "past the end");
      // a version of the last key older than the one stored: past the end too
      it.seek(InternalKey.forSeek(userKey(2 * 9_999), 1));
      assertFalse(it.isValid());
    } finally {
      reader.release();
    }
  }

  @Test
  void getFindsPresentAbsentAndDeletedKeysAtEachSequence() throws IOException {
    Path path = dir.resolve("000002.sst");
    byte[] k = b("k");
    List<Entry> entries = List.of(
        put(b("a"), 5, b("a5")),
        put(k, 30, b("k30")),
        delete(k, 20),
        put(k, 10, b("k10")),
        put(b("m"), 7, new byte[0]),
        delete(b("z"), 3));
    TableTestSupport.write(path, entries, 4096, 16, 10);
    TableReader reader = open(path);
    try {
      assertArrayEquals(b("k30"), reader.get(k, 100).value());
      assertArrayEquals(b("k30"), reader.get(k, 30).value());
      assertTrue(reader.get(k, 29).isDeleted());
      assertTrue(reader.get(k, 20).isDeleted());
      assertArrayEquals(b("k10"), reader.get(k, 19).value());
      assertArrayEquals(b("k10"), reader.get(k, 10).value());
      assertSame(LookupResult.MISSED, reader.get(k, 9), "no version of k at or below 9: its block was read");
      assertArrayEquals(b("a5"), reader.get(b("a"), 5).value());
      assertSame(LookupResult.MISSED, reader.get(b("a"), 4));
      LookupResult empty = reader.get(b("m"), 7);
      assertTrue(empty.isDecided());
      assertArrayEquals(new byte[0], empty.value(), "empty value is a value");
      assertTrue(reader.get(b("z"), 3).isDeleted());
      assertSame(LookupResult.ABSENT, reader.get(b("b"), 100));
      assertSame(LookupResult.ABSENT, reader.get(b("zz"), 100));
      assertSame(LookupResult.ABSENT, reader.get(new byte[0], 100));
      assertNull(reader.get(b("b"), 100).value());
    } finally {
      reader.release();
    }
  }

  @Test
  void getWorksWithAndWithoutABloomFilter() throws IOException {
    for (int bits : new int[] {0, 10}) {
      Path path = dir.resolve("bloom" + bits + ".sst");
      List<Entry> entries = tenThousand();
      TableTestSupport.write(path, entries, 4096, 16, bits);
      assertEquals(bits == 0 ? 0 : 1, TableTestSupport.layout(path).filter().size() == 0 ? 0 : 1);
      TableReader reader = open(path);
      try {
        int rejected = 0;
        for (int i = 0; i < 10_000; i += 7) {
          assertArrayEquals(b("value" + i), reader.get(userKey(2 * i), InternalKey.MAX_SEQUENCE).value());
          assertTrue(reader.mayContain(userKey(2 * i)));
          // A key the filter rules out costs no block read (ABSENT); one it admits is read in vain.
          assertSame(reader.mayContain(userKey(2 * i + 1)) ? LookupResult.MISSED : LookupResult.ABSENT,
              reader.get(userKey(2 * i + 1), InternalKey.MAX_SEQUENCE));
          if (!reader.mayContain(userKey(2 * i + 1))) {
            rejected++;
          }
        }
        if (bits == 0) {
          assertEquals(0, rejected, "no filter admits everything");
        } else {
          assertTrue(rejected > 1_300, "the filter rejects most absent keys: " + rejected);
        }
      } finally {
        reader.release();
      }
    }
  }

  @Test
  void versionsOfOneUserKeySpanningBlocks() throws IOException {
    Path path = dir.resolve("000003.sst");
    List<Entry> entries = new ArrayList<>();
    entries.add(put(b("a"), 1, b("a")));
    for (long seq = 200; seq >= 1; seq--) {
      entries.add(put(b("hot"), seq, b("hot" + seq + "-padding-padding")));
    }
    entries.add(put(b("z"), 1, b("z")));
    TableTestSupport.write(path, entries, 256, 4, 10);
    assertTrue(TableTestSupport.layout(path).dataBlocks().size() > 10, "versions spread over blocks");
    TableReader reader = open(path);
    try {
      for (long seq = 1; seq <= 200; seq++) {
        assertArrayEquals(b("hot" + seq + "-padding-padding"), reader.get(b("hot"), seq).value(), "seq " + seq);
      }
      assertArrayEquals(b("hot200-padding-padding"), reader.get(b("hot"), 1000).value());
      assertSame(LookupResult.MISSED, reader.get(b("hot"), 0));
      try (InternalIterator it = reader.iterator()) {
        it.seek(InternalKey.forSeek(b("hot"), 57));
        for (long seq = 57; seq >= 1; seq--) {
          assertEquals(seq, InternalKey.sequence(it.key()));
          it.next();
        }
        assertArrayEquals(b("z"), InternalKey.userKey(it.key()));
      }
    } finally {
      reader.release();
    }
  }

  @Test
  void singleEntryTableAndEmptyValue() throws IOException {
    Path path = dir.resolve("000004.sst");
    TableBuilder.TableInfo info = TableTestSupport.write(path, List.of(put(b("k"), 1, new byte[0])), 4096, 16, 10);
    assertArrayEquals(info.smallest(), info.largest());
    TableReader reader = open(path);
    try (InternalIterator it = reader.iterator()) {
      it.seekToFirst();
      assertArrayEquals(new byte[0], it.value());
      assertEquals(ValueType.PUT, InternalKey.type(it.key()));
      it.next();
      assertFalse(it.isValid());
      assertArrayEquals(new byte[0], reader.get(b("k"), 1).value());
    } finally {
      reader.release();
    }
  }

  @Test
  void builderRejectsOutOfOrderKeysAndEmptyTables() throws IOException {
    TableBuilder builder = new TableBuilder(LocalFileSystem.INSTANCE.newWritableFile(dir.resolve("x.sst")),
        4096, 16, 10);
    builder.add(InternalKey.encode(b("b"), 5, ValueType.PUT), b("1"));
    assertThrows(IllegalArgumentException.class,
        () -> builder.add(InternalKey.encode(b("a"), 5, ValueType.PUT), b("1")));
    assertThrows(IllegalArgumentException.class,
        () -> builder.add(InternalKey.encode(b("b"), 5, ValueType.PUT), b("1")), "duplicate key");
    assertThrows(IllegalArgumentException.class,
        () -> builder.add(InternalKey.encode(b("b"), 6, ValueType.PUT), b("1")), "newer version after older");
    builder.abandon();
    TableBuilder empty = new TableBuilder(LocalFileSystem.INSTANCE.newWritableFile(dir.resolve("y.sst")),
        4096, 16, 10);
    assertThrows(IllegalStateException.class, empty::finish);
    empty.abandon();
  }

  @Test
  void referenceCountingClosesOnLastRelease() throws IOException {
    Path path = dir.resolve("000005.sst");
    TableTestSupport.write(path, tenThousand(), 4096, 16, 10);
    TableReader reader = open(path);
    assertEquals(1, reader.fileNumber());
    assertTrue(reader.retain());
    reader.release();
    assertArrayEquals(b("value0"), reader.get(userKey(0), 10).value(), "still open with one reference");
    reader.release();
    assertFalse(reader.retain(), "closed after the last release");
  }

  @Test
  void uncompressedBlocksOfAMappedTableAreViewsThatBypassTheBlockCache() throws IOException {
    Path path = dir.resolve("plain.sst");
    TableTestSupport.write(path, tenThousand(), 1024, 16, 10);
    BlockCache cache = new BlockCache(1 << 20);
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, path, 1, cache);
    try {
      for (int i = 0; i < 10_000; i += 7) {
        LookupResult found = reader.get(userKey(2 * i), Long.MAX_VALUE >>> 8);
        assertArrayEquals(b("value" + i), found.value());
      }
      BlockHandle first = TableTestSupport.layout(path).dataBlocks().get(0);
      assertTrue(reader.readDataBlock(first).isView());
      assertEquals(0, cache.size(), "the page cache holds mapped blocks; the block cache holds none");
    } finally {
      reader.release();
    }
  }

  /** Writes 2,000 entries with values LZ4 shrinks, so every data block is stored compressed. */
  private static List<Entry> writeCompressible(Path path) throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      entries.add(put(userKey(i), i + 1, b("compressible-value-".repeat(4) + i)));
    }
    TableTestSupport.write(path, entries, 1024, 16, 10, io.stratadb.Compression.LZ4);
    return entries;
  }

  @Test
  void compressedBlocksOfAMappedTableAreCachedCopies() throws IOException {
    Path path = dir.resolve("lz4.sst");
    List<Entry> entries = writeCompressible(path);
    BlockCache cache = new BlockCache(1 << 20);
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, path, 1, cache);
    try {
      assertArrayEquals(entries.get(5).value(), reader.get(userKey(5), Long.MAX_VALUE >>> 8).value());
      BlockHandle first = TableTestSupport.layout(path).dataBlocks().get(0);
      assertFalse(reader.readDataBlock(first).isView());
      assertTrue(cache.size() > 0);
    } finally {
      reader.release();
    }
  }

  @Test
  void aBlockFoundCompressedIsReadFromTheCacheWithoutTouchingTheMapping() throws IOException {
    Path path = dir.resolve("lz4-counted.sst");
    List<Entry> entries = writeCompressible(path);
    java.util.concurrent.atomic.AtomicInteger mappingCalls = new java.util.concurrent.atomic.AtomicInteger();
    io.stratadb.env.FileSystem counting = new io.stratadb.env.ForwardingFileSystem() {
      @Override
      public io.stratadb.env.ReadableFile openImmutable(Path p) throws IOException {
        io.stratadb.env.ReadableFile mapped = delegate.openImmutable(p);
        return new io.stratadb.env.ForwardingReadableFile(mapped) {
          @Override
          public java.nio.ByteBuffer mapping() throws IOException {
            mappingCalls.incrementAndGet();
            return delegate.mapping();
          }
        };
      }
    };
    TableReader reader = TableReader.open(counting, path, 1, new BlockCache(1 << 20));
    try {
      assertArrayEquals(entries.get(7).value(), reader.get(userKey(7), Long.MAX_VALUE >>> 8).value());
      int afterFirst = mappingCalls.get();
      assertEquals(1, afterFirst, "the first read learns the block is compressed");
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(entries.get(7).value(), reader.get(userKey(7), Long.MAX_VALUE >>> 8).value());
      }
      assertEquals(afterFirst, mappingCalls.get(), "later reads go to the block cache only");
    } finally {
      reader.release();
    }
  }
}
