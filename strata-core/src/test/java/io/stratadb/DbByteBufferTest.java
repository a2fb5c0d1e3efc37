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

  /** The operations of {@code batch} as "key=value" strings. */
  private static java.util.List<String> entries(WriteBatch batch) {
    java.util.List<String> out = new java.util.ArrayList<>();
    batch.forEach(new WriteBatch.Handler() {
      @Override
      public void put(byte[] key, byte[] value) {
        out.add(s(key) + "=" + s(value));
      }

      @Override
      public void delete(byte[] key) {
        out.add(s(key) + " deleted");
      }
    });
    return out;
  }

  @Test
  void oneBufferAsKeyAndValueIsReadOnceForEachAndEndsAtItsLimit() {
    for (ByteBuffer buf : new ByteBuffer[] {ByteBuffer.wrap(b("[same]"), 1, 4), direct("[same]").position(1).limit(5)}) {
      WriteBatch batch = new WriteBatch().put(buf, buf);
      assertEquals(java.util.List.of("same=same"), entries(batch), "key and value both from position to limit");
      assertEquals(5, buf.position());
      assertEquals(5, buf.limit());
    }
    try (Db db = Db.open(dir)) {
      ByteBuffer buf = direct("both");
      db.put(buf, buf);
      assertEquals("both", s(db.get(b("both"))));
      assertEquals(4, buf.position());
    }
  }

  @Test
  void overlappingViewsOfOneBufferEachGiveTheirOwnRemainingBytes() {
    ByteBuffer whole = direct("keyvalue");
    ByteBuffer key = whole.duplicate().limit(5); // "keyva"
    ByteBuffer value = whole.duplicate().position(3); // "value"
    WriteBatch batch = new WriteBatch().put(key, value);
    assertEquals(java.util.List.of("keyva=value"), entries(batch));
    assertEquals(5, key.position());
    assertEquals(8, value.position());
    assertEquals(0, whole.position(), "the viewed buffer's own position does not move");
  }
}
