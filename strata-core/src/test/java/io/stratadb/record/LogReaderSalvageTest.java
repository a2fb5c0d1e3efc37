package io.stratadb.record;

import static io.stratadb.record.LogFormat.BLOCK_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A salvaging {@link LogReader} skips damaged records in the middle, reports them, and reads the rest. */
class LogReaderSalvageTest {
  /** Small records, a record of four fragments, and small records after it. */
  private static final int[] SIZES = {10, 200, 30, 100_000, 40, 50, 60};

  record Skip(long offset, long length, String reason) {}

  private static List<byte[]> salvage(byte[] data, List<Skip> skips) throws IOException {
    LogReader reader = new LogReader(MemoryFile.readable(data), "s.log",
        (offset, length, reason) -> skips.add(new Skip(offset, length, reason)));
    List<byte[]> out = new ArrayList<>();
    byte[] r;
    while ((r = reader.readRecord()) != null) {
      out.add(r);
    }
    assertNull(reader.readRecord());
    return out;
  }

  @Test
  void damagedRecordsInTheMiddleAreSkippedAndReported() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(11, SIZES);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    byte[] data = LogTestSupport.write(records);
    data[(int) spans.get(1).start() + 20] ^= 0x01; // record 1's payload
    data[(int) spans.get(3).start() + BLOCK_SIZE] ^= 0x01; // the big record's second fragment
    List<Skip> skips = new ArrayList<>();
    List<byte[]> read = salvage(data, skips);
    assertEquals(5, read.size());
    int[] kept = {0, 2, 4, 5, 6};
    for (int i = 0; i < kept.length; i++) {
      assertArrayEquals(records.get(kept[i]), read.get(i), "record " + kept[i]);
    }
    assertEquals(2, skips.size(), skips.toString());
    assertEquals(spans.get(1).start(), skips.get(0).offset());
    assertEquals(spans.get(2).start() - spans.get(1).start(), skips.get(0).length());
    assertEquals(spans.get(3).start(), skips.get(1).offset());
    assertEquals(spans.get(4).start(), skips.get(1).offset() + skips.get(1).length());
    assertTrue(skips.get(0).reason().contains("checksum"), skips.get(0).reason());
  }

  @Test
  void aTornTailIsDroppedNotReported() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(12, SIZES);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    byte[] data = LogTestSupport.write(records);
    byte[] cut = MemoryFile.truncate(data, (int) spans.get(6).start() + 9);
    List<Skip> skips = new ArrayList<>();
    LogReader reader = new LogReader(MemoryFile.readable(cut), "s.log",
        (offset, length, reason) -> skips.add(new Skip(offset, length, reason)));
    int n = 0;
    while (reader.readRecord() != null) {
      n++;
    }
    assertEquals(6, n);
    assertTrue(skips.isEmpty());
    assertEquals(spans.get(6).start(), reader.droppedTailOffset());
  }

  @Test
  void anIntactLogReadsAsWithAStrictReader() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(13, SIZES);
    List<Skip> skips = new ArrayList<>();
    List<byte[]> read = salvage(LogTestSupport.write(records), skips);
    assertEquals(records.size(), read.size());
    assertTrue(skips.isEmpty());
  }
}
