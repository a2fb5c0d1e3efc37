package io.stratadb;

/**
 * How SSTable data blocks are compressed, chosen per level with {@link
 * Options.Builder#compression(Compression)} and {@link Options.Builder#compressionPerLevel}. A
 * block that does not shrink by at least 1/8 is stored raw (LevelDB's rule). The codes are written
 * in each block trailer and match RocksDB's {@code CompressionType}; never renumber them.
 */
public enum Compression {
  /** Stored raw. */
  NONE(0),
  /** Snappy (snappy-java). */
  SNAPPY(1),
  /** LZ4 block format (lz4-java), prefixed with the raw length as a varint. */
  LZ4(4),
  /** Zstandard level 3 (zstd-jni), prefixed with the raw length as a varint. */
  ZSTD(7);

  private final int code;

  Compression(int code) {
    this.code = code;
  }

  /** The on-disk code. */
  public int code() {
    return code;
  }

  /**
   * The compression for an on-disk code.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static Compression fromCode(int code) {
    for (Compression c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown compression code " + code);
  }
}
