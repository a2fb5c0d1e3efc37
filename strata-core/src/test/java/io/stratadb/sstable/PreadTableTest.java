package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingReadableFile;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables opened unmapped ({@code pread} of each block, {@link io.stratadb.ReadMode#PREAD}), also
 * with direct reads ({@code O_DIRECT}, where the temporary directory's file system has them): the
 * same answers as the mapped path, the same error reports, typed errors for a file that shrank,
 * and read-ahead only where reads are sequential.
 */
class PreadTableTest {
  @TempDir Path dir;

  /** Tables whose unmapped files record each read as [position, length]. */
  static final class ReadCountingFileSystem extends ForwardingFileSystem {
    final List<long[]> reads = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ReadableFile openReadable(Path path) throws IOException {
      return new ForwardingReadableFile(delegate.openReadable(path)) {
        @Override
        public int read(long position, byte[] dst, int off, int len) throws IOException {
          reads.add(new long[] {position, len});
          return delegate.read(position, dst, off, len);
        }
      };
    }
  }

  private static List<Entry> entries(int count, int valueBytes, long seed) {
    Random random = new Random(seed);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[random.nextInt(valueBytes + 1)];
      random.nextBytes(value);
      entries.add(put(userKey(i * 2), i + 1, value));
    }
    return entries;
  }

  private static TableReader open(java.nio.file.Path path, io.stratadb.env.FileSystem fs, boolean map,
      BlockCache cache) {
    return TableReader.open(fs, path, 7, cache, null, map, TableReadOptions.DEFAULTS);
  }

  private static List<Entry> scan(InternalIterator it) {
    List<Entry> out = new ArrayList<>();
    for (it.seekToFirst(); it.isValid(); it.next()) {
      out.add(new Entry(it.key(), it.value()));
    }
    return out;
  }

  @Property(tries = 40)
  void preadReturnsWhatTheMappingReturns(@ForAll @IntRange(min = 1, max = 3000) int count,
      @ForAll @IntRange(min = 0, max = 300) int valueBytes, @ForAll @IntRange(min = 256, max = 16384) int blockSize,
      @ForAll boolean compressed, @ForAll boolean cached, @ForAll boolean direct, @ForAll long seed)
      throws IOException {
    Path path = Files.createTempFile("pread", ".sst");
    try {
      List<Entry> entries = entries(count, valueBytes, seed);
      TableTestSupport.write(path, entries, blockSize, 16, 10, compressed ? Compression.LZ4 : Compression.NONE);
      TableReader mapped = open(path, LocalFileSystem.INSTANCE, true, cached ? new BlockCache(1 << 20) : null);
      TableReader pread = TableReader.open(LocalFileSystem.INSTANCE, path, 7, cached ? new BlockCache(1 << 20) : null,
          null, false, new TableReadOptions(256 << 10, 2 << 20, direct && directReadsWork(path)));
      try {
        assertTrue(mapped.isMapped());
        assertFalse(pread.isMapped());
        try (InternalIterator a = mapped.iterator(); InternalIterator b = pread.iterator();
             InternalIterator c = pread.iterator(false)) {
          List<Entry> expected = scan(a);
          assertEquals(entries.size(), expected.size());
          assertEntriesEqual(expected, scan(b));
          assertEntriesEqual(expected, scan(c)); // a compaction input's read-ahead
          // backward, then seeks
          List<Entry> backward = new ArrayList<>();
          for (b.seekToLast(); b.isValid(); b.prev()) {
            backward.add(new Entry(b.key(), b.value()));
          }
          Collections.reverse(backward);
          assertEntriesEqual(expected, backward);
          Random random = new Random(seed);
          for (int i = 0; i < 50; i++) {
            byte[] target = InternalKey.forSeek(userKey(random.nextInt(count * 2 + 2)), InternalKey.MAX_SEQUENCE);
            a.seek(target);
            b.seek(target);
            for (int step = 0; step < 3 && a.isValid(); step++, a.next(), b.next()) {
              assertTrue(b.isValid());
              assertArrayEquals(a.key(), b.key());
              assertArrayEquals(a.value(), b.value());
            }
            assertEquals(a.isValid(), b.isValid());
          }
        }
        Random random = new Random(seed + 1);
        for (int i = 0; i < 100; i++) {
          byte[] key = userKey(random.nextInt(count * 2 + 2));
          LookupResult x = mapped.get(key, InternalKey.MAX_SEQUENCE);
          LookupResult y = pread.get(key, InternalKey.MAX_SEQUENCE);
          assertEquals(x.isDecided(), y.isDecided());
          assertArrayEquals(x.value(), y.value());
        }
      } finally {
        mapped.release();
        pread.release();
      }
    } finally {
      Files.deleteIfExists(path);
    }
  }

  /** Whether {@code path}'s file system opens files for direct reads (tmpfs does not). */
  static boolean directReadsWork(Path path) {
    try {
      LocalFileSystem.INSTANCE.openDirect(path).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void assertEntriesEqual(List<Entry> expected, List<Entry> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i).key(), actual.get(i).key(), "key " + i);
      assertArrayEquals(expected.get(i).value(), actual.get(i).value(), "value " + i);
    }
  }

  @Test
  void aDamagedBlockReadWithPreadIsCorruptionNamingFileAndOffset() throws IOException {
    Path path = dir.resolve("000007.sst");
    List<Entry> entries = entries(2000, 40, 1);
    TableTestSupport.write(path, entries, 1024, 16, 10);
    BlockHandle victim = TableTestSupport.layout(path).dataBlocks().get(5);
    TableTestSupport.flip(path, victim.offset() + victim.size() / 2);
    TableReader reader = open(path, LocalFileSystem.INSTANCE, false, new BlockCache(1 << 20));
    try {
      CorruptionException scan = null;
      try (InternalIterator it = reader.iterator()) {
        scan(it);
      } catch (CorruptionException e) {
        scan = e;
      }
      assertNotNull(scan, "the scan reached the damaged block");
      assertEquals(path.toString(), scan.file());
      assertEquals(victim.offset(), scan.offset());
      CorruptionException compaction = null;
      try (InternalIterator it = reader.iterator(false)) { // read through the compaction read-ahead
        scan(it);
      } catch (CorruptionException e) {
        compaction = e;
      }
      assertNotNull(compaction);
      assertEquals(victim.offset(), compaction.offset());
    } finally {
      reader.release();
    }
  }

  @Test
  void aTableThatShrankIsATypedErrorAtTheCallNeverAnInternalError() throws IOException {
    Path path = dir.resolve("000007.sst");
    List<Entry> entries = entries(3000, 100, 2);
    writeLarge(entries);
    TableReader reader = open(path, LocalFileSystem.INSTANCE, false, null);
    try {
      try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
        raf.setLength(raf.length() / 2);
      }
      RuntimeException scan = null;
      int read = 0;
      try (InternalIterator it = reader.iterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          read++;
        }
      } catch (CorruptionException | StrataIOException e) {
        scan = e;
      }
      assertNotNull(scan, "a scan past the new end of the file fails");
      assertTrue(read > 0 && read < entries.size(), "entries before the cut read: " + read);
      RuntimeException get = null;
      try {
        reader.get(userKey(2 * (entries.size() - 1)), InternalKey.MAX_SEQUENCE);
      } catch (CorruptionException | StrataIOException e) {
        get = e;
      }
      assertNotNull(get, "a lookup past the new end of the file fails");
      if (get instanceof CorruptionException) {
        assertEquals(path.toString(), ((CorruptionException) get).file());
      }
    } finally {
      reader.release();
    }
  }

  @Test
  void pointLookupsReadExactlyOneBlockEachAndNeverAhead() throws IOException {
    List<Entry> entries = entries(4000, 100, 3);
    List<BlockHandle> blocks = writeLarge(entries);
    ReadCountingFileSystem fs = new ReadCountingFileSystem();
    TableReader reader = open(dir.resolve("000007.sst"), fs, false, null);
    try {
      fs.reads.clear();
      for (int i = 0; i < entries.size(); i += 7) { // in key order: sequential blocks, one at a time
        assertArrayEquals(entries.get(i).value(), reader.get(userKey(2 * i), InternalKey.MAX_SEQUENCE).value());
      }
      int lookups = (entries.size() + 6) / 7;
      assertEquals(lookups, fs.reads.size(), "one read per lookup");
      for (long[] read : fs.reads) {
        assertTrue(blocks.stream().anyMatch(h -> h.offset() == read[0] && h.size() + 5 == read[1]),
            "a read of exactly one block and its trailer: " + read[0] + "+" + read[1]);
      }
    } finally {
      reader.release();
    }
  }

  /** Writes {@code entries} as table 7 in 4 KiB blocks; returns its data blocks. */
  private List<BlockHandle> writeLarge(List<Entry> entries) throws IOException {
    Path path = dir.resolve("000007.sst");
    TableTestSupport.write(path, entries, 4096, 16, 10);
    return TableTestSupport.layout(path).dataBlocks();
  }

  /** Where the last data block's trailer ends. */
  private static long dataEnd(List<BlockHandle> blocks) {
    BlockHandle last = blocks.get(blocks.size() - 1);
    return last.offset() + last.size() + TableFormat.BLOCK_TRAILER_SIZE;
  }

  @Test
  void aScanReadsAheadFromItsThirdBlockAndASeekStartsOver() throws IOException {
    List<Entry> entries = entries(20_000, 100, 4);
    List<BlockHandle> blocks = writeLarge(entries);
    ReadCountingFileSystem fs = new ReadCountingFileSystem();
    TableReader reader = open(dir.resolve("000007.sst"), fs, false, null);
    try (InternalIterator it = reader.iterator()) {
      fs.reads.clear();
      assertEquals(entries.size(), scan(it).size());
      assertTrue(blocks.size() > 200);
      // two single-block reads, then reads of 8 KiB, 16 KiB, ... past the block, up to 256 KiB
      assertEquals(blocks.get(0).size() + 5, fs.reads.get(0)[1]);
      assertEquals(blocks.get(1).size() + 5, fs.reads.get(1)[1]);
      assertEquals(blocks.get(2).size() + 5 + ReadaheadBuffer.INITIAL_BYTES, fs.reads.get(2)[1]);
      long longest = fs.reads.stream().mapToLong(r -> r[1]).max().orElseThrow();
      assertTrue(longest > 128 << 10 && longest <= (256 << 10) + 4096 + 5, "longest read " + longest);
      long bytes = fs.reads.stream().mapToLong(r -> r[1]).sum();
      assertEquals(dataEnd(blocks), bytes, "every data byte read once, nothing past the data blocks");
      assertTrue(fs.reads.size() < blocks.size() / 10, fs.reads.size() + " reads for " + blocks.size() + " blocks");

      // seeks to scattered keys, a step each: one read per seek, of its block and the next, none ahead
      fs.reads.clear();
      Random random = new Random(5);
      for (int i = 0; i < 100; i++) {
        int before = fs.reads.size();
        it.seek(InternalKey.forSeek(userKey(2 * random.nextInt(entries.size())), InternalKey.MAX_SEQUENCE));
        it.next();
        assertTrue(fs.reads.size() <= before + 1, "at most one read per seek and step (none when the buffer holds it)");
      }
      for (long[] read : fs.reads) {
        assertTrue(read[1] <= 2 * (4096 + 200), "no read-ahead on random seeks: " + read[1]);
      }
    } finally {
      reader.release();
    }
  }

  @Test
  void aSeekThatMissesReadsItsBlockAndTheNextInOneReadASeekForPrevOnlyItsBlock() throws IOException {
    List<Entry> entries = entries(4000, 100, 8);
    List<BlockHandle> blocks = writeLarge(entries);
    ReadCountingFileSystem fs = new ReadCountingFileSystem();
    TableReader reader = open(dir.resolve("000007.sst"), fs, false, null);
    try (InternalIterator it = reader.iterator()) {
      IndexBlock index = reader.decodedIndex();
      assertTrue(index.size() > 20);
      for (int k = 0; k < index.size() - 1; k += 7) {
        // on the last entry of block k: the step after it lands in block k + 1
        fs.reads.clear();
        it.seek(index.lastKey(k));
        assertArrayEquals(index.lastKey(k), it.key());
        BlockHandle next = blocks.get(k + 1);
        assertEquals(1, fs.reads.size());
        assertEquals(blocks.get(k).offset(), fs.reads.get(0)[0]);
        assertEquals(next.offset() + next.size() + 5 - blocks.get(k).offset(), fs.reads.get(0)[1],
            "block " + k + " and block " + (k + 1) + " in one read");
        it.next();
        assertTrue(it.isValid());
        assertEquals(1, fs.reads.size(), "the step into the next block reads nothing");

        try (InternalIterator back = reader.iterator()) { // a new buffer, not holding block k
          fs.reads.clear();
          back.seekForPrev(index.lastKey(k));
          assertArrayEquals(index.lastKey(k), back.key());
          assertEquals(1, fs.reads.size());
          assertEquals(blocks.get(k).size() + 5, fs.reads.get(0)[1], "a backward seek reads only its block");
        }
      }
      fs.reads.clear();
      it.seek(index.lastKey(index.size() - 1));
      assertEquals(1, fs.reads.size());
      assertEquals(blocks.get(blocks.size() - 1).size() + 5, fs.reads.get(0)[1], "the last block has no next");
    } finally {
      reader.release();
    }
  }

  @Test
  void aCompactionInputReadsItsFixedSizeFromTheFirstBlock() throws IOException {
    List<Entry> entries = entries(20_000, 100, 6);
    List<BlockHandle> blocks = writeLarge(entries);
    ReadCountingFileSystem fs = new ReadCountingFileSystem();
    TableReader reader = TableReader.open(fs, dir.resolve("000007.sst"), 7, null, null, false,
        new TableReadOptions(256 << 10, 512 << 10, false));
    try (InternalIterator it = reader.iterator(false)) {
      fs.reads.clear();
      assertEquals(entries.size(), scan(it).size());
      long dataEnd = dataEnd(blocks);
      assertEquals(dataEnd, fs.reads.stream().mapToLong(r -> r[1]).sum(), "every data byte read once");
      assertTrue(fs.reads.size() <= dataEnd / (512 << 10) + 1, fs.reads.size() + " reads");
      assertTrue(fs.reads.get(0)[1] >= 512 << 10, "the first block read reads ahead");
    } finally {
      reader.release();
    }
  }

  @Test
  void aMappedTableGetsNoReadaheadBufferAndNoReadaheadSizeMeansNone() throws IOException {
    Path path = dir.resolve("000007.sst");
    TableTestSupport.write(path, entries(100, 10, 7), 4096, 16, 10);
    TableReader mapped = open(path, LocalFileSystem.INSTANCE, true, null);
    TableReader none = TableReader.open(LocalFileSystem.INSTANCE, path, 7, null, null, false, new TableReadOptions(0, 0, false));
    try {
      assertNull(mapped.newReadahead(false));
      assertNull(none.newReadahead(false));
      assertNull(none.newReadahead(true));
    } finally {
      mapped.release();
      none.release();
    }
  }

  @Test
  void anOpenTableChargesItsIndexOnceAndItsFilterToTheBlockCacheUntilItCloses() throws IOException {
    List<Entry> entries = entries(5000, 100, 8);
    writeLarge(entries);
    TableTestSupport.Layout layout = TableTestSupport.layout(dir.resolve("000007.sst"));
    BlockCache cache = new BlockCache(8 << 20);
    TableReader reader = open(dir.resolve("000007.sst"), LocalFileSystem.INSTANCE, false, cache);
    long raw = layout.index().size() + layout.filter().size();
    try {
      int blocks = layout.dataBlocks().size();
      long atOpen = cache.reservedBytes();
      assertEquals(raw + layout.index().size() + 48L * blocks, atOpen,
          "index and filter blocks charged at open, with a bound of the decoded index");
      List<TableReader.IndexEntry> listed = reader.indexEntries();
      assertArrayEquals(entries.get(3).value(), reader.get(userKey(6), InternalKey.MAX_SEQUENCE).value());
      long decoded = cache.reservedBytes() - layout.filter().size();
      assertTrue(decoded >= 48L * blocks + 16L * blocks, "the decoded index is charged: " + decoded);
      assertTrue(decoded < 48L * blocks + layout.index().size(), "the raw index block is dropped: " + decoded);
      List<TableReader.IndexEntry> relisted = reader.indexEntries();
      assertEquals(listed.size(), relisted.size(), "tools list the index from the decoded one");
      for (int i = 0; i < listed.size(); i++) {
        assertArrayEquals(listed.get(i).lastKey(), relisted.get(i).lastKey());
        assertEquals(listed.get(i).handle(), relisted.get(i).handle());
      }
      assertTrue(reader.retain());
      reader.release();
      assertEquals(layout.filter().size() + decoded, cache.reservedBytes(), "a reference released is not the close");
    } finally {
      reader.release();
    }
    assertEquals(0, cache.reservedBytes(), "returned when the table closes");
  }
}
