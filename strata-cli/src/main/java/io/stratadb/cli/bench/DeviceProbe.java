package io.stratadb.cli.bench;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The device's own random read rate, the ceiling of a read that needs one disk access: random
 * 4 KiB reads at queue depth 1 (one thread, one read at a time) with {@code O_DIRECT} ({@link
 * ExtendedOpenOption#DIRECT}), so the page cache neither helps nor is disturbed, over a set of
 * files (the databases' own SSTables), each read at an offset aligned to the file system's block
 * size into a buffer aligned with {@link ByteBuffer#alignedSlice(int)}. A file set smaller than
 * the device's own cache overstates the rate. Stateless; thread-safe.
 */
final class DeviceProbe {
  /** Bytes per read. */
  static final int READ_BYTES = 4096;

  private DeviceProbe() {}

  /**
   * What a probe measured.
   *
   * @param reads reads done
   * @param seconds time they took, in s
   * @param fileBytes bytes of the files read from
   * @param reason why there is no measurement ("" when there is one)
   */
  record Rate(long reads, double seconds, long fileBytes, String reason) {

    /** Reads per second, 0 without a measurement. */
    double readsPerSec() {
      return reads == 0 ? 0 : reads / seconds;
    }

    /** E.g. {@code 11021 reads/sec (90.7 us each) over 9812.3 MiB of files in 5.0 s}. */
    String line() {
      if (!reason.isEmpty()) {
        return "n/a (" + reason + ")";
      }
      return String.format(Locale.ROOT, "%.0f reads/sec (%.1f us each) over %.1f MiB of files in %.1f s",
          readsPerSec(), seconds * 1e6 / reads, fileBytes / 1048576.0, seconds);
    }
  }

  /**
   * Reads random 4 KiB blocks of the regular files under {@code dirs} (files of at least 4 KiB,
   * chosen in proportion to their size) for {@code seconds}. Never throws for a file system that
   * refuses {@code O_DIRECT} (tmpfs): the rate then says why there is none.
   *
   * @throws IOException if a directory cannot be listed
   */
  static Rate measure(List<Path> dirs, double seconds) throws IOException {
    List<Path> files = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    long total = 0;
    for (Path dir : dirs) {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (Files.isRegularFile(p) && Files.size(p) >= READ_BYTES) {
            files.add(p);
            sizes.add(Files.size(p));
            total += Files.size(p);
          }
        }
      }
    }
    if (files.isEmpty()) {
      return new Rate(0, 0, 0, "no file of 4 KiB or more to read");
    }
    List<FileChannel> channels = new ArrayList<>();
    try {
      int align = READ_BYTES;
      for (Path p : files) {
        channels.add(FileChannel.open(p, StandardOpenOption.READ, ExtendedOpenOption.DIRECT));
        align = (int) Math.max(align, Files.getFileStore(p).getBlockSize());
      }
      long[] ends = new long[files.size()];
      for (int i = 0; i < ends.length; i++) {
        ends[i] = (i == 0 ? 0 : ends[i - 1]) + sizes.get(i);
      }
      ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES + align).alignedSlice(align);
      SplittableRandom random = new SplittableRandom(42);
      long reads = 0;
      long start = System.nanoTime();
      long end = start + (long) (seconds * 1e9);
      long now = start;
      while (now < end) {
        long at = random.nextLong(total);
        int found = Arrays.binarySearch(ends, at);
        int i = found >= 0 ? found + 1 : -found - 1;
        long offset = Math.min(at - (ends[i] - sizes.get(i)), sizes.get(i) - READ_BYTES) / align * align;
        buffer.clear().limit(READ_BYTES);
        channels.get(i).read(buffer, offset);
        reads++;
        now = System.nanoTime();
      }
      return new Rate(reads, (now - start) / 1e9, total, "");
    } catch (UnsupportedOperationException | IOException e) {
      return new Rate(0, 0, total, "O_DIRECT reads refused here: " + e.getClass().getSimpleName() + ": "
          + e.getMessage());
    } finally {
      for (FileChannel c : channels) {
        c.close();
      }
    }
  }
}
