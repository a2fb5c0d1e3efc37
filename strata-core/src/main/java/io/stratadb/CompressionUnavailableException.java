package io.stratadb;

/**
 * A {@link Compression} was chosen, or a block stored with it was read, while the codec's library
 * is not usable: snappy-java and zstd-jni are optional dependencies of strata-core, which the
 * application adds when it uses {@link Compression#SNAPPY} or {@link Compression#ZSTD}. The message
 * names the Maven dependency to add ({@link #dependency()}) or, when the library is present but its
 * native code does not load on this platform, why. Nothing was written when this is thrown: {@link
 * Db#open} checks the options' codecs before it touches the directory, and a read that meets such a
 * block fails without returning data.
 */
public class CompressionUnavailableException extends StrataException {
  private static final long serialVersionUID = 1L;

  /** The codec that cannot be used. */
  private final Compression compression;
  /** The Maven coordinates of the codec's library, {@code groupId:artifactId:version}. */
  private final String dependency;

  /**
   * @param compression the codec that cannot be used
   * @param dependency the Maven coordinates of its library, {@code groupId:artifactId:version}
   * @param message what is wrong and what to do
   * @param cause the failure of the library's lookup or load, or null
   */
  public CompressionUnavailableException(Compression compression, String dependency, String message,
      Throwable cause) {
    super(message, cause);
    this.compression = compression;
    this.dependency = dependency;
  }

  /** {@return the codec that cannot be used} */
  public Compression compression() {
    return compression;
  }

  /** {@return the Maven coordinates of the codec's library, {@code groupId:artifactId:version}} */
  public String dependency() {
    return dependency;
  }
}
