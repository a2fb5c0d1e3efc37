package io.stratadb.admin;

import io.stratadb.CorruptionException;

/**
 * One problem found in a database's files by {@link DbAdmin#verify} or {@link DbAdmin#repair}: which file,
 * where in it, and what is wrong. Immutable.
 *
 * @param file the file's path as a string ({@code CURRENT}, a manifest, a WAL or an SSTable)
 * @param offset byte offset of the damaged record, block or field in {@code file}; -1 when the
 *     problem is the file as a whole (for example, a missing file)
 * @param reason what is wrong, e.g. "block checksum mismatch"
 */
public record Finding(String file, long offset, String reason) {

  /**
   * The finding a corruption error describes: its file, offset and reason (without the location
   * suffix of its message).
   *
   * @param e the error
   * @return the finding
   */
  public static Finding of(CorruptionException e) {
    String message = e.getMessage();
    String suffix = " in " + e.file() + " at offset " + e.offset();
    String reason = message.endsWith(suffix) ? message.substring(0, message.length() - suffix.length()) : message;
    return new Finding(e.file(), e.offset(), reason);
  }

  /**
   * One line for a report.
   *
   * @return {@code file at offset N: reason}, or {@code file: reason} without an offset
   */
  @Override
  public String toString() {
    return offset < 0 ? file + ": " + reason : file + " at offset " + offset + ": " + reason;
  }
}
