package io.stratadb.cli;

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
}
