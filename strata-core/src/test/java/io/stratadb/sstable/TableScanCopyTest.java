package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.iterator.ModelWalk;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.TableTestSupport.Entry;
import io.stratadb.util.Slice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans that copy mapped blocks to the heap ({@link Block#heapIterator}) under a {@link
 * MergingIterator} of several mapped tables, against a model: forward and backward scans, long
 * forward runs broken by steps back and seeks, a random walk; blocks over {@link
 * Block#HEAP_COPY_MAX_BYTES} (read in place) mixed with copied ones; and one source's slices
 * unchanged while another source scans to its end.
 */
class TableScanCopyTest {
  @TempDir Path dir;

  @Test
  void mergedMappedTablesMatchTheModel() throws Exception {
    for (long seed = 1; seed <= 6; seed++) {
      run(seed);
    }
  }

  private void run(long seed) throws Exception {
    Random r = new Random(seed);
    int tables = 2 + r.nextInt(2);
    List<List<Entry>> perTable = new ArrayList<>();
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey.COMPARATOR);
    for (int t = 0; t < tables; t++) {
      perTable.add(new ArrayList<>());
    }
    for (int i = 0; i < 3000; i++) {
      // each key in one table, or (rarely) the identical internal key in several: the newest wins
      int owner = r.nextInt(tables);
      boolean shared = r.nextInt(20) == 0;
      long seq = 1 + r.nextInt(1000);
      for (int t = 0; t < tables; t++) {
        if (t != owner && !(shared && t > owner)) {
          continue;
        }
        int large = r.nextInt(4) == 0 ? 80_000 : 20_000; // some blocks over the copy limit
        byte[] v = new byte[r.nextInt(10) == 0 ? 2000 + r.nextInt(large) : r.nextInt(60)];
        r.nextBytes(v);
        Entry e = put(userKey(i), seq, v);
        perTable.get(t).add(e);
        if (t == owner) {
          model.put(e.key(), v);
        }
      }
    }
    List<TableReader> readers = new ArrayList<>();
    List<InternalIterator> sources = new ArrayList<>();
    for (int t = 0; t < tables; t++) {
      Path path = dir.resolve(seed + "-" + t + ".sst");
      TableTestSupport.write(path, perTable.get(t), 200 + r.nextInt(800), 1 + r.nextInt(16), 10);
      TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, path, t + 1);
      readers.add(reader);
      sources.add(reader.iterator(false));
    }
    try (MergingIterator merged = new MergingIterator(sources)) {
      ModelWalk walk = ModelWalk.of(model);
      walk.checkForwardScan(merged);
      walk.checkBackwardScan(merged);
      walk.checkForwardScan(merged);
      // long forward runs (so the table iterators scan) broken by prev and seeks
      List<byte[]> keys = new ArrayList<>(model.keySet());
      for (int round = 0; round < 40; round++) {
        int pos = r.nextInt(keys.size());
        merged.seek(keys.get(pos));
        int steps = r.nextInt(400);
        for (int s = 0; s < steps && pos < keys.size(); s++) {
          walk.check(merged, pos, List.of("seed " + seed + " round " + round + " step " + s));
          if (r.nextInt(15) == 0 && pos > 0) {
            merged.prev();
            pos--;
          } else {
            merged.next();
            pos++;
          }
        }
      }
      walk.walk(merged, r, 3000, rr -> keys.get(rr.nextInt(keys.size())));
    } finally {
      readers.forEach(TableReader::release);
    }
    // A slice kept while OTHER sources move: the heap copy of source 0 must not change.
    List<TableReader> again = new ArrayList<>();
    try {
      List<InternalIterator> its = new ArrayList<>();
      for (int t = 0; t < tables; t++) {
        Path path = dir.resolve(seed + "-" + t + ".sst");
        TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, path, t + 1);
        again.add(reader);
        its.add(reader.iterator(false));
      }
      InternalIterator a = its.get(0);
      InternalIterator b = its.get(1);
      a.seekToFirst();
      b.seekToFirst();
      for (int i = 0; i < 200 && a.isValid(); i++) {
        a.next();
      }
      Slice ks = a.keySlice();
      Slice vs = a.valueSlice();
      byte[] k = ks.toArray();
      byte[] v = vs.toArray();
      for (; b.isValid(); b.next()) {
        b.valueSlice();
      }
      assertArrayEquals(k, ks.toArray());
      assertArrayEquals(v, vs.toArray());
    } finally {
      again.forEach(TableReader::release);
    }
  }
}
