package io.stratadb.sstable;

import static io.stratadb.sstable.TableTestSupport.put;
import static io.stratadb.sstable.TableTestSupport.userKey;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.sstable.TableTestSupport.Entry;
import io.stratadb.util.Slice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table iterators opened and closed on one thread re-point the block iterators (and heap copy
 * buffers) the closed ones leave behind: many live iterators over two mapped tables, more than
 * the spares kept, each checked after every open, close and step, so a block iterator handed to
 * two live table iterators at once would show as one of them reading the other's entries.
 */
class TableIteratorSpareTest {
  @TempDir Path dir;

  /** A live iterator and where it should be: index into its table's entries. */
  private record Live(InternalIterator it, List<Entry> entries, int[] position) {}

  @Test
  void liveIteratorsNeverShareABlockIterator() throws Exception {
    Random r = new Random(42);
    List<List<Entry>> tables = new ArrayList<>();
    List<TableReader> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        byte[] v = new byte[20 + r.nextInt(100)];
        r.nextBytes(v);
        entries.add(put(userKey(2 * i + t), 1, v));
      }
      Path path = dir.resolve(t + ".sst");
      TableTestSupport.write(path, entries, 1024, 16, 10);
      tables.add(entries);
      readers.add(TableReader.open(LocalFileSystem.INSTANCE, path, t + 1));
    }
    List<Live> live = new ArrayList<>();
    try {
      for (int op = 0; op < 5000; op++) {
        int choice = r.nextInt(10);
        if (live.isEmpty() || (choice < 3 && live.size() < 8)) {
          int t = r.nextInt(2);
          InternalIterator it = readers.get(t).iterator(false);
          List<Entry> entries = tables.get(t);
          int target = r.nextInt(entries.size());
          it.seek(entries.get(target).key());
          live.add(new Live(it, entries, new int[] {target}));
        } else if (choice < 5) {
          live.remove(r.nextInt(live.size())).it().close();
        } else {
          Live l = live.get(r.nextInt(live.size()));
          if (l.position()[0] < l.entries().size()) {
            l.it().next();
            l.position()[0]++;
          }
        }
        for (Live l : live) {
          check(l, op);
        }
      }
    } finally {
      live.forEach(l -> l.it().close());
    }
  }

  private static void check(Live l, int op) {
    int p = l.position()[0];
    if (p == l.entries().size()) {
      assertFalse(l.it().isValid(), "past the end, op " + op);
      return;
    }
    assertTrue(l.it().isValid(), "op " + op);
    Entry expected = l.entries().get(p);
    Slice key = l.it().keySlice();
    assertArrayEquals(expected.key(), Arrays.copyOfRange(key.array(), key.offset(), key.offset() + key.length()),
        "key at op " + op);
    assertEquals(Arrays.toString(expected.value()), Arrays.toString(l.it().value()), "value at op " + op);
  }
}
