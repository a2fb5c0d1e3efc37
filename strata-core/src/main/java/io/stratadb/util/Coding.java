package io.stratadb.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian fixed-width integers and LEB128 varints, as in LevelDB's {@code util/coding.h}.
 * Stateless and thread-safe.
 */
public final class Coding {

  private static final VarHandle LITTLE_ENDIAN_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LITTLE_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private Coding() {}

  /** Writes {@code v} as 4 little-endian bytes at {@code dst[off]}. */
  public static void putFixed32(byte[] dst, int off, int v) {
    dst[off] = (byte) v;
    dst[off + 1] = (byte) (v >>> 8);
    dst[off + 2] = (byte) (v >>> 16);
    dst[off + 3] = (byte) (v >>> 24);
  }

  /**
   * Reads 4 little-endian bytes at {@code src[off]}: one load through a byte-array view (C2 does
   * not merge byte loads and shifts into one; restart points and key trailers are read on every
   * block search step and key comparison).
   *
   * @throws IndexOutOfBoundsException if the bytes run outside {@code src}
   */
  public static int getFixed32(byte[] src, int off) {
    return (int) LITTLE_ENDIAN_INT.get(src, off);
  }

  /** Writes {@code v} as 8 little-endian bytes at {@code dst[off]}. */
  public static void putFixed64(byte[] dst, int off, long v) {
    putFixed32(dst, off, (int) v);
    putFixed32(dst, off + 4, (int) (v >>> 32));
  }

  /**
   * Reads 8 little-endian bytes at {@code src[off]} in one load, as {@link #getFixed32}.
   *
   * @throws IndexOutOfBoundsException if the bytes run outside {@code src}
   */
  public static long getFixed64(byte[] src, int off) {
    return (long) LITTLE_ENDIAN_LONG.get(src, off);
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
