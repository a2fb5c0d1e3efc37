package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Compression;
import io.stratadb.TableLayout;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables with aligned data blocks ({@link TableLayout#alignDataBlocks()}, RocksDB's {@code
 * block_align}): every uncompressed data block starts on a page and ends, trailer included, within
 * it, so a lookup reads one page; the table reads back the same through both read paths, and a
 * scan still reads ahead across the padding.
 */
class AlignedTableTest {
  @TempDir Path dir;

  /** Entries of a 16-byte-ish key and a {@code valueBytes} value, as the larger-than-memory bench's. */
  private static List<Entry> entries(int count, int valueBytes) {
    Random random = new Random(count);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] value = new byte[valueBytes];
      random.nextBytes(value);
      entries.add(put(userKey(i * 2), i + 1, value));
    }
    return entries;
  }

  private static TableBuilder.TableInfo write(Path path, List<Entry> entries, int blockSize, Compression compression,
      boolean align) throws IOException {
    TableBuilder builder = new TableBuilder(LocalFileSystem.INSTANCE.newWritableFile(path), blockSize, 16, 10,
        compression, align);
    for (Entry e : entries) {
      builder.add(e.key(), e.value());
    }
    return builder.finish();
  }

  @Test
  void everyDataBlockLiesInOnePageAndTheTableReadsBackTheSame() throws IOException {
    List<Entry> entries = entries(5000, 400);
    Path aligned = dir.resolve("000001.sst");
    Path plain = dir.resolve("000002.sst");
    long alignedSize = write(aligned, entries, 4096, Compression.NONE, true).fileSize();
    long plainSize = write(plain, entries, 4096, Compression.NONE, false).fileSize();
    List<BlockHandle> blocks = TableTestSupport.layout(aligned).dataBlocks();
    for (BlockHandle b : blocks) {
      assertEquals(0, b.offset() % 4096, "block at " + b.offset());
      assertTrue(b.size() + TableFormat.BLOCK_TRAILER_SIZE <= 4096, "block of " + b.size() + " bytes");
    }
    // Unaligned, 400-byte values make blocks just over 4 KiB: each one spans two pages or more.
    List<BlockHandle> plainBlocks = TableTestSupport.layout(plain).dataBlocks();
    assertTrue(plainBlocks.stream().allMatch(b -> b.size() > 4096), "unaligned blocks pass the block size");
    assertTrue(alignedSize > plainSize && alignedSize < plainSize * 1.12,
        "the padding costs a few percent: " + alignedSize + " against " + plainSize);

    for (boolean map : new boolean[] {true, false}) {
      TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, aligned, 1, new BlockCache(1 << 20), null, map,
          TableReadOptions.DEFAULTS);
      try (InternalIterator it = reader.iterator()) {
        int i = 0;
        for (it.seekToFirst(); it.isValid(); it.next(), i++) {
          assertArrayEquals(entries.get(i).key(), it.key());
          assertArrayEquals(entries.get(i).value(), it.value());
        }
        assertEquals(entries.size(), i);
        for (int k = 0; k < entries.size(); k += 13) {
          assertArrayEquals(entries.get(k).value(), reader.get(userKey(2 * k), InternalKey.MAX_SEQUENCE).value());
          assertFalse(reader.get(userKey(2 * k + 1), InternalKey.MAX_SEQUENCE).isDecided(), "a key between two");
        }
      } finally {
        reader.release();
      }
    }
  }

  @Test
  void compressedBlocksAreNotPaddedAndBigEntriesStillFit() throws IOException {
    Path compressed = dir.resolve("000003.sst");
    List<Entry> compressible = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      compressible.add(put(userKey(i * 2), i + 1, new byte[100])); // zeros: every block compresses
    }
    write(compressed, compressible, 4096, Compression.LZ4, true);
    List<BlockHandle> blocks = TableTestSupport.layout(compressed).dataBlocks();
    for (int i = 1; i < blocks.size(); i++) {
      BlockHandle prev = blocks.get(i - 1);
      assertEquals(prev.offset() + prev.size() + TableFormat.BLOCK_TRAILER_SIZE, blocks.get(i).offset());
    }
    // An entry larger than a page is a block of its own, and the next block starts on a page again.
    Path big = dir.resolve("000004.sst");
    List<Entry> entries = entries(40, 6000);
    write(big, entries, 4096, Compression.NONE, true);
    for (BlockHandle b : TableTestSupport.layout(big).dataBlocks()) {
      assertEquals(0, b.offset() % 4096);
    }
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, big, 4, null, null, false,
        TableReadOptions.DEFAULTS);
    try {
      assertArrayEquals(entries.get(39).value(), reader.get(userKey(78), InternalKey.MAX_SEQUENCE).value());
    } finally {
      reader.release();
    }
  }

  @Test
  void aScanOfAnAlignedTableReadsAheadAcrossThePadding() throws IOException {
    Path path = dir.resolve("000007.sst");
    List<Entry> entries = entries(20_000, 400);
    write(path, entries, 4096, Compression.NONE, true);
    int blocks = TableTestSupport.layout(path).dataBlocks().size();
    PreadTableTest.ReadCountingFileSystem fs = new PreadTableTest.ReadCountingFileSystem();
    List<long[]> reads = fs.reads;
    TableReader reader = TableReader.open(fs, path, 7, null, null, false, TableReadOptions.DEFAULTS);
    try (InternalIterator it = reader.iterator()) {
      reads.clear();
      int n = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
      assertEquals(entries.size(), n);
      // The third block in a row reads 8 KiB beyond itself, and the reads grow from there.
      assertTrue(reads.get(1)[1] < 4096, "the second block is read alone: " + reads.get(1)[1]);
      assertTrue(reads.get(2)[1] >= ReadaheadBuffer.INITIAL_BYTES, "the third reads ahead: " + reads.get(2)[1]);
      assertTrue(reads.size() < blocks / 10, reads.size() + " reads for " + blocks + " blocks");
    } finally {
      reader.release();
    }
  }
}
