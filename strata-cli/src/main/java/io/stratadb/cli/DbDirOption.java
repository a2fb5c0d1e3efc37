package io.stratadb.cli;

import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The database directory. */
  public Path dir() {
    return dir;
  }

  /**
   * Opens the database, creating it if it does not exist (for commands that write).
   *
   * @throws io.stratadb.StrataException if it cannot be opened (see {@link Db#open})
   */
  public Db openOrCreate(Options options) {
    return Db.open(dir, options.toBuilder().createIfMissing(true).jmx(false).build());
  }

  /**
   * Opens an existing database (for commands that only read), so that a mistyped {@code --db} does
   * not leave an empty database behind.
   *
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
