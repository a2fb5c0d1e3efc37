package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.b;
import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.TableTestSupport.Entry;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks read in place from a mapped table ({@link Block#view}) against blocks on the heap: the same
 * random scripts of seeks and steps over random, partly corrupted blocks give the same entries and
 * the same errors, fresh or re-pointed, read in place or copied for a scan; a table mixing compressed (heap) and raw (view) blocks
 * scans both ways; and a raw block is verified on its first read.
 */
class BlockViewTest {
  @TempDir Path dir;

  private static final Comparator<byte[]> BYTEWISE = Arrays::compareUnsigned;

  private static byte[] randomBlock(Random r, List<byte[]> keysOut) {
    TreeSet<byte[]> sorted = new TreeSet<>(Arrays::compareUnsigned);
    int n = 1 + r.nextInt(60);
    while (sorted.size() < n) {
      byte[] key = new byte[1 + r.nextInt(r.nextInt(5) == 0 ? 200 : 12)];
      for (int i = 0; i < key.length; i++) {
        key[i] = (byte) ('a' + r.nextInt(3));
      }
      sorted.add(key);
    }
    BlockBuilder builder = new BlockBuilder(1 + r.nextInt(17), 1 << 16);
    for (byte[] k : sorted) {
      byte[] v = new byte[r.nextInt(4) == 0 ? r.nextInt(300) : r.nextInt(10)];
      r.nextBytes(v);
      builder.add(k, v);
      keysOut.add(k);
    }
    return builder.finish();
  }

  private static Block view(byte[] data, int base) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(data.length + base + 11).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < buffer.capacity(); i++) {
      buffer.put(i, (byte) 0xFF);
    }
    buffer.put(base, data);
    return Block.view(buffer, base, data.length, "m.sst", 77);
  }

  private static String hex(byte[] a) {
    return HexFormat.of().formatHex(a);
  }

  /** Runs a fixed random script, recording outcomes; only CorruptionException may escape an op. */
  private static List<String> trace(Block block, Comparator<byte[]> cmp, long seed, List<byte[]> keys,
      InternalIterator reuse) {
    return trace(reuse == null ? block.iterator(cmp) : block.iterator(cmp, reuse), seed, keys);
  }

  private static List<String> trace(InternalIterator it, long seed, List<byte[]> keys) {
    List<String> out = new ArrayList<>();
    Random r = new Random(seed);
    boolean failed = true;
    for (int op = 0; op < 30; op++) {
      try {
        int kind = r.nextInt(6);
        if (failed && kind >= 4) {
          kind -= 4; // the contract: after an error only a positioning call
        }
        failed = false;
        byte[] target = keys.get(r.nextInt(keys.size())).clone();
        if (r.nextBoolean() && target.length > 0) {
          target[target.length - 1]++;
        }
        switch (kind) {
          case 0 -> it.seekToFirst();
          case 1 -> it.seekToLast();
          case 2 -> it.seek(target);
          case 3 -> it.seekForPrev(target);
          default -> { }
        }
        int steps = r.nextInt(kind >= 4 ? 300 : 8);
        boolean forward = r.nextBoolean();
        for (int s = 0; s < steps && it.isValid(); s++) {
          byte[] k = it.key();
          byte[] v = it.value();
          assertArrayEquals(k, it.keySlice().toArray());
          assertArrayEquals(v, it.valueSlice().toArray());
          out.add(hex(k) + "=" + hex(v));
          if (r.nextInt(5) == 0) {
            forward = !forward;
          }
          if (forward) {
            it.next();
          } else {
            it.prev();
          }
        }
        out.add(it.isValid() ? "valid" : "end");
      } catch (CorruptionException e) {
        out.add("C:" + e.getMessage());
        failed = true;
      }
    }
    return out;
  }

  @Test
  void corruptedViewsBehaveExactlyAsHeapBlocks() {
    Random r = new Random(12345);
    int corruptions = 0;
    for (int round = 0; round < 3000; round++) {
      List<byte[]> keys = new ArrayList<>();
      byte[] data = randomBlock(r, keys);
      int damage = round % 4 == 0 ? 0 : 1 + r.nextInt(3);
      for (int d = 0; d < damage; d++) {
        int at = r.nextInt(data.length);
        if (r.nextInt(3) == 0) {
          data[at] = (byte) (0x80 | r.nextInt(256));
        } else {
          data[at] = (byte) r.nextInt(256);
        }
      }
      Block heap;
      Block mapped;
      String heapError = null;
      String viewError = null;
      try {
        heap = new Block(data.clone(), "m.sst", 77);
      } catch (CorruptionException e) {
        heap = null;
        heapError = e.getMessage();
      }
      try {
        mapped = view(data, r.nextInt(9));
      } catch (CorruptionException e) {
        mapped = null;
        viewError = e.getMessage();
      }
      assertEquals(heapError, viewError, "round " + round);
      if (heap == null) {
        corruptions++;
        continue;
      }
      long seed = r.nextLong();
      for (Comparator<byte[]> cmp : List.of(BYTEWISE, InPlaceBytewise.INSTANCE)) {
        List<String> h = trace(heap, cmp, seed, keys, null);
        List<String> v = trace(mapped, cmp, seed, keys, null);
        assertEquals(h, v, "round " + round);
        // a re-pointed iterator coming from another block (heap or view) behaves as a fresh one
        InternalIterator other = (r.nextBoolean() ? heap : mapped).iterator(cmp);
        try {
          other.seekToLast();
          if (other.isValid()) {
            other.prev();
          }
        } catch (CorruptionException | IllegalStateException ignored) {
          // only positions it
        }
        List<String> reused = trace(r.nextBoolean() ? heap : mapped, cmp, seed, keys, other);
        assertEquals(h, reused, "reused, round " + round);
        // a scan iterator copies the view to the heap first, into a buffer it keeps for the next block
        InternalIterator scan = mapped.heapIterator(cmp, r.nextBoolean() ? null : other);
        assertEquals(h, trace(scan, seed, keys), "scan copy, round " + round);
        assertEquals(h, trace(mapped.heapIterator(cmp, scan), seed, keys), "scan copy re-pointed, round " + round);
        assertEquals(h, trace(mapped.iterator(cmp, scan), seed, keys), "in place after a scan copy, round " + round);
        if (h.stream().anyMatch(s -> s.startsWith("C:"))) {
          corruptions++;
        }
      }
    }
    assertTrue(corruptions > 250, "corruptions seen: " + corruptions);
  }

  /** A table whose blocks alternate LZ4 (heap) and raw (view): the table iterator re-points one block iterator. */
  @Test
  void mixedHeapAndViewBlocksScanBothWays() throws Exception {
    Path path = dir.resolve("mixed.sst");
    Random r = new Random(7);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      byte[] v;
      if ((i / 40) % 2 == 0) {
        v = b("compressible-".repeat(3) + i);
      } else {
        v = new byte[30 + r.nextInt(150)];
        r.nextBytes(v);
      }
      entries.add(put(userKey(i), i + 1, v));
    }
    TableTestSupport.write(path, entries, 1024, 16, 10, io.stratadb.Compression.LZ4);
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, path, 1, new BlockCache(1 << 20));
    try {
      int views = 0;
      int heaps = 0;
      for (BlockHandle h : TableTestSupport.layout(path).dataBlocks()) {
        if (reader.readDataBlock(h).isView()) {
          views++;
        } else {
          heaps++;
        }
      }
      assertTrue(views > 3 && heaps > 3, views + " views, " + heaps + " heap blocks");
      try (InternalIterator it = reader.iterator()) {
        int n = 0;
        for (it.seekToFirst(); it.isValid(); it.next(), n++) {
          assertArrayEquals(entries.get(n).key(), it.key());
          assertArrayEquals(entries.get(n).value(), it.valueSlice().toArray());
        }
        assertEquals(entries.size(), n);
        for (it.seekToLast(); it.isValid(); it.prev()) {
          n--;
          assertArrayEquals(entries.get(n).key(), it.keySlice().toArray());
          assertArrayEquals(entries.get(n).value(), it.value());
        }
        assertEquals(0, n);
        for (int i = 0; i < 3000; i++) {
          int k = r.nextInt(entries.size());
          it.seekForPrev(entries.get(k).key());
          assertArrayEquals(entries.get(k).key(), it.key());
          if (r.nextBoolean()) {
            it.prev();
            if (k > 0) {
              assertArrayEquals(entries.get(k - 1).value(), it.value());
            }
          } else {
            it.next();
            if (k + 1 < entries.size()) {
              assertArrayEquals(entries.get(k + 1).value(), it.value());
            }
          }
        }
      }
    } finally {
      reader.release();
    }
  }

  @Test
  void damageAfterTheFirstReadIsFoundByToolsAndByTheNextReader() throws Exception {
    Path path = dir.resolve("plain.sst");
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      entries.add(put(userKey(i), i + 1, b("value" + i)));
    }
    TableTestSupport.write(path, entries, 1024, 16, 10);
    BlockHandle first = TableTestSupport.layout(path).dataBlocks().get(0);
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, path, 1);
    try {
      assertArrayEquals(b("value0"), reader.get(userKey(0), InternalKey.MAX_SEQUENCE).value());
      try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
        byte[] block = new byte[(int) first.size()];
        f.seek(first.offset());
        f.readFully(block);
        int at = indexOf(block, b("value0"));
        f.seek(first.offset() + at);
        f.write('V');
      }
      // The reader already verified the block and trusts its copy in the page cache, as it would
      // a cached block; tools re-verify on every read, and a new reader verifies on the first.
assertThrows(CorruptionException.class, () -> reader.readDataBlock(first));
    } finally {
      reader.release();
    }
    TableReader again = TableReader.open(LocalFileSystem.INSTANCE, path, 1);
    try {
      assertThrows(CorruptionException.class, () -> again.get(userKey(0), InternalKey.MAX_SEQUENCE));
    } finally {
      again.release();
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
