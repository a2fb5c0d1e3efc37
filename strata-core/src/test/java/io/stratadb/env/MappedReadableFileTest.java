package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedReadableFileTest {
  @TempDir Path tmp;

  private Path fileOf(byte[] data) throws Exception {
    Path path = tmp.resolve("000007.sst");
    Files.write(path, data);
    return path;
  }

  @Test
  void readsWhatAChannelReads() throws Exception {
    byte[] data = new byte[100_000];
    new Random(7).nextBytes(data);
    Path path = fileOf(data);
    Random random = new Random(11);
    try (ReadableFile mapped = LocalFileSystem.INSTANCE.openImmutable(path);
        ReadableFile channel = LocalFileSystem.INSTANCE.openReadable(path)) {
      assertEquals(MappedReadableFile.class, mapped.getClass());
      assertEquals(data.length, mapped.size());
      for (int i = 0; i < 1000; i++) {
        int position = random.nextInt(data.length + 10);
        int len = random.nextInt(5000);
        byte[] a = new byte[len + 3];
        byte[] b = new byte[len + 3];
        assertEquals(channel.read(position, b, 3, len), mapped.read(position, a, 3, len));
        assertArrayEquals(b, a);
      }
    }
  }

  @Test
  void readAtTheEndIsShort() throws Exception {
    byte[] data = {1, 2, 3, 4, 5};
    try (ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(fileOf(data))) {
      byte[] dst = new byte[8];
      assertEquals(2, file.read(3, dst, 0, 8));
      assertArrayEquals(new byte[] {4, 5, 0, 0, 0, 0, 0, 0}, dst);
      assertEquals(0, file.read(5, dst, 0, 8));
      assertThrows(IndexOutOfBoundsException.class, () -> file.read(0, dst, 4, 5));
    }
  }

  @Test
  void emptyFileMaps() throws Exception {
    try (ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(fileOf(new byte[0]))) {
      assertEquals(0, file.size());
      assertEquals(0, file.read(0, new byte[4], 0, 4));
    }
  }

  @Test
  void anInterruptedCallerOpensAndKeepsItsInterrupt() throws Exception {
    Path path = fileOf(new byte[] {1, 2, 3});
    Thread.currentThread().interrupt();
    try (ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(path)) {
      assertEquals(true, Thread.currentThread().isInterrupted());
      assertEquals(3, file.size());
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void closedFileRefusesReads() throws Exception {
    byte[] data = new byte[64];
    Arrays.fill(data, (byte) 9);
    ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(fileOf(data));
    file.close();
    assertThrows(ClosedChannelException.class, () -> file.read(0, new byte[4], 0, 4));
    assertThrows(ClosedChannelException.class, file::size);
  }

  /** Whether this process maps {@code path} ({@code /proc/self/maps}, Linux). */
  static boolean mapsOf(Path path) throws IOException {
    String name = path.toRealPath().toString();
    try (java.util.stream.Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.anyMatch(line -> line.contains(name));
    }
  }

  @Test
  void mappingIsTheWholeFileReadOnlyAndLittleEndianUntilClosed() throws Exception {
    byte[] data = new byte[10_000];
    new Random(3).nextBytes(data);
    Path path = fileOf(data);
    ReadableFile file = LocalFileSystem.INSTANCE.openImmutable(path);
    java.nio.ByteBuffer mapping = file.mapping();
    assertEquals(data.length, mapping.limit());
    assertEquals(java.nio.ByteOrder.LITTLE_ENDIAN, mapping.order());
    assertEquals(io.stratadb.util.Coding.getFixed32(data, 100), mapping.getInt(100));
    org.junit.jupiter.api.Assertions.assertTrue(mapping.isReadOnly());
    assertTrue(mapsOf(path), "mapped while open");
    file.close();
    assertThrows(ClosedChannelException.class, file::mapping);
    assertTrue(Unmapper.available());
    org.junit.jupiter.api.Assertions.assertFalse(mapsOf(path), "unmapped at close, not at a later GC");
    file.close(); // idempotent
    try (ReadableFile channel = LocalFileSystem.INSTANCE.openReadable(path)) {
      org.junit.jupiter.api.Assertions.assertNull(channel.mapping(), "a channel file is not mapped");
    }
  }
}
