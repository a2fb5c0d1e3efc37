package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The benchmark's database directory: a fresh temporary one, and emptying it for a fresh database
 * (db_bench's {@code fresh_db}, which calls LevelDB's {@code DestroyDB}). Only files named like
 * StrataDB's are deleted; a directory holding anything else is refused. Stateless; thread-safe
 * as far as the file system is.
 */
final class BenchDirectory {
  private BenchDirectory() {}

  /** The parent of the temporary directories made when {@code bench} is given no {@code --db}. */
  static final Path DEFAULT_BASE = Path.of("./strata-data-bench");

  /** Names of the files a StrataDB directory holds (see docs/format.md). */
  private static final Pattern DB_FILE =
      Pattern.compile("CURRENT|LOCK|MANIFEST-\\d+|\\d+\\.(log|sst|dbtmp)");

  /**
   * Creates a new, empty directory {@code bench-NNNN} under {@code base}, creating {@code base}.
   *
   * @throws IOException if it cannot be created
   */
  static Path createTemp(Path base) throws IOException {
    Files.createDirectories(base);
    return Files.createTempDirectory(base, "bench-");
  }

  /**
   * Deletes the database files in {@code dir}, leaving the directory; nothing to do if it does not
   * exist. The database must be closed.
   *
   * @throws IllegalArgumentException if {@code dir} holds a file or directory that is not a
   *     StrataDB file (then nothing is deleted)
   * @throws IOException if listing or deleting fails
   */
  static void destroy(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        if (!Files.isRegularFile(p) || !DB_FILE.matcher(p.getFileName().toString()).matches()) {
          throw new IllegalArgumentException("refusing to empty " + dir + " for a fresh benchmark database: "
              + p.getFileName() + " is not a StrataDB file");
        }
        files.add(p);
      }
    }
    for (Path p : files) {
      Files.delete(p);
    }
  }

  /**
   * Destroys the database in {@code dir} and deletes the directory, then its parent if that is
   * now empty.
   *
   * @throws IllegalArgumentException as {@link #destroy(Path)}
   * @throws IOException if deleting fails
   */
  static void remove(Path dir) throws IOException {
    destroy(dir);
    Files.deleteIfExists(dir);
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      try (Stream<Path> list = Files.list(parent)) {
        if (list.findAny().isEmpty()) {
          Files.delete(parent);
        }
      } catch (DirectoryNotEmptyException e) {
        // Another benchmark created its directory there meanwhile: the parent stays, as it should.
      }
    }
  }

  /** Marks a directory this tool made for a peer engine, so that only such a one is ever emptied. */
  static final String PEER_MARKER = "STRATA-BENCH-PEER";

  /**
   * Empties the peer engine directory {@code dir} (RocksDB or LevelDB files) for a fresh database,
   * creating it with its marker if missing. Only a directory that is empty or carries {@link
   * #PEER_MARKER} is emptied.
   *
   * @throws IllegalArgumentException if {@code dir} holds files but no marker (nothing is deleted)
   * @throws IOException if listing, deleting or creating fails
   */
  static void resetPeer(Path dir) throws IOException {
    Files.createDirectories(dir);
    boolean marked = Files.exists(dir.resolve(PEER_MARKER));
    try (Stream<Path> list = Files.list(dir)) {
      if (!marked && list.findAny().isPresent()) {
        throw new IllegalArgumentException("refusing to empty " + dir + " for a peer benchmark database: it has no "
            + PEER_MARKER + " file, so this tool did not make it");
      }
    }
    deleteTree(dir);
    Files.createDirectories(dir);
    Files.createFile(dir.resolve(PEER_MARKER));
  }

  /**
   * Deletes the peer directory {@code dir} (which must carry {@link #PEER_MARKER}) with its files.
   *
   * @throws IllegalArgumentException if it has no marker
   * @throws IOException if deleting fails
   */
  static void removePeer(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.exists(dir.resolve(PEER_MARKER))) {
      throw new IllegalArgumentException("refusing to delete " + dir + ": no " + PEER_MARKER + " file");
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(java.util.Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  /** Bytes of all regular files under {@code dir}; 0 if it does not exist. */
  static long sizeOf(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    long total = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p)) {
          total += Files.size(p);
        }
      }
    }
    return total;
  }
}
