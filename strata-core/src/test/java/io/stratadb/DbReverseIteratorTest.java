package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reverse iteration over a database whose data spans the memtable, L0 and several tables per
 * deeper level, so every source (memtable, table, level, both merges) moves backward together.
 */
class DbReverseIteratorTest {
  private static final int KEYS = 3000;

  @TempDir Path dir;

  /** Fills three layers: all keys compacted into levels, a third overwritten in L0, some in the memtable. */
  private static TreeMap<String, String> fill(Db db) {
    TreeMap<String, String> model = new TreeMap<>();
    String padding = "-".repeat(100);
    for (int i = 0; i < KEYS; i++) {
      db.put(key(i), b("base-" + i + padding));
      model.put(s(key(i)), "base-" + i + padding);
    }
    db.compactRange();
    for (int i = 0; i < KEYS; i += 3) {
      db.put(key(i), b("l0-" + i));
      model.put(s(key(i)), "l0-" + i);
    }
    for (int i = 1; i < KEYS; i += 7) {
      db.delete(key(i));
      model.remove(s(key(i)));
    }
    db.flush();
    for (int i = 0; i < KEYS; i += 5) {
      db.put(key(i), b("mem-" + i));
      model.put(s(key(i)), "mem-" + i);
    }
    for (int i = 2; i < KEYS; i += 11) {
      db.delete(key(i));
      model.remove(s(key(i)));
    }
    return model;
  }

  private static Options options() {
    return TestKeys.smallOptions().toBuilder().compression(Compression.NONE)
        .compactionStrategy(TestKeys.leveled(4)).build();
  }

  @Test
  void backwardScanIsTheForwardScanReversedAcrossAllLayers() {
    try (Db db = Db.open(dir, options())) {
      TreeMap<String, String> model = fill(db);
      assertTrue(db.stats().levels().stream().anyMatch(l -> l.files() > 3), "a level with several tables");
      assertTrue(db.stats().levels().get(0).files() > 0, "an L0 table");
      List<String> expected = new ArrayList<>();
      model.forEach((k, v) -> expected.add(k + "=" + v));
      try (DbIterator it = db.newIterator()) {
        List<String> forward = new ArrayList<>();
        for (it.seekToFirst(); it.isValid(); it.next()) {
          forward.add(s(it.key()) + "=" + s(it.value()));
        }
        List<String> backward = new ArrayList<>();
        for (it.seekToLast(); it.isValid(); it.prev()) {
          backward.add(s(it.key()) + "=" + s(it.value()));
        }
        Collections.reverse(backward);
        assertEquals(expected, forward);
        assertEquals(expected, backward);
      }
    }
  }

  @Test
  void seekForPrevAndDirectionSwitchesAtEveryKeyWithBounds() {
    try (Db db = Db.open(dir, options())) {
      TreeMap<String, String> all = fill(db);
      Bound lower = Bound.exclusive(key(100));
      Bound upper = Bound.inclusive(key(2900));
      List<String> keys = new ArrayList<>(all.subMap(s(key(100)), false, s(key(2900)), true).keySet());
      try (DbIterator it = db.scan(lower, upper)) {
        for (int i = 0; i < keys.size(); i += 7) {
          it.seekForPrev(b(keys.get(i)));
          assertEquals(keys.get(i), s(it.key()));
          assertEquals(all.get(keys.get(i)), s(it.value()));
          it.prev();
          if (i > 0) {
            assertEquals(keys.get(i - 1), s(it.key()), "prev of " + keys.get(i));
            it.next();
            it.next();
            assertEquals(i + 1 < keys.size() ? keys.get(i + 1) : null, it.isValid() ? s(it.key()) : null);
          } else {
            assertFalse(it.isValid(), "the lower bound ends the backward scan");
          }
          it.seekForPrev(b(keys.get(i) + "x")); // between this key and the next
          assertEquals(keys.get(i), s(it.key()));
        }
        it.seekForPrev(key(5000));
        assertEquals(keys.get(keys.size() - 1), s(it.key()), "clamped to the upper bound");
        it.seekForPrev(key(100));
        assertFalse(it.isValid(), "at the exclusive lower bound");
        it.seekToLast();
        assertEquals(keys.get(keys.size() - 1), s(it.key()));
      }
    }
  }

  @Test
  void prevMisuseThrows() {
    try (Db db = Db.open(dir, options())) {
      db.put(b("a"), b("1"));
      DbIterator it = db.newIterator();
      assertThrows(IllegalStateException.class, it::prev, "unpositioned");
      it.seekToFirst();
      it.prev();
      assertFalse(it.isValid());
      assertThrows(IllegalStateException.class, it::prev, "before the first key");
      it.seekForPrev(b("b"));
      assertArrayEquals(b("1"), it.value());
      it.close();
      assertThrows(IllegalStateException.class, it::prev, "after close");
      assertThrows(IllegalStateException.class, it::seekToLast);
      assertThrows(IllegalStateException.class, () -> it.seekForPrev(b("a")));
      DbIterator open = db.newIterator();
      assertThrows(IllegalArgumentException.class, () -> open.seekForPrev(null));
      db.close();
      assertThrows(DbClosedException.class, open::seekToLast);
      open.close();
    }
  }
}
