package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch's own bookkeeping: order, counts, copies, growth and reuse after clear. */
class WriteBatchTest {

  /** The batch's operations as strings: "p key=value" or "d key". */
  private static List<String> ops(WriteBatch batch) {
    List<String> out = new ArrayList<>();
    batch.forEach(new WriteBatch.Handler() {
      @Override
      public void put(byte[] key, byte[] value) {
        out.add("p " + new String(key) + "=" + new String(value));
      }

      @Override
      public void delete(byte[] key) {
        out.add("d " + new String(key));
      }
    });
    return out;
  }

  @Test
  void manyOperationsKeepTheirOrderThroughGrowth() {
    WriteBatch batch = new WriteBatch();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      if (i % 3 == 0) {
        batch.delete(("k" + i).getBytes());
        expected.add("d k" + i);
      } else {
        batch.put(("k" + i).getBytes(), ("v" + i).getBytes());
        expected.add("p k" + i + "=v" + i);
      }
    }
    assertEquals(expected, ops(batch));
    assertEquals(100, batch.count());
    assertEquals(34, batch.deleteCount());
  }

  @Test
  void keysAndValuesAreCopiedWhenAdded() {
    WriteBatch batch = new WriteBatch();
    byte[] key = "k".getBytes();
    byte[] value = "v".getBytes();
    batch.put(key, value);
    key[0] = 'x';
    value[0] = 'y';
    assertEquals(List.of("p k=v"), ops(batch));
  }

  @Test
  void clearEmptiesTheBatchForReuse() {
    WriteBatch batch = new WriteBatch().put("a".getBytes(), "1".getBytes()).delete("b".getBytes());
    batch.clear();
    assertEquals(0, batch.count());
    assertEquals(0, batch.deleteCount());
    assertEquals(0, batch.approximateSizeInBytes());
    assertEquals(List.of(), ops(batch));
    batch.put("c".getBytes(), new byte[0]);
    assertEquals(List.of("p c="), ops(batch));
  }

  @Test
  void viewsShowTheBatchArrayWithoutCopies() {
    WriteBatch batch = new WriteBatch().put("key".getBytes(), "value".getBytes()).delete("gone".getBytes())
        .put("e".getBytes(), new byte[0]);
    List<String> out = new ArrayList<>();
    byte[][] arrays = new byte[3][];
    batch.forEach(new WriteBatch.View() {
      @Override
      public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        arrays[out.size()] = buf;
        out.add("p " + new String(buf, keyOffset, keyLength) + "=" + new String(buf, valueOffset, valueLength));
      }

      @Override
      public void delete(byte[] buf, int keyOffset, int keyLength) {
        arrays[out.size()] = buf;
        out.add("d " + new String(buf, keyOffset, keyLength));
      }
    });
    assertEquals(List.of("p key=value", "d gone", "p e="), out);
    assertSame(arrays[0], arrays[1]);
    assertSame(arrays[0], arrays[2]);
  }

  @Test
  void handlersGetFreshCopiesTheyMayKeep() {
    WriteBatch batch = new WriteBatch().put("k".getBytes(), "v".getBytes());
    List<byte[]> seen = new ArrayList<>();
    WriteBatch.Handler keep = new WriteBatch.Handler() {
      @Override
      public void put(byte[] key, byte[] value) {
        seen.add(key);
        key[0] = 'x'; // must not reach the batch
      }

      @Override
      public void delete(byte[] key) {
        seen.add(key);
      }
    };
    batch.forEach(keep);
    batch.forEach(keep);
    assertNotSame(seen.get(0), seen.get(1));
    assertEquals(List.of("p k=v"), ops(batch));
  }

  @Test
  void aClearedBatchReusesItsArray() {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < 10; i++) {
      batch.put(("key" + i).getBytes(), new byte[100]);
    }
    int capacity = batch.capacityBytes();
    assertTrue(capacity >= 10 * (4 + 100));
    batch.clear();
    for (int i = 0; i < 10; i++) {
      batch.put(("key" + i).getBytes(), new byte[100]);
    }
    assertEquals(capacity, batch.capacityBytes());
    assertEquals(10, batch.count());
  }

  @Test
  void nullsAreRejected() {
    WriteBatch batch = new WriteBatch();
    assertThrows(NullPointerException.class, () -> batch.put(null, new byte[0]));
    assertThrows(NullPointerException.class, () -> batch.put(new byte[0], null));
    assertThrows(NullPointerException.class, () -> batch.delete(null));
    assertEquals(0, batch.count());
  }
}
