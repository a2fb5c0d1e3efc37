package io.stratadb.record;

import static io.stratadb.record.LogFormat.BLOCK_SIZE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.ReadableFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn tails (tolerated) versus damage in the middle of a log (reported). */
class LogReaderDamageTest {

  /**
   * Records chosen so the log has FULL records, a record starting with an empty FIRST fragment
   * at a block end, padding, and FIRST/MIDDLE/LAST records.
   */
  private static final int[] SIZES = {10, 0, 300, BLOCK_SIZE - 2 * LogFormat.HEADER_SIZE - 331, 50,
      100_000, 1, BLOCK_SIZE, 2_000, 77};

  private static void assertRecordsThenEnd(byte[] data, List<byte[]> expected, long droppedAt) throws IOException {
    LogReader reader = new LogReader(MemoryFile.readable(data), "t.log");
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), reader.readRecord(), "record " + i);
    }
    assertNull(reader.readRecord());
    assertEquals(droppedAt, reader.droppedTailOffset());
  }

  /** Offsets at which to damage or cut a span: all of them for small spans, a sample plus fragment edges else. */
  private static TreeSet<Long> probeOffsets(LogTestSupport.Span span) {
    TreeSet<Long> offsets = new TreeSet<>();
    long length = span.end() - span.start();
    long step = length <= 4_000 ? 1 : 97;
    for (long p = span.start(); p < span.end(); p += step) {
      offsets.add(p);
    }
    for (long block = (span.start() / BLOCK_SIZE) * BLOCK_SIZE; block < span.end(); block += BLOCK_SIZE) {
      for (long p = block - 8; p < block + 10; p++) {
        if (p >= span.start() && p < span.end()) {
          offsets.add(p);
        }
      }
    }
    offsets.add(span.end() - 1);
    return offsets;
  }

  @Test
  void layoutCoversTheInterestingCases() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(1, SIZES);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    assertEquals(BLOCK_SIZE - LogFormat.HEADER_SIZE, spans.get(4).start(), "record 4 starts with an empty FIRST");
    byte[] data = LogTestSupport.write(records);
    assertEquals(LogFormat.FIRST_TYPE, data[(int) spans.get(4).start() + 6]);
    assertRecordsThenEnd(data, records, -1);
  }

  @Test
  void tornTailAtEveryOffsetInsideTheLastRecordIsDropped() throws IOException {
    // the last record spans a block boundary, so cuts land in both of its fragments
    int[] sizes = {5, BLOCK_SIZE - 2_000, 3_000};
    List<byte[]> records = LogTestSupport.randomRecords(2, sizes);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    LogTestSupport.Span last = spans.get(2);
    assertTrue(last.start() < BLOCK_SIZE && last.end() > BLOCK_SIZE);
    byte[] data = LogTestSupport.write(records);
    List<byte[]> earlier = records.subList(0, 2);
    for (long cut = last.start() + 1; cut < last.end(); cut++) {
      assertRecordsThenEnd(MemoryFile.truncate(data, (int) cut), earlier, last.start());
    }
    // cut exactly at the record start: a clean end
    assertRecordsThenEnd(MemoryFile.truncate(data, (int) last.start()), earlier, -1);
  }

  @Test
  void tornTailOfAMultiBlockRecordIsDropped() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(3, SIZES);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    byte[] data = LogTestSupport.write(records);
    // cut inside record 5 (100 KB, four fragments) and throw away everything after
    LogTestSupport.Span big = spans.get(5);
    List<byte[]> earlier = records.subList(0, 5);
    for (long cut : probeOffsets(big)) {
      if (cut > big.start()) {
        assertRecordsThenEnd(MemoryFile.truncate(data, (int) cut), earlier, big.start());
      }
    }
  }

  @Test
  void cutInsideBlockPaddingIsATornTail() throws IOException {
    // record 0 leaves 3 bytes of padding; the cut keeps 2 of them
    List<byte[]> records = LogTestSupport.randomRecords(4, BLOCK_SIZE - LogFormat.HEADER_SIZE - 3, 10);
    byte[] data = LogTestSupport.write(records);
    LogReader reader = new LogReader(MemoryFile.readable(MemoryFile.truncate(data, BLOCK_SIZE - 1)), "t.log");
    assertArrayEquals(records.get(0), reader.readRecord());
    assertNull(reader.readRecord());
    assertTrue(reader.droppedTailOffset() >= 0);
  }

  @Test
  void damageInTheMiddleIsCorruptionAtTheDamagedRecordsOffset() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(5, SIZES);
    BitSet recordBytes = new BitSet();
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records, recordBytes);
    byte[] data = LogTestSupport.write(records);
    for (int victim = 0; victim < records.size() - 1; victim++) {
      LogTestSupport.Span span = spans.get(victim);
      for (long at : probeOffsets(span)) {
        if (!recordBytes.get((int) at)) {
          continue; // block padding, not part of any record
        }
        byte[] damaged = data.clone();
        damaged[(int) at] ^= 0x40;
        LogReader reader = new LogReader(MemoryFile.readable(damaged), "damaged.log");
        for (int i = 0; i < victim; i++) {
          assertArrayEquals(records.get(i), reader.readRecord(), "record " + i + " before the damage");
        }
        int v = victim;
        CorruptionException e = assertThrows(CorruptionException.class, reader::readRecord,
            () -> "byte " + at + " of record " + v);
        assertEquals("damaged.log", e.file());
        assertEquals(span.start(), e.offset(), "byte " + at + " of record " + victim);
      }
    }
  }

  @Test
  void damageInTheLastRecordIsATornTail() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(6, SIZES);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    byte[] data = LogTestSupport.write(records);
    LogTestSupport.Span last = spans.get(spans.size() - 1);
    List<byte[]> earlier = records.subList(0, records.size() - 1);
    for (long at = last.start(); at < last.end(); at++) {
      byte[] damaged = data.clone();
      damaged[(int) at] ^= 0x01;
      assertRecordsThenEnd(damaged, earlier, last.start());
    }
  }

  @Test
  void damageInTheLastFragmentOfAMultiBlockLastRecordIsATornTail() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(7, 20, 80_000);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    byte[] data = LogTestSupport.write(records);
    LogTestSupport.Span last = spans.get(1);
    for (long at : new long[] {last.start() + 3, last.start() + 20_000, BLOCK_SIZE + 6, 2L * BLOCK_SIZE + 2,
        last.end() - 1}) {
      byte[] damaged = data.clone();
      damaged[(int) at] ^= 0x10;
      assertRecordsThenEnd(damaged, records.subList(0, 1), last.start());
    }
  }

  @Test
  void corruptionNamesTheFileOnDisk(@TempDir Path dir) throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(8, 100, 200, 300);
    List<LogTestSupport.Span> spans = LogTestSupport.layout(records);
    byte[] data = LogTestSupport.write(records);
    data[(int) spans.get(1).start() + 50] ^= 0x01;
    Path path = dir.resolve("000009.log");
    Files.write(path, data);
    try (ReadableFile file = LocalFileSystem.INSTANCE.openReadable(path);
        LogReader reader = new LogReader(file, path.toString())) {
      assertArrayEquals(records.get(0), reader.readRecord());
      CorruptionException e = assertThrows(CorruptionException.class, reader::readRecord);
      assertEquals(path.toString(), e.file());
      assertEquals(spans.get(1).start(), e.offset());
      assertTrue(e.getMessage().contains(path.toString()));
    }
  }

  @Test
  void zeroFilledTailEndsTheLogCleanly() throws IOException {
    // a mapped WAL's unused, zeroed region after a crash (or a preallocated tail)
    List<byte[]> records = LogTestSupport.randomRecords(9, 100, 200);
    byte[] data = LogTestSupport.write(records);
    byte[] padded = java.util.Arrays.copyOf(data, data.length + 40_000);
    assertRecordsThenEnd(padded, records, -1);
  }

  @Test
  void zeroesAfterAFirstFragmentAreATornTail() throws IOException {
    // the record's later fragments were never written: that record is torn, not the log's end
    List<byte[]> records = new java.util.ArrayList<>(LogTestSupport.randomRecords(3, 100, 200, 300));
    byte[] whole = LogTestSupport.write(records);
    records.add(new byte[LogFormat.BLOCK_SIZE]);
    byte[] withLarge = LogTestSupport.write(records);
    int cut = LogFormat.BLOCK_SIZE; // the large record's first fragment ends the first block
    byte[] torn = java.util.Arrays.copyOf(java.util.Arrays.copyOf(withLarge, cut), cut + 5_000);
    assertRecordsThenEnd(torn, records.subList(0, 3), whole.length);
  }

  @Test
  void bytesAfterAZeroedRegionAreNotAnEnd() throws IOException {
    List<byte[]> records = LogTestSupport.randomRecords(4, 100, 200);
    byte[] data = LogTestSupport.write(records);
    byte[] padded = java.util.Arrays.copyOf(data, data.length + 3_000);
    padded[padded.length - 1] = 7; // not all zeroes to the end: damage, dropped as a torn tail
    assertRecordsThenEnd(padded, records, data.length);
  }
}
