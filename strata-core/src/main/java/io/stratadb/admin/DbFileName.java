package io.stratadb.admin;

import io.stratadb.manifest.FileNames;
import java.util.Optional;

/**
 * The kind and number of a file in a database directory, parsed from its name (LevelDB's {@code
 * ParseFileName}):
 *
 * <pre>
 *   NNNNNN.log        LOG       write-ahead log of one memtable
 *   NNNNNN.sst        TABLE     SSTable
 *   MANIFEST-NNNNNN   MANIFEST  manifest (log of version edits)
 *   CURRENT           CURRENT   names the live manifest
 *   LOCK              LOCK      held by the process that has the database open
 *   NNNNNN.dbtmp      TEMP      temporary file
 * </pre>
 *
 * Immutable.
 *
 * @param kind what the file is
 * @param number its file number; 0 for CURRENT and LOCK
 */
public record DbFileName(Kind kind, long number) {

  /** The name of the file that names the live manifest; a directory holds a database if it has one. */
  public static final String CURRENT = "CURRENT";

  /** The kinds of files a database directory holds. */
  public enum Kind {
    /** A write-ahead log ({@code NNNNNN.log}). */
    LOG,
    /** An SSTable ({@code NNNNNN.sst}). */
    TABLE,
    /** A manifest ({@code MANIFEST-NNNNNN}). */
    MANIFEST,
    /** The {@code CURRENT} file, naming the live manifest. */
    CURRENT,
    /** The {@code LOCK} file. */
    LOCK,
    /** A temporary file ({@code NNNNNN.dbtmp}). */
    TEMP
  }

  /**
   * Parses a file name (the last element of a path, e.g. {@code "000012.sst"}).
   *
   * @param name a file name without directory
   * @return the kind and number, or empty if {@code name} is not a database file's name
   * @throws NullPointerException if {@code name} is null
   */
  public static Optional<DbFileName> parse(String name) {
    FileNames.Parsed parsed = FileNames.parse(name);
    return parsed == null ? Optional.empty()
        : Optional.of(new DbFileName(Kind.valueOf(parsed.kind().name()), parsed.number()));
  }
}
