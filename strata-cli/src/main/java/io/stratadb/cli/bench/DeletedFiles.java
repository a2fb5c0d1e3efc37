package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Files under a directory that were deleted but still hold disk space because a process keeps
 * them open or mapped, found without {@code lsof}: the {@code (deleted)} entries of {@code
 * /proc/<pid>/maps} (memory-mapped files) and the links of {@code /proc/<pid>/fd} (open
 * descriptors). An obsolete SSTable that the engine unlinked but still maps keeps its blocks
 * until it is unmapped. Stateless; thread-safe.
 */
final class DeletedFiles {
  private static final String DELETED = " (deleted)";

  private DeletedFiles() {}

  /**
   * What a scan found.
   *
   * @param files deleted files under the directory, each with the bytes it holds (its size for an
   *     open descriptor, else the length of its mappings), in path order
   */
  record Held(Map<String, Long> files) {

    /** Bytes the files still hold. */
    long bytes() {
      return files.values().stream().mapToLong(Long::longValue).sum();
    }

    /** E.g. {@code 0} or {@code 3 files, 192.5 MiB}. */
    String line() {
      return files.isEmpty() ? "0" : String.format("%d files, %.1f MiB", files.size(), bytes() / 1048576.0);
    }
  }

  /**
   * Scans process {@code pid} for deleted files under {@code dir}.
   *
   * @throws IOException if {@code /proc/<pid>} cannot be read (no such process, no {@code /proc})
   */
  static Held scan(long pid, Path dir) throws IOException {
    String prefix = dir.toAbsolutePath().normalize() + "/";
    Path proc = Path.of("/proc", Long.toString(pid));
    Map<String, Long> held = new TreeMap<>();
    for (String line : Files.readAllLines(proc.resolve("maps"))) {
      // 7f1c2a000000-7f1c2e000000 r--s 00000000 fd:00 1234   /path/000012.sst (deleted)
      int slash = line.indexOf('/');
      if (slash < 0 || !line.endsWith(DELETED)) {
        continue;
      }
      String path = line.substring(slash, line.length() - DELETED.length());
      if (path.startsWith(prefix)) {
        String[] range = line.substring(0, line.indexOf(' ')).split("-");
        long length = Long.parseUnsignedLong(range[1], 16) - Long.parseUnsignedLong(range[0], 16);
        held.merge(path, length, Long::sum);
      }
    }
    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed between the listing and the read
        }
        if (target.endsWith(DELETED) && target.startsWith(prefix)) {
          String path = target.substring(0, target.length() - DELETED.length());
          long size;
          try {
            size = Files.size(fd);
          } catch (IOException e) {
            continue; // closed between the listing and the stat
          }
          held.merge(path, size, Math::max);
        }
      }
    }
    return new Held(held);
  }
}
