package io.stratadb.record;

import static io.stratadb.record.LogFormat.BLOCK_SIZE;
import static io.stratadb.record.LogFormat.HEADER_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogRoundTripTest {

  /** Reads all records, checking contents, offsets and a clean end. */
  private static void assertRoundTrip(List<byte[]> records) throws IOException {
    byte[] data = LogTestSupport.write(records);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    assertEquals(spans.isEmpty() ? 0 : spans.get(spans.size() - 1).end(), data.length, "file size");
    LogReader reader = new LogReader(MemoryFile.readable(data), "test.log");
    for (int i = 0; i < records.size(); i++) {
      byte[] r = reader.readRecord();
      assertArrayEquals(records.get(i), r, "record " + i);
      assertEquals(spans.get(i).start(), reader.lastRecordOffset(), "offset of record " + i);
    }
    assertNull(reader.readRecord());
    assertNull(reader.readRecord(), "stays at end");
    assertEquals(-1, reader.droppedTailOffset());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, BLOCK_SIZE - HEADER_SIZE - 1, BLOCK_SIZE - HEADER_SIZE,
      BLOCK_SIZE - HEADER_SIZE + 1, BLOCK_SIZE, BLOCK_SIZE + 1, 2 * BLOCK_SIZE, 100_000, 3 * BLOCK_SIZE + 17})
  void singleRecordOfSize(int size) throws IOException {
    assertRoundTrip(LogTestSupport.randomRecords(size, size));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 100, BLOCK_SIZE - HEADER_SIZE - 1, BLOCK_SIZE - HEADER_SIZE,
      BLOCK_SIZE - HEADER_SIZE + 1, BLOCK_SIZE, 100_000})
  void recordOfSizeBetweenOthers(int size) throws IOException {
    assertRoundTrip(LogTestSupport.randomRecords(size, 10, size, 0, size, 5));
  }

  @Test
  void aRecordFillingABlockExactlyNeedsNoPadding() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(1, BLOCK_SIZE - HEADER_SIZE, 3);
    byte[] data = LogTestSupport.write(records);
    assertEquals(BLOCK_SIZE + HEADER_SIZE + 3, data.length);
    assertRoundTrip(records);
  }

  @Test
  void blockTailShorterThanAHeaderIsZeroPadded() throws IOException {
    // the first record leaves 6 bytes in the block: too few for a header
    List<byte[]> records = LogTestSupport.randomRecords(2, BLOCK_SIZE - HEADER_SIZE - 6, 3);
    byte[] data = LogTestSupport.write(records);
    for (int i = BLOCK_SIZE - 6; i < BLOCK_SIZE; i++) {
      assertEquals(0, data[i], "padding byte " + i);
    }
    assertEquals(BLOCK_SIZE + HEADER_SIZE + 3, data.length);
    assertRoundTrip(records);
  }

  @Test
  void blockTailOfExactlyAHeaderGetsAnEmptyFirstFragment() throws IOException {
    // the first record leaves exactly 7 bytes: the second starts with a zero-length FIRST fragment
    List<byte[]> records = LogTestSupport.randomRecords(3, BLOCK_SIZE - 2 * HEADER_SIZE, 10);
    byte[] data = LogTestSupport.write(records);
    int header = BLOCK_SIZE - HEADER_SIZE;
    assertEquals(0, data[header + 4]);
    assertEquals(0, data[header + 5]);
    assertEquals(LogFormat.FIRST_TYPE, data[header + 6]);
    assertEquals(BLOCK_SIZE + HEADER_SIZE + 10, data.length);
    assertRoundTrip(records);
  }

  @Test
  void multiBlockRecordIsSplitIntoFirstMiddleLast() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(4, 100_000);
    byte[] data = LogTestSupport.write(records);
    // 100000 bytes need 4 fragments of at most 32761 bytes
    assertEquals(100_000 + 4 * HEADER_SIZE, data.length);
    assertEquals(LogFormat.FIRST_TYPE, data[6]);
    assertEquals(LogFormat.MIDDLE_TYPE, data[BLOCK_SIZE + 6]);
    assertEquals(LogFormat.MIDDLE_TYPE, data[2 * BLOCK_SIZE + 6]);
    assertEquals(LogFormat.LAST_TYPE, data[3 * BLOCK_SIZE + 6]);
    assertRoundTrip(records);
  }

  @Test
  void manySmallRecords() throws IOException {
    int[] sizes = new int[10_000];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = i % 37;
    }
    assertRoundTrip(LogTestSupport.randomRecords(5, sizes));
  }

  @Test
  void emptyLogReadsNothing() throws IOException {
    assertRoundTrip(List.of());
  }

  @Test
  void addRecordRespectsOffsetAndLength() throws IOException {
    MemoryFile file = new MemoryFile();
    LogWriter writer = new LogWriter(file);
    byte[] buf = {9, 1, 2, 3, 9};
    writer.addRecord(buf, 1, 3);
    assertEquals(HEADER_SIZE + 3, writer.size());
    LogReader reader = new LogReader(MemoryFile.readable(file.bytes()), "x");
    assertArrayEquals(new byte[] {1, 2, 3}, reader.readRecord());
  }

  @Test
  void roundTripThroughTheLocalFileSystem(@TempDir Path dir) throws IOException {
    Path path = dir.resolve("000001.log");
    List<byte[]> records = LogTestSupport.randomRecords(6, 0, 70_000, 12, BLOCK_SIZE, 1);
    try (LogWriter writer = new LogWriter(LocalFileSystem.INSTANCE.newWritableFile(path))) {
      for (byte[] r : records) {
        writer.addRecord(r);
      }
      writer.sync();
    }
    List<byte[]> read = new ArrayList<>();
    try (ReadableFile file = LocalFileSystem.INSTANCE.openReadable(path);
        LogReader reader = new LogReader(file, path.toString())) {
      byte[] r;
      while ((r = reader.readRecord()) != null) {
        read.add(r);
      }
      assertEquals(-1, reader.droppedTailOffset());
    }
    assertEquals(records.size(), read.size());
    for (int i = 0; i < records.size(); i++) {
      assertArrayEquals(records.get(i), read.get(i));
    }
  }
}
