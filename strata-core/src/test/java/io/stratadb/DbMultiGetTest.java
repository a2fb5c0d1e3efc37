package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Db#multiGet} against a sorted-map model, across memtables, L0 and deeper levels. */
class DbMultiGetTest {
  @TempDir Path dir;

  private static TreeMap<String, byte[]> copyOf(TreeMap<String, byte[]> model) {
    return new TreeMap<>(model);
  }

  /** Random keys (present, deleted, never written, duplicated) in random order. */
  private static List<byte[]> probe(Random random, int keySpace) {
    List<byte[]> keys = new ArrayList<>();
    int n = random.nextInt(60);
    for (int i = 0; i < n; i++) {
      keys.add(key(random.nextInt(keySpace + keySpace / 4)));
    }
    if (!keys.isEmpty() && random.nextBoolean()) {
      keys.add(keys.get(random.nextInt(keys.size()))); // a duplicate
    }
    return keys;
  }

  private static void check(Db db, List<byte[]> keys, TreeMap<String, byte[]> model, ReadOptions options) {
    List<byte[]> values = db.multiGet(keys, options);
    assertEquals(keys.size(), values.size());
    for (int i = 0; i < keys.size(); i++) {
      byte[] expected = model.get(new String(keys.get(i), java.nio.charset.StandardCharsets.UTF_8));
      String what = "key " + new String(keys.get(i), java.nio.charset.StandardCharsets.UTF_8) + " at " + i;
      if (expected == null) {
        assertNull(values.get(i), what);
      } else {
        assertArrayEquals(expected, values.get(i), what);
      }
      // and the same as a point lookup
      byte[] single = db.get(keys.get(i), options);
      assertEquals(single == null, values.get(i) == null, what);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void matchesTheModelAtTheHeadAndAtSnapshots(long seed) {
    Random random = new Random(seed);
    int keySpace = 3000;
    TreeMap<String, byte[]> model = new TreeMap<>();
    List<Snapshot> snapshots = new ArrayList<>();
    List<TreeMap<String, byte[]>> snapshotModels = new ArrayList<>();
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      for (int round = 0; round < 8; round++) {
        for (int i = 0; i < 1500; i++) {
          int k = random.nextInt(keySpace);
          String name = new String(key(k), java.nio.charset.StandardCharsets.UTF_8);
          if (random.nextInt(5) == 0) {
            db.delete(key(k));
            model.remove(name);
          } else {
            byte[] value = b("v" + round + "-" + i + "-" + "x".repeat(random.nextInt(40)));
            db.put(key(k), value);
            model.put(name, value);
          }
        }
        if (round % 3 == 1) {
          db.flush();
        }
        if (round == 5) {
          db.compactRange();
        }
        if (random.nextBoolean()) {
          snapshots.add(db.getSnapshot());
          snapshotModels.add(copyOf(model));
        }
        for (int p = 0; p < 5; p++) {
          check(db, probe(random, keySpace), model, ReadOptions.defaults());
        }
      }
      for (int i = 0; i < snapshots.size(); i++) {
        for (int p = 0; p < 5; p++) {
          check(db, probe(random, keySpace), snapshotModels.get(i), ReadOptions.snapshot(snapshots.get(i)));
        }
      }
      snapshots.forEach(Snapshot::close);
    }
  }

  @Test
  void resultFollowsTheInputOrderWithNullForMissingAndDeleted() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      db.put(b("b"), b("2"));
      db.put(b("a"), b("1"));
      db.put(b("c"), b("3"));
      db.flush();
      db.delete(b("c"));
      db.put(b("e"), new byte[0]);
      List<byte[]> values = db.multiGet(List.of(b("c"), b("b"), b("zz"), b("a"), b("b"), b("e")));
      assertNull(values.get(0), "deleted after the flush");
      assertArrayEquals(b("2"), values.get(1));
      assertNull(values.get(2), "never written");
      assertArrayEquals(b("1"), values.get(3));
      assertArrayEquals(b("2"), values.get(4), "a duplicate gets its own answer");
      assertArrayEquals(new byte[0], values.get(5), "an empty value is present");
      assertEquals(List.of(), db.multiGet(List.of()));
    }
  }

  @Test
  void returnedArraysBelongToTheCaller() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      db.put(b("a"), b("1"));
      db.multiGet(List.of(b("a"))).get(0)[0] = 'x';
      assertArrayEquals(b("1"), db.get(b("a")));
    }
  }

  @Test
  void nullInputAndClosedDatabaseAreRejected() {
    Db db = Db.open(dir, TestKeys.smallOptions());
    assertThrows(IllegalArgumentException.class, () -> db.multiGet(null));
    assertThrows(IllegalArgumentException.class, () -> db.multiGet(Arrays.asList(b("a"), null)));
    assertThrows(IllegalArgumentException.class, () -> db.multiGet(List.of(b("a")), null));
    db.close();
    assertThrows(DbClosedException.class, () -> db.multiGet(List.of(b("a"))));
  }
}
