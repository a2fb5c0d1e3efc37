package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Db#put(ByteBuffer, ByteBuffer)} and {@link WriteBatch#put(ByteBuffer, ByteBuffer)}. */
class DbByteBufferTest {
  @TempDir Path dir;

  private static ByteBuffer direct(String text) {
    byte[] bytes = b(text);
    return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
  }

  @Test
  void putStoresTheRemainingBytesOfDirectAndHeapBuffersAndAdvancesThem() {
    try (Db db = Db.open(dir)) {
      ByteBuffer key = direct("[key1]").position(1).limit(5);
      ByteBuffer value = ByteBuffer.wrap(b("xxvalue1yy"), 2, 6);
      db.put(key, value);
      assertEquals("value1", s(db.get(b("key1"))));
      assertEquals(5, key.position(), "advanced to the limit");
      assertEquals(8, value.position());
      assertEquals(1, db.stats().operations().puts());
      assertEquals(1, db.stats().operations().batchWrites(), "counted as a one-operation write batch");

      db.put(direct("empty"), ByteBuffer.allocate(0), WriteOptions.syncWrites());
      assertEquals(0, db.get(b("empty")).length, "an empty buffer is an empty value");
    }
  }

  @Test
  void aRefusedPutLeavesTheBuffersWhereTheyWere() {
    Options options = Options.builder().maxKeySize(4).build();
    try (Db db = Db.open(dir, options)) {
      ByteBuffer key = direct("too-long");
      ByteBuffer value = direct("v");
      assertThrows(IllegalArgumentException.class, () -> db.put(key, value));
      assertEquals(0, key.position());
      assertEquals(0, value.position());
      assertNull(db.get(b("too-long")));
      assertThrows(IllegalArgumentException.class, () -> db.put(null, value));
    }
  }

  @Test
  void aBatchTakesBuffersBesideArraysInOrder() {
    try (Db db = Db.open(dir)) {
      ByteBuffer key = direct("k");
      WriteBatch batch = new WriteBatch().put(b("k"), b("1")).put(key, direct("2")).put(b("j"), b("3"));
      assertEquals(3, batch.count());
      assertEquals(0, key.remaining(), "the batch consumed the buffer");
      db.write(batch);
      assertEquals("2", s(db.get(b("k"))), "the later put of the batch wins");
      assertEquals("3", s(db.get(b("j"))));
    }
  }
}
