package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalFileSystem#openDirect}: unaligned reads widened to blocks return the same bytes. */
class DirectIoTest {
  @TempDir Path dir;

  @Test
  void directReadsReturnWhatBufferedReadsReturnAtAnyOffsetAndLength() throws IOException {
    byte[] data = new byte[3 * 4096 * 7 + 1234]; // ends inside a block
    new Random(11).nextBytes(data);
    Path path = dir.resolve("data");
    Files.write(path, data);
    ReadableFile direct;
    try {
      direct = LocalFileSystem.INSTANCE.openDirect(path);
    } catch (IOException e) {
      assumeTrue(false, "no O_DIRECT on this file system: " + e);
      return;
    }
    try (direct) {
      assertEquals(data.length, direct.size());
      Random random = new Random(12);
      for (int i = 0; i < 500; i++) {
        int position = random.nextInt(data.length + 100);
        int len = random.nextInt(i % 10 == 0 ? 300_000 : 9000);
        byte[] dst = new byte[len + 3];
        int n = direct.read(position, dst, 3, len);
        int expected = Math.max(0, Math.min(len, data.length - position));
        assertEquals(expected, n, "read of " + len + " at " + position);
        assertArrayEquals(Arrays.copyOfRange(data, Math.min(position, data.length), Math.min(position, data.length) + n),
            Arrays.copyOfRange(dst, 3, 3 + n));
      }
      byte[] big = new byte[DirectIo.CACHED_BUFFER_BYTES + 10]; // past the cached buffer, to the end
      assertEquals(data.length - 5, direct.read(5, big, 0, big.length));
    }
  }
}
