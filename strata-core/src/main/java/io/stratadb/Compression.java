package io.stratadb;

/**
 * How SSTable data blocks are compressed, chosen per level with {@link
 * Options.Builder#compression(Compression)} and {@link Options.Builder#compressionPerLevel}. A
 * block that does not shrink by at least 1/8 is stored raw (LevelDB's rule). The codes are written
 * in each block trailer and match RocksDB's {@code CompressionType}; never renumber them.
 *
 * <p>Libraries: {@link #NONE} needs none and {@link #LZ4} uses lz4-java, a dependency of
 * strata-core, through its pure-Java, bounds-checked ("safe") codec, so neither loads native code.
 * {@link #SNAPPY} (snappy-java) and {@link #ZSTD} (zstd-jni) are JNI bindings of the C libraries and
 * optional dependencies: the application adds the one it chooses (Maven {@code
 * org.xerial.snappy:snappy-java} or {@code com.github.luben:zstd-jni}), or {@link Db#open} throws
 * {@link CompressionUnavailableException} naming it. To use lz4-java's JNI codec instead, where it
 * loads, start the JVM with {@code -Dio.stratadb.lz4.native=true}; both LZ4 codecs read and write
 * the same bytes.
 */
public enum Compression {
  /** Stored raw. */
  NONE(0, null),
  /** Snappy (snappy-java, JNI; an optional dependency). */
  SNAPPY(1, new Library("org.xerial.snappy", "snappy-java", "snappy.java", "org.xerial.snappy.Snappy")),
  /** LZ4 block format (lz4-java, pure Java by default), prefixed with the raw length as a varint. */
  LZ4(4, null),
  /** Zstandard level 3 (zstd-jni, JNI; an optional dependency), prefixed with the raw length as a varint. */
  ZSTD(7, new Library("com.github.luben", "zstd-jni", "com.github.luben.zstd_jni", "com.github.luben.zstd.Zstd"));

  /** An optional codec library: its Maven coordinates, JPMS module name and the class that loads it. */
  record Library(String groupId, String artifactId, String moduleName, String entryClass) {}

  private final int code;
  private final Library library;

  Compression(int code, Library library) {
    this.code = code;
    this.library = library;
  }

  /** The optional library this codec needs, or null when it needs none beyond strata-core's dependencies. */
  Library library() {
    return library;
  }

  /**
   * Whether this codec can be used here: always for {@link #NONE} and {@link #LZ4}; for {@link
   * #SNAPPY} and {@link #ZSTD}, whether the optional library is on the class path (or resolved on
   * the module path) and its native library loads. The first call per codec loads the library.
   * Thread-safe.
   *
   * @return true if blocks can be compressed and decompressed with this codec
   */
  public boolean isAvailable() {
    try {
      CodecLibrary.require(this);
      return true;
    } catch (CompressionUnavailableException e) {
      return false;
    }
  }

  /**
   * Checks that this codec can be used; see {@link #isAvailable()}. Thread-safe.
   *
   * @throws CompressionUnavailableException if its optional library is absent (the message names
   *     the Maven dependency to add) or its native library does not load
   */
  public void requireAvailable() {
    CodecLibrary.require(this);
  }

  /** {@return the on-disk code} It is stored in each block's trailer. */
  public int code() {
    return code;
  }

  /**
   * The compression for an on-disk code.
   *
   * @param code the code read from a block
   * @return the compression with that code
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
