package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchWriterTest {

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void writesFullBatchesAndHoldsThePartialOneUntilFlush() {
    try (Db db = Db.open(dir, Options.defaults())) {
      BatchWriter w = new BatchWriter(db, 2, WriteOptions.defaults());
      w.put(b("a"), b("1"));
      assertEquals(0, w.written());
      assertNull(db.get(b("a")), "pending, not yet written");
      w.put(b("b"), b("22"));
      assertEquals(2, w.written());
      assertEquals(5, w.writtenBytes());
      assertArrayEquals(b("1"), db.get(b("a")));
      w.delete(b("a"));
      assertArrayEquals(b("1"), db.get(b("a")));
      w.flush();
      assertEquals(3, w.written());
      assertEquals(6, w.writtenBytes());
      assertNull(db.get(b("a")));
      w.flush();
      assertEquals(3, w.written(), "flushing nothing writes nothing");
    }
  }

  @Test
  void batchSizeMustBePositive() {
    try (Db db = Db.open(dir, Options.defaults())) {
      assertThrows(IllegalArgumentException.class, () -> new BatchWriter(db, 0, WriteOptions.defaults()));
    }
  }
}
