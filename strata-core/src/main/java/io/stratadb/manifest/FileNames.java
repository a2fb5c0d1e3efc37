package io.stratadb.manifest;

import java.nio.file.Path;

/**
 * The names of the files in a database directory (LevelDB's {@code db/filename.cc}):
 *
 * <pre>
 *   NNNNNN.log        write-ahead log of one memtable
 *   NNNNNN.sst        SSTable
 *   MANIFEST-NNNNNN   manifest (log of version edits)
 *   CURRENT           names the live manifest; replaced by atomic rename
 *   LOCK              held by the process that has the database open
 *   NNNNNN.dbtmp      temporary file (a CURRENT being written)
 * </pre>
 *
 * All NNNNNN come from one counter, the manifest's next file number. Stateless; thread-safe.
 */
public final class FileNames {
  private FileNames() {}

  /** Kinds of database files. */
  public enum Kind {
    /** A WAL. */
    LOG,
    /** An SSTable. */
    TABLE,
    /** A manifest. */
    MANIFEST,
    /** The CURRENT pointer. */
    CURRENT,
    /** The lock file. */
    LOCK,
    /** A temporary file. */
    TEMP
  }

  /** A parsed file name: its kind and number (0 for CURRENT and LOCK). */
  public record Parsed(Kind kind, long number) {}

  /** Path of WAL {@code number}. */
  public static Path log(Path dir, long number) {
    return dir.resolve(String.format("%06d.log", number));
  }

  /** Path of SSTable {@code number}. */
  public static Path table(Path dir, long number) {
    return dir.resolve(String.format("%06d.sst", number));
  }

  /** Path of manifest {@code number}. */
  public static Path manifest(Path dir, long number) {
    return dir.resolve(manifestName(number));
  }

  /** File name of manifest {@code number}. */
  public static String manifestName(long number) {
    return String.format("MANIFEST-%06d", number);
  }

  /** Path of the CURRENT file. */
  public static Path current(Path dir) {
    return dir.resolve("CURRENT");
  }

  /**
   * The subdirectory into which files a database will not use are moved, never deleted: by an
   * open, files the manifest history does not account for; by {@code strata repair}, the files it
   * replaced (LevelDB's {@code lost/}).
   */
  public static final String LOST_DIR = "lost";

  /** Path of the LOCK file. */
  public static Path lock(Path dir) {
    return dir.resolve("LOCK");
  }

  /** Path of temporary file {@code number}. */
  public static Path temp(Path dir, long number) {
    return dir.resolve(String.format("%06d.dbtmp", number));
  }

  /** Parses a file name; null if it is not a database file. */
  public static Parsed parse(String name) {
    if (name.equals("CURRENT")) {
      return new Parsed(Kind.CURRENT, 0);
    }
    if (name.equals("LOCK")) {
      return new Parsed(Kind.LOCK, 0);
    }
    if (name.startsWith("MANIFEST-")) {
      Long n = number(name.substring("MANIFEST-".length()));
      return n == null ? null : new Parsed(Kind.MANIFEST, n);
    }
    int dot = name.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    Long n = number(name.substring(0, dot));
    if (n == null) {
      return null;
    }
    switch (name.substring(dot)) {
      case ".log":
        return new Parsed(Kind.LOG, n);
      case ".sst":
        return new Parsed(Kind.TABLE, n);
      case ".dbtmp":
        return new Parsed(Kind.TEMP, n);
      default:
        return null;
    }
  }

  private static Long number(String digits) {
    if (digits.isEmpty() || digits.length() > 18) {
      return null;
    }
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Long.parseLong(digits);
  }
}
