package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbSnapshotTest {
  @TempDir Path dir;

  @Test
  void snapshotReadsStayStableThroughWritesFlushesAndCompactions() {
    Options options = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(2)).build();
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < 1000; i++) {
        db.put(key(i), b("v1"));
      }
      db.delete(key(7));
      try (Snapshot snapshot = db.getSnapshot()) {
        ReadOptions at = ReadOptions.snapshot(snapshot);
        for (int round = 2; round <= 6; round++) {
          for (int i = 0; i < 1000; i++) {
            db.put(key(i), b("v" + round));
          }
          db.delete(key(8));
          db.flush();
        }
        db.compactRange();
        assertTrue(db.stats().compactionCount() > 0);
        assertEquals("v1", s(db.get(key(500), at)));
        assertNull(db.get(key(7), at));
        assertEquals("v1", s(db.get(key(8), at)), "a later delete is invisible at the snapshot");
        assertEquals("v6", s(db.get(key(500))));
        assertNull(db.get(key(8)));
        int count = 0;
        try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded(), at)) {
          for (; it.isValid(); it.next()) {
            assertEquals("v1", s(it.value()));
            count++;
          }
        }
        assertEquals(999, count);
      }
    }
  }

  @Test
  void versionsAreCollectedOnceNoSnapshotNeedsThem() {
    Options options = TestKeys.smallOptions().toBuilder().compression(Compression.NONE).build();
    try (Db db = Db.open(dir, options)) {
      byte[] value = new byte[200];
      for (int i = 0; i < 1000; i++) {
        db.put(key(i), value);
      }
      Snapshot snapshot = db.getSnapshot();
      for (int round = 0; round < 9; round++) {
        for (int i = 0; i < 1000; i++) {
          db.put(key(i), value);
        }
      }
      db.compactRange();
      long withSnapshot = db.stats().totalTableBytes();
      assertTrue(withSnapshot > 2 * 1000 * 200, "the snapshot keeps a second version: " + withSnapshot);
      snapshot.close();
      db.compactRange();
      long after = db.stats().totalTableBytes();
      assertTrue(after < 1.3 * 1000 * 220, "one version per key: " + after);
    }
  }

  @Test
  void compactionKeepsOneVersionPerLiveSnapshotNotEverythingAboveTheOldest() {
    Options options = TestKeys.smallOptions().toBuilder().compression(Compression.NONE).build();
    try (Db db = Db.open(dir, options)) {
      Snapshot[] snapshots = new Snapshot[2];
      for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 1000; i++) {
          byte[] value = new byte[200];
          value[0] = (byte) round;
          db.put(key(i), value);
        }
        if (round == 0 || round == 4) {
          snapshots[round / 4] = db.getSnapshot();
        }
      }
      db.compactRange();
      for (int i = 0; i < 1000; i += 97) {
        assertEquals(0, db.get(key(i), ReadOptions.snapshot(snapshots[0]))[0]);
        assertEquals(4, db.get(key(i), ReadOptions.snapshot(snapshots[1]))[0]);
        assertEquals(9, db.get(key(i))[0]);
      }
      // Rounds 0, 4 and 9 survive; LevelDB would keep all ten (everything above the oldest).
      long bytes = db.stats().totalTableBytes();
      assertTrue(bytes > 3 * 1000 * 200 && bytes < 3.5 * 1000 * 220, "three versions per key: " + bytes);
      snapshots[0].close();
      snapshots[1].close();
    }
  }

  @Test
  void foreignAndClosedSnapshotsAreRejected() {
    try (Db db = Db.open(dir.resolve("a"), Options.defaults());
        Db other = Db.open(dir.resolve("b"), Options.defaults())) {
      db.put(b("k"), b("v"));
      Snapshot foreign = other.getSnapshot();
      assertThrows(IllegalArgumentException.class, () -> db.get(b("k"), ReadOptions.snapshot(foreign)));
      Snapshot snapshot = db.getSnapshot();
      assertEquals(1, snapshot.sequence());
      snapshot.close();
      snapshot.close();
      assertThrows(IllegalStateException.class, () -> db.get(b("k"), ReadOptions.snapshot(snapshot)));
      assertThrows(IllegalArgumentException.class, () -> ReadOptions.snapshot(null));
      foreign.close();
    }
  }
}
