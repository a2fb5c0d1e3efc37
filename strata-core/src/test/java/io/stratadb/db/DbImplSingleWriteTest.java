package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-thread batch behind {@code Db.put} and {@code Db.delete}: reused, left empty, and dropped when grown. */
class DbImplSingleWriteTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aThreadReusesOneBatchAndLeavesItEmpty() {
    try (DbImpl db = (DbImpl) Db.open(dir, Options.defaults())) {
      db.put(b("a"), b("1"));
      WriteBatch batch = db.writePath.singleWriteBatchForTest();
      db.delete(b("b"));
      db.put(b("c"), b("3"));
      assertSame(batch, db.writePath.singleWriteBatchForTest());
      assertEquals(0, batch.count());
    }
  }

  @Test
  void aWriteThatFailsAfterItsBatchWasFilledLeavesTheBatchEmpty() {
    try (DbImpl db = (DbImpl) Db.open(dir, Options.defaults())) {
      // null write options fail in submit, after the key and value went into the batch
      assertThrows(IllegalArgumentException.class, () -> db.put(b("a"), b("1"), null));
      assertEquals(0, db.writePath.singleWriteBatchForTest().count());
      assertThrows(IllegalArgumentException.class, () -> db.delete(b("a"), null));
      assertEquals(0, db.writePath.singleWriteBatchForTest().count());
    }
  }

  @Test
  void aBatchGrownByALargeValueIsDropped() {
    try (DbImpl db = (DbImpl) Db.open(dir, Options.defaults())) {
      db.put(b("small"), b("v"));
      WriteBatch before = db.writePath.singleWriteBatchForTest();
      byte[] large = new byte[100_000];
      large[99_999] = 9;
      db.put(b("large"), large);
      WriteBatch after = db.writePath.singleWriteBatchForTest();
      assertNotSame(before, after);
      assertTrue(after.capacityBytes() <= 64 << 10, "capacity " + after.capacityBytes());
      assertArrayEquals(large, db.get(b("large")));
    }
  }
}
