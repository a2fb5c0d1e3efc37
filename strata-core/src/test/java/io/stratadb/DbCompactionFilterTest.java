package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TTL filter through the DB: values carry an expiry time in their first 8 bytes. */
class DbCompactionFilterTest {
  @TempDir Path dir;

  private static byte[] expiringAt(long time, String payload) {
    byte[] p = b(payload);
    return ByteBuffer.allocate(8 + p.length).putLong(time).put(p).array();
  }

  @Test
  void ttlFilterDropsExpiredValuesButNotWhatASnapshotSees() {
    AtomicLong now = new AtomicLong(100);
    CompactionFilter ttl = (level, k, value) ->
        ByteBuffer.wrap(value).getLong() < now.get() ? CompactionFilter.Decision.REMOVE : CompactionFilter.Decision.KEEP;
    Options options = TestKeys.smallOptions().toBuilder().compactionFilter(ttl).build();
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < 200; i++) {
        db.put(key(i), b("old"));
      }
      db.flush();
      for (int i = 0; i < 200; i++) {
        db.put(key(i), expiringAt(i < 100 ? 50 : 500, "v" + i)); // the first half expire at 50
      }
      Snapshot snapshot = db.getSnapshot();
      db.put(key(0), expiringAt(50, "after the snapshot"));
      db.compactRange();
      assertNull(db.get(key(0)), "expired, and the tombstone hides the older 'old' value");
      assertTrue(s(db.get(key(99))).endsWith("v99"), "the snapshot sees this version: not filtered yet");
      assertEquals(500, ByteBuffer.wrap(db.get(key(100))).getLong());
      assertTrue(s(db.get(key(0), ReadOptions.snapshot(snapshot))).endsWith("v0"),
          "the snapshot still reads the version it saw");
      assertTrue(s(db.get(key(99), ReadOptions.snapshot(snapshot))).endsWith("v99"));
      snapshot.close();
      db.compactRange();
      assertNull(db.get(key(99)), "now filtered for good");
      int live = 0;
      try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
        for (; it.isValid(); it.next()) {
          live++;
        }
      }
      assertEquals(100, live);
    }
  }
}
