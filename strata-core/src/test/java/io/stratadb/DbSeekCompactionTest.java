package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LevelDB's seek compaction through the DB: lookups that read a table in vain compact it away. */
class DbSeekCompactionTest {
  @TempDir Path tmp;

  private static byte[] key(int i) {
    return String.format("key%06d", i).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] value(int i) {
    return ("value" + i).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Two overlapping L0 tables (even keys, then odd keys), below the L0 trigger of 4 and without
   * bloom filters, so every lookup of an even key reads the newer table in vain first.
   */
  private static Db twoOverlappingTables(Path dir, boolean seekCompaction) {
    Options options = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(4))
        .writeBufferSize(4 << 20).bloomBitsPerKey(0).seekCompaction(seekCompaction).build();
    Db db = Db.open(dir, options);
    for (int parity = 0; parity < 2; parity++) {
      for (int i = parity; i < 2000; i += 2) {
        db.put(key(i), value(i));
      }
      db.flush();
    }
    assertEquals(2, db.stats().levels().get(0).files());
    return db;
  }

  @Test
  void lookupsThatReadTheNewerTableInVainCompactLevel0() {
    try (Db db = twoOverlappingTables(tmp, true)) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 2000; i += 2) {
          assertArrayEquals(value(i), db.get(key(i)));
        }
      }
      DbApiTest.waitFor(() -> db.stats().levels().get(0).files() == 0);
      assertTrue(db.stats().compactionCount() > 0);
      for (int i = 0; i < 2000; i++) {
        assertArrayEquals(value(i), db.get(key(i)), "key " + i + " after the seek compaction");
      }
    }
  }

  @Test
  void withSeekCompactionOffLevel0StaysAsItIs() throws InterruptedException {
    try (Db db = twoOverlappingTables(tmp, false)) {
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 2000; i += 2) {
          assertArrayEquals(value(i), db.get(key(i)));
        }
      }
      Thread.sleep(200); // a compaction, had one been wanted, would have been picked by now
      assertEquals(2, db.stats().levels().get(0).files());
      assertEquals(0, db.stats().compactionCount());
    }
  }
}
