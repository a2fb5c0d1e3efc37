package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingReadaheadTest {
  @TempDir Path tmp;

  private MappedByteBuffer map(int size) throws Exception {
    Path path = tmp.resolve("000007.sst");
    Files.write(path, new byte[size]);
    try (FileChannel channel = FileChannel.open(path)) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
    }
  }

  @Test
  void loadsTheRangeCutAtTheEndOfTheMapping() throws Exception {
    MappedByteBuffer buffer = map(100_000);
    MappingReadahead readahead = new MappingReadahead(Runnable::run);
    readahead.load(buffer, 4096, 8192);
    assertEquals(8192, readahead.bytesLoaded());
    readahead.load(buffer, 90_000, 50_000);
    assertEquals(8192 + 10_000, readahead.bytesLoaded());
  }

  @Test
  void ignoresEmptyAndOutOfRangeRequests() throws Exception {
    MappedByteBuffer buffer = map(10_000);
    MappingReadahead readahead = new MappingReadahead(task -> {
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
  void theSharedInstanceLoadsOnItsOwnThread() throws Exception {
    Path path = tmp.resolve("000009.sst");
    Files.write(path, new byte[300_000]);
    long before = MappingReadahead.SHARED.bytesLoaded();
    try (ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(path)) {
      file.prefetch(0, 1 << 20);
    }
    // The request went to the queue before the file closed; wait for the daemon thread to do it.
    for (int i = 0; i < 500 && MappingReadahead.SHARED.bytesLoaded() < before + 300_000; i++) {
      Thread.sleep(10);
    }
    assertTrue(MappingReadahead.SHARED.bytesLoaded() >= before + 300_000, "the whole file was loaded");
  }

  @Test
  void aClosedFileIgnoresTheHint() throws Exception {
    Path path = tmp.resolve("000011.sst");
    Files.write(path, new byte[10_000]);
    ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(path);
    file.close();
    file.prefetch(0, 4096); // must not throw
  }
}
