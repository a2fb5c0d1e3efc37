package io.stratadb.util;

/**
 * Little-endian fixed-width integers and LEB128 varints, as in LevelDB's {@code util/coding.h}.
 * Stateless and thread-safe.
 */
public final class Coding {

  private Coding() {}

  /** Writes {@code v} as 4 little-endian bytes at {@code dst[off]}. */
  public static void putFixed32(byte[] dst, int off, int v) {
    dst[off] = (byte) v;
    dst[off + 1] = (byte) (v >>> 8);
    dst[off + 2] = (byte) (v >>> 16);
    dst[off + 3] = (byte) (v >>> 24);
  }

  /** Reads 4 little-endian bytes at {@code src[off]}. */
  public static int getFixed32(byte[] src, int off) {
    return (src[off] & 0xff)
        | (src[off + 1] & 0xff) << 8
        | (src[off + 2] & 0xff) << 16
        | (src[off + 3] & 0xff) << 24;
  }

  /** Writes {@code v} as 8 little-endian bytes at {@code dst[off]}. */
  public static void putFixed64(byte[] dst, int off, long v) {
    putFixed32(dst, off, (int) v);
    putFixed32(dst, off + 4, (int) (v >>> 32));
  }

  /** Reads 8 little-endian bytes at {@code src[off]}. */
  public static long getFixed64(byte[] src, int off) {
    return (getFixed32(src, off) & 0xffffffffL) | ((long) getFixed32(src, off + 4) << 32);
  }

  /** Number of bytes {@link ByteSink#putVarint64(long)} uses for {@code v}. */
  public static int varintLength(long v) {
    int len = 1;
    while ((v & ~0x7fL) != 0) {
      v >>>= 7;
      len++;
    }
    return len;
  }

  /**
   * Writes {@code v} as a varint at {@code dst[off]}.
   *
   * @return the offset after the varint
   */
  public static int putVarint(byte[] dst, int off, long v) {
    while ((v & ~0x7fL) != 0) {
      dst[off++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    dst[off++] = (byte) v;
    return off;
  }
}
