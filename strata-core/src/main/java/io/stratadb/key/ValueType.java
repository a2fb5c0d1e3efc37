package io.stratadb.key;

/**
 * The kind of an internal-key entry. The codes are on disk (WAL, SSTables); never renumber them.
 * Same codes as LevelDB's {@code ValueType} in {@code db/dbformat.h}.
 */
public enum ValueType {
  /** A tombstone: the key is deleted as of this sequence number. */
  DELETE(0),
  /** A value. */
  PUT(1);

  private final int code;

  ValueType(int code) {
    this.code = code;
  }

  /** The on-disk code. */
  public int code() {
    return code;
  }

  /**
   * The type for an on-disk code.
   *
   * @throws IllegalArgumentException for an unknown code (callers report corruption)
   */
  public static ValueType fromCode(int code) {
    switch (code) {
      case 0:
        return DELETE;
      case 1:
        return PUT;
      default:
        throw new IllegalArgumentException("unknown value type " + code);
    }
  }
}
