package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class MappingReadaheadTest {
  @TempDir Path tmp;

  /** A mapped file whose byte i is {@code i / 4096 + 1}, so a slice's first byte names its page. */
  private MappedByteBuffer map(int size) throws Exception {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i / 4096 + 1);
    }
    Path path = tmp.resolve("000007.sst");
    Files.write(path, data);
    try (FileChannel channel = FileChannel.open(path)) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
  }

  @Test
  void loadsTheRangeCutAtTheEndOfTheMapping() throws Exception {
    MappedByteBuffer buffer = map(100_000);
    List<int[]> loaded = new ArrayList<>(); // first byte, length
    MappingReadahead readahead = new MappingReadahead(Runnable::run, slice -> loaded.add(new int[] {slice.get(0), slice.capacity()}));
    readahead.load(buffer, 4096, 8192);
    readahead.load(buffer, 90_112, 50_000);
    readahead.load(buffer, 8192, Long.MAX_VALUE);
    assertEquals(3, loaded.size());
    assertEquals(2, loaded.get(0)[0], "from page 1");
    assertEquals(8192, loaded.get(0)[1]);
    assertEquals(23, loaded.get(1)[0], "from page 22");
    assertEquals(100_000 - 90_112, loaded.get(1)[1], "cut at the end");
    assertEquals(100_000 - 8192, loaded.get(2)[1], "a length that would overflow is cut too");
    assertEquals(8192 + (100_000 - 90_112) + (100_000 - 8192), readahead.bytesLoaded());
  }

  @Test
  void ignoresEmptyAndOutOfRangeRequests() throws Exception {
    MappedByteBuffer buffer = map(10_000);
    MappingReadahead readahead = new MappingReadahead(task -> {
      throw new AssertionError("nothing to load");
    }, slice -> {
      throw new AssertionError("nothing to load");
    });
    readahead.load(buffer, 10_000, 4096);
    readahead.load(buffer, 20_000, 4096);
    readahead.load(buffer, -1, 4096);
    readahead.load(buffer, 0, 0);
    readahead.load(buffer, 0, -5);
    assertEquals(0, readahead.bytesLoaded());
  }

  @Test
  void aFaultInMappedMemoryIsCountedNotThrown() throws Exception {
    MappedByteBuffer buffer = map(10_000);
    MappingReadahead readahead = new MappingReadahead(Runnable::run, slice -> {
      throw new InternalError("a fault occurred in an unsafe memory access operation");
    });
    readahead.load(buffer, 0, 4096);
    assertEquals(1, readahead.faults());
    assertEquals(0, readahead.bytesLoaded());
  }

  @Test
  void theBackgroundExecutorRunsRequestsOnADaemonThread() throws Exception {
    Executor executor = MappingReadahead.backgroundThread();
    CountDownLatch ran = new CountDownLatch(1);
    Thread[] thread = new Thread[1];
    executor.execute(() -> {
      thread[0] = Thread.currentThread();
      ran.countDown();
    });
    assertTrue(ran.await(30, TimeUnit.SECONDS));
    assertTrue(thread[0] != Thread.currentThread() && thread[0].isDaemon());
    assertEquals("strata-mapping-readahead", thread[0].getName());
  }

  @Test
  void aClosedFileIgnoresTheHint() throws Exception {
    Path path = tmp.resolve("000011.sst");
    Files.write(path, new byte[10_000]);
    ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(path);
    file.prefetch(0, 4096);
    file.close();
    file.prefetch(0, 4096); // must not throw
  }
}
