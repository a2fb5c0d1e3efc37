package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.record.LogReader;
import io.stratadb.record.LogWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The memory-mapped log file: contents, region boundaries, truncation on close, crash tails. */
class MappedWritableFileTest {
  @TempDir Path dir;

  @Test
  void appendsAcrossRegionsReadBackExactlyAndCloseTruncates() throws IOException {
    Path path = dir.resolve("a.log");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Random rnd = new Random(1);
    try (WritableFile f = LocalFileSystem.INSTANCE.newLogFile(path)) {
      // Sizes that cross the 64 KiB, 128 KiB, ... region ends, including one larger than a region.
      for (int len : new int[] {0, 1, 65_535, 2, 200_000, 7, 5_000_000, 3}) {
        byte[] data = new byte[len + 10];
        rnd.nextBytes(data);
        f.append(data, 5, len);
        expected.write(data, 5, len);
        f.flush();
        assertEquals(expected.size(), f.size());
      }
      f.sync();
      // Before close the file is longer (zeroed region), with the bytes in place.
      byte[] open = Files.readAllBytes(path);
      assertTrue(open.length >= expected.size());
      assertArrayEquals(expected.toByteArray(), Arrays.copyOf(open, expected.size()));
      for (int i = expected.size(); i < open.length; i++) {
        assertEquals(0, open[i], "the unused region is zeroed");
      }
    }
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(path), "close truncates to the bytes appended");
  }

  @Test
  void aLogLeftOpenAsAfterACrashReadsToItsLastRecordWithNoTornTail() throws IOException {
    Path path = dir.resolve("b.log");
    List<byte[]> records = new ArrayList<>();
    Random rnd = new Random(2);
    WritableFile f = LocalFileSystem.INSTANCE.newLogFile(path);
    LogWriter writer = new LogWriter(f);
    for (int i = 0; i < 500; i++) {
      byte[] r = new byte[rnd.nextInt(400)];
      rnd.nextBytes(r);
      writer.addRecord(r);
      writer.flush();
      records.add(r);
    }
    // Not closed: what a process crash leaves (the bytes are in the page cache, the tail zeroed).
    assertTrue(Files.size(path) > writer.size());
    try (LogReader reader = new LogReader(LocalFileSystem.INSTANCE.openReadable(path), "b.log")) {
      for (byte[] r : records) {
        assertArrayEquals(r, reader.readRecord());
      }
      assertNull(reader.readRecord());
      assertEquals(-1, reader.droppedTailOffset(), "a zeroed region is the end, not damage");
    }
    writer.close();
  }

  @Test
  void closeIsIdempotentAndAppendAfterCloseThrows() throws IOException {
    Path path = dir.resolve("c.log");
    WritableFile f = LocalFileSystem.INSTANCE.newLogFile(path);
    f.append(new byte[] {1, 2, 3}, 0, 3);
    f.close();
    f.close();
    assertThrows(IOException.class, () -> f.append(new byte[1], 0, 1));
    assertThrows(IOException.class, f::flush);
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(path));
  }

  @Test
  void anInterruptedWriterKeepsWritingAndKeepsItsInterrupt() throws IOException {
    Path path = dir.resolve("d.log");
    byte[] chunk = new byte[100_000];
    Arrays.fill(chunk, (byte) 5);
    try (WritableFile f = LocalFileSystem.INSTANCE.newLogFile(path)) {
      Thread.currentThread().interrupt();
      try {
        for (int i = 0; i < 10; i++) {
          f.append(chunk, 0, chunk.length); // maps new regions while interrupted
        }
        f.sync();
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is restored");
      } finally {
        Thread.interrupted();
      }
    }
    assertEquals(1_000_000, Files.size(path));
  }

  @Test
  void closeUnmapsEveryRegionSoADeletedLogHoldsNoSpace() throws IOException {
    Path path = dir.resolve("unmapped.log");
    WritableFile f = LocalFileSystem.INSTANCE.newLogFile(path);
    byte[] data = new byte[300_000]; // several regions
    f.append(data, 0, data.length);
    f.sync();
    assertTrue(MappedReadableFileTest.mapsOf(path), "mapped while open");
    f.close();
    assertTrue(!MappedReadableFileTest.mapsOf(path), "no region left mapped after close");
    assertEquals(data.length, Files.size(path));
  }

  @Test
  void creatingTruncatesAnExistingFile() throws IOException {
    Path path = dir.resolve("e.log");
    Files.write(path, new byte[1000]);
    try (WritableFile f = LocalFileSystem.INSTANCE.newLogFile(path)) {
      f.append(new byte[] {9}, 0, 1);
    }
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(path));
  }

  @Test
  void syncFsyncsTheWholeFileOnlyAfterItsLengthChanged() throws IOException {
    try (MappedWritableFile f = MappedWritableFile.create(dir.resolve("f.log"))) {
      f.sync();
      assertEquals(1, f.fullSyncsForTest(), "a created (truncated) file is fsynced once");
      f.append(new byte[100], 0, 100); // zeroes and maps the first region: the file grows
      f.sync();
      assertEquals(2, f.fullSyncsForTest(), "the first sync after a region was zeroed is a full fsync");
      long expected = 2;
      for (int i = 0; i < 10; i++) { // 1000 more bytes: still in the first 64 KiB region
        f.append(new byte[100], 0, 100);
        f.sync();
        if (!MappedWritableFile.msyncIsDatasyncForTest()) {
          expected++;
        }
        assertEquals(expected, f.fullSyncsForTest(), "appends inside a zeroed region need only msync");
      }
      f.append(new byte[70_000], 0, 70_000); // crosses into the second region
      f.sync();
      assertEquals(expected + 1, f.fullSyncsForTest(), "a new region is followed by a full fsync");
    }
  }

  @Test
  void regionsAfterTheFirstSyncAreZeroedAPagePerWrite() throws IOException {
    Path path = dir.resolve("z.log");
    byte[] data = new byte[200_000];
    new Random(7).nextBytes(data);
    try (MappedWritableFile f = MappedWritableFile.create(path)) {
      assertEquals(64 << 10, f.zeroingWriteBytes(), "a file never synced zeroes in 64 KiB writes");
      f.append(data, 0, 100_000); // fills the 64 KiB region and part of the 128 KiB one
      f.sync();
      assertEquals(4 << 10, f.zeroingWriteBytes(), "once synced, a page per write");
      f.append(data, 100_000, 100_000); // the 256 KiB region is zeroed a page at a time
      f.sync();
    }
    assertArrayEquals(data, Files.readAllBytes(path), "the appends read back whole across the regions");
  }

  /**
   * Issue 24: a write group's leader used to zero each new region (up to 4 MiB) and then pay the
   * full fsync of the file's growth with every writer waiting. The region is now prepared in the
   * background once the current one is half full, so a sync after crossing into it is an msync only.
   */
  @Test
  void theNextRegionIsPreparedAheadSoCrossingIntoItNeedsNoFullFsyncOnTheAppendingThread()
      throws IOException, InterruptedException {
    Path path = dir.resolve("p.log");
    byte[] data = new byte[100_000];
    new Random(11).nextBytes(data);
    try (MappedWritableFile f = MappedWritableFile.create(path)) {
      f.append(data, 0, 100);
      f.sync(); // synced: a preparation now fsyncs what it grows
      f.append(data, 100, 40_000); // past the middle of the 64 KiB region
      assertTrue(f.awaitPreparationForTest(), "the next region is being prepared");
      long fullSyncs = f.fullSyncsForTest(); // the preparation's fsync included
      f.append(data, 40_100, 30_000); // crosses into the 128 KiB region
      f.sync();
      assertEquals(1, f.preparedRegionsForTest(), "the appending thread took the prepared region");
      if (MappedWritableFile.msyncIsDatasyncForTest()) {
        assertEquals(fullSyncs, f.fullSyncsForTest(), "the sync after the crossing is an msync only");
      }
      f.append(data, 70_100, 29_900);
      f.sync();
    }
    assertArrayEquals(data, Files.readAllBytes(path), "close truncates to the appends, prepared zeroes included");
  }

  @Test
  void closeWhileTheNextRegionIsPreparedLeavesExactlyTheAppendedBytes() throws IOException {
    Path path = dir.resolve("c.log");
    byte[] data = new byte[40_000];
    new Random(13).nextBytes(data);
    for (int round = 0; round < 20; round++) { // closes at whatever point the preparation reached
      try (MappedWritableFile f = MappedWritableFile.create(path)) {
        f.append(data, 0, data.length); // past the middle of the first region: a preparation starts
      }
      assertArrayEquals(data, Files.readAllBytes(path), "round " + round);
    }
  }
}
