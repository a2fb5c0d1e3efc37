package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.delete;
import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingReadableFile;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.ModelWalk;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-level table iterator in both directions: seekToLast, prev, seekForPrev across blocks. */
class TableIteratorTest {
  @TempDir Path dir;

  /** 600 user keys (even numbers), 1-3 versions each, some tombstones: many small blocks. */
  private static List<Entry> entries() {
    List<Entry> entries = new ArrayList<>();
    Random random = new Random(5);
    for (int i = 0; i < 600; i++) {
      int versions = 1 + random.nextInt(3);
      for (int v = versions; v >= 1; v--) {
        long seq = 10L * i + v;
        entries.add(random.nextInt(5) == 0 ? delete(userKey(2 * i), seq) : put(userKey(2 * i), seq, b("v" + seq)));
      }
    }
    return entries;
  }

  private static ModelWalk model(List<Entry> entries) {
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (Entry e : entries) {
      keys.add(e.key());
      values.add(e.value());
    }
    return new ModelWalk(keys, values, InternalKey::compare);
  }

  private TableReader write(List<Entry> entries, int blockSize) throws IOException {
    Path path = dir.resolve("000007.sst");
    TableTestSupport.write(path, entries, blockSize, 4, 10);
    return TableReader.open(LocalFileSystem.INSTANCE, path, 7);
  }

  /** An existing key, a neighbouring user key, or an existing user key at another sequence. */
  private static byte[] target(Random r) {
    int user = r.nextInt(1205);
    long seq = r.nextInt(6100);
    return InternalKey.encode(userKey(user), seq, r.nextBoolean() ? ValueType.PUT : ValueType.DELETE);
  }

  @Test
  void backwardScanCrossesEveryBlock() throws IOException {
    List<Entry> entries = entries();
    TableReader reader = write(entries, 256);
    assertTrue(TableTestSupport.layout(dir.resolve("000007.sst")).dataBlocks().size() > 50, "many blocks");
    try (InternalIterator it = reader.iterator()) {
      model(entries).checkBackwardScan(it);
      assertThrows(IllegalStateException.class, it::prev);
    } finally {
      reader.release();
    }
  }

  @Test
  void seekForPrevLandsOnTheLastEntryAtOrBeforeTheTarget() throws IOException {
    List<Entry> entries = entries();
    TableReader reader = write(entries, 256);
    try (InternalIterator it = reader.iterator()) {
      for (int i = 0; i < entries.size(); i++) {
        it.seekForPrev(entries.get(i).key());
        assertArrayEquals(entries.get(i).key(), it.key(), "exact " + i);
      }
      for (int i = 0; i < 600; i++) {
        // between user key 2i and 2i + 2: the oldest version of 2i, the last entry of its user key
        it.seekForPrev(InternalKey.forSeek(userKey(2 * i + 1), InternalKey.MAX_SEQUENCE));
        assertArrayEquals(userKey(2 * i), InternalKey.userKey(it.key()), "between " + i);
        it.next();
        if (i < 599) {
          assertArrayEquals(userKey(2 * i + 2), InternalKey.userKey(it.key()), "the next user key follows");
        } else {
          assertFalse(it.isValid());
        }
      }
      it.seekForPrev(InternalKey.forSeek(b("a"), 1));
      assertFalse(it.isValid(), "before the first entry");
      it.seekForPrev(InternalKey.forSeek(b("zzz"), 1));
      assertArrayEquals(entries.get(entries.size() - 1).key(), it.key(), "past the end: the last entry");
    } finally {
      reader.release();
    }
  }

  @Test
  void randomMovesMatchTheEntries() throws IOException {
    List<Entry> entries = entries();
    for (int blockSize : new int[] {256, 1024, 64 << 10}) {
      TableReader reader = write(entries, blockSize);
      try (InternalIterator it = reader.iterator()) {
        model(entries).walk(it, new Random(blockSize), 4000, TableIteratorTest::target);
      } finally {
        reader.release();
      }
    }
  }

  @Test
  void directionSwitchesAtBlockBoundaries() throws IOException {
    List<Entry> entries = entries();
    TableReader reader = write(entries, 256);
    List<BlockHandle> blocks = TableTestSupport.layout(dir.resolve("000007.sst")).dataBlocks();
    try (InternalIterator it = reader.iterator()) {
      for (int block = 1; block < 8; block++) {
        InternalIterator inBlock = reader.readDataBlock(blocks.get(block)).iterator(InternalKey::compare);
        inBlock.seekToFirst();
        byte[] first = inBlock.key();
        int i = 0;
        while (!Arrays.equals(entries.get(i).key(), first)) {
          i++;
        }
        it.seek(first);
        it.prev();
        assertArrayEquals(entries.get(i - 1).key(), it.key(), "back into block " + (block - 1));
        it.next();
        assertArrayEquals(entries.get(i).key(), it.key(), "forward into block " + block + " again");
        it.next();
        it.prev();
        it.prev();
        assertArrayEquals(entries.get(i - 1).key(), it.key());
        it.seekForPrev(first);
        it.next();
        assertArrayEquals(entries.get(i + 1).key(), it.key(), "seekForPrev then next");
      }
    } finally {
      reader.release();
    }
  }

