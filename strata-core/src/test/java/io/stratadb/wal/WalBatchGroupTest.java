package io.stratadb.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalBatchGroupTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aCommitGroupIsOneRecordWithConsecutiveSequencesInBatchOrder() {
    WriteBatch first = new WriteBatch().put(b("a"), b("1")).delete(b("b"));
    WriteBatch second = new WriteBatch().put(b("c"), b(""));
    WriteBatch third = new WriteBatch().put(b("a"), b("2"));
    byte[] record = WalBatch.encode(100, List.of(first, second, third));
    List<String> decoded = new ArrayList<>();
    long last = WalBatch.decode(record, "test.log", 0, (seq, type, key, value) ->
        decoded.add(seq + ":" + type + ":" + new String(key, StandardCharsets.UTF_8) + "="
            + new String(value, StandardCharsets.UTF_8)));
    assertEquals(List.of("100:PUT:a=1", "101:DELETE:b=", "102:PUT:c=", "103:PUT:a=2"), decoded);
    assertEquals(103, last);
  }

  @Test
  void encodingIntoAReusedSinkForgetsTheEarlierRecord() {
    io.stratadb.util.ByteSink sink = new io.stratadb.util.ByteSink(4);
    WalBatchEncoder encoder = new WalBatchEncoder();
    WriteBatch big = new WriteBatch().put(b("a-long-key"), new byte[300]).delete(b("zz"));
    encoder.begin(sink, 5);
    encoder.append(big);
    assertEquals(2, encoder.finish());
    byte[] first = java.util.Arrays.copyOf(sink.array(), sink.size());
    assertEquals(12 + (1 + 1 + 10 + 2 + 300) + (1 + 1 + 2), first.length);
    assertArrayEquals(new byte[] {1, 10, 'a', '-', 'l'}, java.util.Arrays.copyOfRange(first, 12, 17));
    assertArrayEquals(new byte[] {(byte) 0xac, 0x02}, java.util.Arrays.copyOfRange(first, 24, 26), "300 as a varint");
    WriteBatch small = new WriteBatch().put(b("k"), b("v"));
    encoder.begin(sink, 9);
    encoder.append(small);
    encoder.append(small);
    assertEquals(2, encoder.finish());
    assertArrayEquals(new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 1, 'k', 1, 'v', 1, 1, 'k', 1, 'v'},
        java.util.Arrays.copyOf(sink.array(), sink.size()));
  }

  @Test
  void theEncoderCountsEntriesAndRefusesUseOutsideARecord() {
    WalBatchEncoder encoder = new WalBatchEncoder();
    assertThrows(IllegalStateException.class, () -> encoder.append(new WriteBatch()));
    assertThrows(IllegalStateException.class, encoder::finish);
    io.stratadb.util.ByteSink sink = new io.stratadb.util.ByteSink(16);
    encoder.begin(sink, 1);
    encoder.append(new WriteBatch());
    assertEquals(0, encoder.finish());
    assertThrows(IllegalStateException.class, encoder::finish, "finish lets go of the buffer");
    assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(sink.array(), sink.size()));
  }

  @Test
  void theRecordBytesAreTheDocumentedFormat() {
    WriteBatch batch = new WriteBatch().put(b("ab"), b("xyz")).delete(b("c"));
    byte[] expected = {
        7, 0, 0, 0, 0, 0, 0, 0, // sequence, fixed64 little-endian
        2, 0, 0, 0, // count, fixed32
        1, 2, 'a', 'b', 3, 'x', 'y', 'z', // put: type, key length, key, value length, value
        0, 1, 'c'}; // delete: type, key length, key
    assertArrayEquals(expected, WalBatch.encode(7, batch));
  }
}
