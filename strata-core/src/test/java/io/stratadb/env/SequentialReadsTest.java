package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadableFile#readSequential} on {@link LocalFileSystem}'s files read with {@code pread}:
 * the same bytes as {@link ReadableFile#read}, through a second open file description (so the
 * kernel keeps a separate read-ahead state for the runs), opened on first use, closed with the
 * file, and the main one when the file was deleted before that first use.
 */
class SequentialReadsTest {
  @TempDir Path dir;

  /** Descriptors of this process open on {@code file} (Linux's {@code /proc/self/fd}). */
  private static long descriptorsOn(Path file) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    try (Stream<Path> list = Files.list(fds)) {
      return list.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith(file.toString());
        } catch (IOException e) {
          return false; // closed meanwhile
        }
      }).count();
    }
  }

  private Path file(String name, byte[] content) throws IOException {
    Path path = dir.resolve(name);
    Files.write(path, content);
    return path;
  }

  @Test
  void aSequentialReadReturnsTheSameBytesThroughASecondDescriptorClosedWithTheFile() throws IOException {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "counts descriptors through /proc");
    byte[] content = new byte[64 << 10];
    new Random(1).nextBytes(content);
    Path path = file("000001.sst", content);
    ReadableFile file = LocalFileSystem.INSTANCE.openReadable(path);
    try {
      byte[] a = new byte[5000];
      byte[] b = new byte[5000];
      assertEquals(5000, file.read(4096, a, 0, 5000));
      assertEquals(1, descriptorsOn(path), "a random read uses the file's one descriptor");
      assertEquals(5000, file.readSequential(4096, b, 0, 5000));
      assertArrayEquals(a, b);
      assertArrayEquals(Arrays.copyOfRange(content, 4096, 9096), b);
      assertEquals(2, descriptorsOn(path), "a sequential read opened its own");
      assertEquals(100, file.readSequential(content.length - 100, b, 0, 5000), "short at the end of the file");
      assertEquals(2, descriptorsOn(path), "and keeps it");
    } finally {
      file.close();
    }
    assertEquals(0, descriptorsOn(path), "both closed with the file");
  }

  @Test
  void aFileDeletedBeforeItsFirstSequentialReadIsReadThroughItsOneDescriptor() throws IOException {
    byte[] content = new byte[10_000];
    new Random(2).nextBytes(content);
    Path path = file("000002.sst", content);
    try (ReadableFile file = LocalFileSystem.INSTANCE.openReadable(path)) {
      Files.delete(path); // a compaction made the table obsolete while an iterator still reads it
      byte[] b = new byte[3000];
      assertEquals(3000, file.readSequential(7000, b, 0, 3000));
      assertArrayEquals(Arrays.copyOfRange(content, 7000, 10_000), b);
    }
  }
}
