package io.stratadb.wal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.WriteBatch;
import io.stratadb.key.ValueType;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalBatchTest {

  private record Entry(long sequence, ValueType type, String key, byte[] value) {}

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<Entry> decode(byte[] record) {
    List<Entry> out = new ArrayList<>();
    WalBatch.decode(record, "f.log", 42, (seq, type, key, value) ->
        out.add(new Entry(seq, type, new String(key, UTF_8), value)));
    return out;
  }

  @Test
  void roundTripAssignsConsecutiveSequenceNumbers() {
    WriteBatch batch = new WriteBatch().put(b("a"), b("1")).delete(b("b")).put(b("c"), new byte[0])
        .put(new byte[0], b("empty key")).put(b("a"), b("2"));
    byte[] record = WalBatch.encode(100, batch);
    List<Entry> entries = new ArrayList<>();
    long last = WalBatch.decode(record, "f.log", 0, (seq, type, key, value) ->
        entries.add(new Entry(seq, type, new String(key, UTF_8), value)));
    assertEquals(104, last);
    assertEquals(5, entries.size());
    assertEquals(100, entries.get(0).sequence());
    assertEquals(ValueType.PUT, entries.get(0).type());
    assertEquals("a", entries.get(0).key());
    assertArrayEquals(b("1"), entries.get(0).value());
    assertEquals(101, entries.get(1).sequence());
    assertEquals(ValueType.DELETE, entries.get(1).type());
    assertEquals("b", entries.get(1).key());
    assertEquals(0, entries.get(1).value().length);
    assertEquals(ValueType.PUT, entries.get(2).type());
    assertArrayEquals(new byte[0], entries.get(2).value());
    assertEquals("", entries.get(3).key());
    assertArrayEquals(b("empty key"), entries.get(3).value());
    assertEquals(104, entries.get(4).sequence());
    assertArrayEquals(b("2"), entries.get(4).value());
  }

  @Test
  void headerIsSequenceThenCount() {
    byte[] record = WalBatch.encode(0x0102030405L, new WriteBatch().put(b("k"), b("v")).delete(b("k")));
    assertEquals(0x0102030405L, Coding.getFixed64(record, 0));
    assertEquals(2, Coding.getFixed32(record, 8));
    assertEquals(ValueType.PUT.code(), record[12]);
  }

  @Test
  void largeValuesRoundTrip() {
    byte[] big = new byte[200_000];
    new java.util.Random(1).nextBytes(big);
    List<Entry> entries = decode(WalBatch.encode(1, new WriteBatch().put(b("big"), big)));
    assertArrayEquals(big, entries.get(0).value());
  }

  @Test
  void emptyBatchDecodesToNothing() {
    List<Entry> entries = decode(WalBatch.encode(7, new WriteBatch()));
    assertTrue(entries.isEmpty());
  }

  private static void assertCorrupt(byte[] record) {
    List<Entry> applied = new ArrayList<>();
    CorruptionException e = assertThrows(CorruptionException.class, () ->
        WalBatch.decode(record, "000005.log", 1234, (seq, type, key, value) ->
            applied.add(new Entry(seq, type, new String(key, UTF_8), value))));
    assertEquals("000005.log", e.file());
    assertEquals(1234, e.offset());
    assertTrue(applied.isEmpty(), "a malformed record applies nothing");
  }

  @Test
  void truncatedRecordIsCorruption() {
    byte[] record = WalBatch.encode(1, new WriteBatch().put(b("key"), b("value")).put(b("k2"), b("v2")));
    for (int len = 0; len < record.length; len++) {
      assertCorrupt(java.util.Arrays.copyOf(record, len));
    }
  }

  @Test
  void trailingBytesAreCorruption() {
    byte[] record = WalBatch.encode(1, new WriteBatch().put(b("k"), b("v")));
    assertCorrupt(java.util.Arrays.copyOf(record, record.length + 1));
  }

  @Test
  void unknownEntryTypeIsCorruption() {
    byte[] record = WalBatch.encode(1, new WriteBatch().put(b("k"), b("v")));
    record[12] = 7;
    assertCorrupt(record);
  }

  @Test
  void countLargerThanTheEntriesIsCorruption() {
    byte[] record = WalBatch.encode(1, new WriteBatch().put(b("k"), b("v")));
    Coding.putFixed32(record, 8, 2);
    assertCorrupt(record);
    Coding.putFixed32(record, 8, -1);
    assertCorrupt(record);
    Coding.putFixed32(record, 8, Integer.MAX_VALUE);
    assertCorrupt(record);
  }

  @Test
  void keyLengthPastTheEndIsCorruption() {
    byte[] record = new ByteSink(0).putFixed64(1).putFixed32(1).put(1).putVarint64(1000).put(b("k"))
        .toByteArray();
    assertCorrupt(record);
  }

  /** Regression: ByteSource's overflowing bounds check let this allocate new byte[Integer.MAX_VALUE]. */
  @Test
  void hugeKeyLengthIsCorruptionNotOutOfMemory() {
    byte[] record = new ByteSink(0).putFixed64(1).putFixed32(1).put(1).putVarint64(Integer.MAX_VALUE)
        .toByteArray();
    try {
      assertCorrupt(record);
    } catch (OutOfMemoryError e) {
      org.junit.jupiter.api.Assertions.fail("OutOfMemoryError instead of CorruptionException: " + e);
    }
  }
}