  /** Tables whose files record the {@link ReadableFile#prefetch} hints they get, as [offset, end). */
  private static final class HintRecordingFileSystem extends ForwardingFileSystem {
    final List<long[]> hints = new ArrayList<>();

    @Override
    public ReadableFile openImmutable(Path path) throws IOException {
      return new ForwardingReadableFile(delegate.openImmutable(path)) {
        @Override
        public void prefetch(long offset, long length) {
          hints.add(new long[] {offset, offset + length});
        }
      };
    }
  }

  @Test
  void aForwardScanReadsTheDataBlocksAheadOfItself() throws IOException {
    List<Entry> entries = entries();
    Path path = dir.resolve("000007.sst");
    TableTestSupport.write(path, entries, 256, 4, 10);
    TableTestSupport.Layout layout = TableTestSupport.layout(path);
    List<BlockHandle> blocks = layout.dataBlocks();
    HintRecordingFileSystem fs = new HintRecordingFileSystem();
    TableReader reader = TableReader.open(fs, path, 7);
    try (InternalIterator it = reader.iterator()) {
      int block = 0;
      for (it.seekToFirst(); it.isValid(); it.next()) {
        long at = fs.hints.isEmpty() ? -1 : fs.hints.get(fs.hints.size() - 1)[1];
        while (block < blocks.size() && !inBlock(reader, blocks.get(block), it.key())) {
          block++;
        }
        if (block >= 3 && block + 1 < blocks.size()) {
          BlockHandle nextBlock = blocks.get(block + 1);
          assertTrue(at >= nextBlock.offset() + nextBlock.size(), "block " + (block + 1) + " asked for while in " + block);
        }
      }
    } finally {
      reader.release();
    }
    assertFalse(fs.hints.isEmpty());
    long dataEnd = layout.filter().offset();
    for (int i = 0; i < fs.hints.size(); i++) {
      long[] hint = fs.hints.get(i);
      assertTrue(hint[0] < hint[1] && hint[1] <= dataEnd, "within the data blocks: " + Arrays.toString(hint));
      if (i > 0) {
        assertEquals(fs.hints.get(i - 1)[1], hint[0], "contiguous");
      }
    }
    assertEquals(dataEnd, fs.hints.get(fs.hints.size() - 1)[1], "up to the last data block");
  }

  private static boolean inBlock(TableReader reader, BlockHandle handle, byte[] key) {
    try (InternalIterator block = reader.readDataBlock(handle).iterator(InternalKey::compare)) {
      block.seekToLast();
      return InternalKey.compare(key, block.key()) <= 0;
    }
  }

  @Test
  void seeksWithAFewStepsAskForNoReadahead() throws IOException {
    List<Entry> entries = entries();
    Path path = dir.resolve("000007.sst");
    TableTestSupport.write(path, entries, 256, 4, 10);
    HintRecordingFileSystem fs = new HintRecordingFileSystem();
    TableReader reader = TableReader.open(fs, path, 7);
    Random random = new Random(3);
    try (InternalIterator it = reader.iterator()) {
      for (int i = 0; i < 300; i++) {
        it.seek(target(random));
        for (int step = 0; step < 3 && it.isValid(); step++) {
          it.next();
        }
      }
    } finally {
      reader.release();
    }
    assertEquals(List.of(), fs.hints);
  }

  @Test
  void aScanOfCompressedBlocksAsksForNoReadahead() throws IOException {
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      entries.add(put(userKey(i), 1, "a".repeat(100).getBytes()));
    }
    Path path = dir.resolve("000007.sst");
    TableTestSupport.write(path, entries, 1024, 16, 10, io.stratadb.Compression.LZ4);
    HintRecordingFileSystem fs = new HintRecordingFileSystem();
    TableReader reader = TableReader.open(fs, path, 7, new BlockCache(1 << 20));
    int n = 0;
    try (InternalIterator it = reader.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
    } finally {
      reader.release();
    }
    assertEquals(entries.size(), n);
    assertEquals(List.of(), fs.hints, "compressed blocks come through the block cache, not the mapping");
  }
}
