package io.stratadb;

/**
 * Stored data failed a checksum or a format check. The message names the file and the byte offset
 * of the damaged record or block, so an operator can find it. StrataDB never returns data that
 * failed its checksum.
 */
public class CorruptionException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** The damaged file's path, as the message gives it. */
  private final String file;
  /** The byte offset of the damage in {@link #file}, or -1 if unknown. */
  private final long offset;

  /**
   * @param file the damaged file's name (or path)
   * @param offset byte offset of the damaged record or block in that file, or -1 if unknown
   * @param what what is wrong, e.g. "block checksum mismatch"
   */
  public CorruptionException(String file, long offset, String what) {
    super(what + " in " + file + " at offset " + offset);
    this.file = file;
    this.offset = offset;
  }

  /** {@return the damaged file} */
  public String file() {
    return file;
  }

  /** {@return the byte offset of the damage in {@link #file()}, or -1 if unknown} */
  public long offset() {
    return offset;
  }
}
