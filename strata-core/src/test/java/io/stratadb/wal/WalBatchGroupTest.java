package io.stratadb.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    WalBatch.Encoder encoder = new WalBatch.Encoder();
    WriteBatch big = new WriteBatch().put(b("a-long-key"), new byte[300]).delete(b("zz"));
    encoder.begin(sink, 5, big.count());
    encoder.append(big);
    assertArrayEquals(WalBatch.encode(5, big), java.util.Arrays.copyOf(sink.array(), sink.size()));
    WriteBatch small = new WriteBatch().put(b("k"), b("v"));
    encoder.begin(sink, 9, 2);
    encoder.append(small);
    encoder.append(small);
    assertArrayEquals(WalBatch.encode(9, List.of(small, small)), java.util.Arrays.copyOf(sink.array(), sink.size()));
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
