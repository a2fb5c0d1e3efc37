package io.stratadb.cli;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.admin.DbFileName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * The {@code --db DIR} option shared by the subcommands (a picocli mixin), and opening the
 * database it names, without JMX: these commands are over before a JMX client could attach, and
 * starting the platform MBean server would add a few hundred ms to each. Not thread-safe (picocli sets the field once, before the command runs).
 */
public final class DbDirOption {

  /** The directory used when {@code --db} is not given. */
  public static final String DEFAULT_DIR = "./strata-data";

  @Option(
      names = "--db",
      paramLabel = "DIR",
      defaultValue = DEFAULT_DIR,
      description = "Database directory (default: ${DEFAULT-VALUE}).")
  Path dir;

  /**
   * The database directory.
   *
   * @return the directory {@code --db} names
   */
  public Path dir() {
    return dir;
  }

  /**
   * Opens the database for a command that writes, creating it if the directory is missing or empty,
   * or if {@code create} (the {@code --create} option) says to make one in a directory that holds
   * other files; so that a mistyped {@code --db} does not scatter database files among unrelated
   * ones.
   *
   * @param options the options to open with
   * @param create whether to create a database in a non-empty directory without one
   * @return the open database
   * @throws IllegalArgumentException if the directory holds files but no database and not {@code
   *     create}
   * @throws UncheckedIOException if the directory cannot be listed
   * @throws io.stratadb.StrataException if it cannot be opened (see {@link Db#open})
   */
  public Db openOrCreate(Options options, boolean create) {
    checkCreatable(create);
    return Db.open(dir, options.toBuilder().createIfMissing(true).jmx(false).build());
  }

  /**
   * Checks that a command that writes may open the directory, creating a database if there is none:
   * it is missing or empty, or holds a database, or {@code create} (the {@code --create} option).
   *
   * @param create whether to create a database in a non-empty directory without one
   * @throws IllegalArgumentException if the directory holds files but no database and not {@code
   *     create}
   * @throws UncheckedIOException if the directory cannot be listed
   */
  public void checkCreatable(boolean create) {
    if (!create && Files.isDirectory(dir) && !Files.exists(dir.resolve(DbFileName.CURRENT)) && !isEmpty(dir)) {
      throw new IllegalArgumentException(dir + " holds files but no database (no " + DbFileName.CURRENT
          + " file); give --create to make one there anyway");
    }
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /**
   * Opens an existing database for reading only ({@link Db#openReadOnly}), for commands that only
   * read ({@code get}, {@code scan}, {@code stats}): it writes nothing, so it works on a full or
   * read-only disk and beside a server that has the database open, and a mistyped {@code --db}
   * leaves nothing behind.
   *
   * @param options the engine options
   * @return the open, read-only database, which the caller must close
   * @throws IllegalArgumentException if there is no database in the directory
   * @throws io.stratadb.StrataException if it cannot be opened (see {@link Db#openReadOnly})
   */
  public Db openReadOnly(Options options) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no database at " + dir + " (the directory does not exist)");
    }
    return Db.openReadOnly(dir, options.toBuilder().jmx(false).build());
  }

  /**
   * Opens an existing database (for commands that write to one, but must not create one), so that a
   * mistyped {@code --db} does not leave an empty database behind.
   *
   * @param options the engine options
   * @return the open database, which the caller must close
   * @throws IllegalArgumentException if there is no database in the directory
   * @throws io.stratadb.StrataException if it cannot be opened (see {@link Db#open})
   */
  public Db openExisting(Options options) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no database at " + dir + " (the directory does not exist)");
    }
    return Db.open(dir, options.toBuilder().createIfMissing(false).jmx(false).build());
  }
}
