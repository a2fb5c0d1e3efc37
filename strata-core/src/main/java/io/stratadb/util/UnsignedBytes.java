package io.stratadb.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Lexicographic order and equality of byte ranges read as unsigned, the order of {@link
 * Arrays#compareUnsigned(byte[], int, int, byte[], int, int)}, tuned for keys of a few dozen bytes.
 *
 * <p>Why not {@code Arrays.compareUnsigned} throughout: for ranges of 8 bytes or more it calls the
 * JDK's vectorized mismatch stub, whose set-up costs more than it saves on a 16-byte key. A scan
 * compares keys once or twice per entry (the merging iterator's heap, the skip of older
 * versions), and profiles of readseq put about 12% of its time in that call chain. Short ranges
 * are compared here 8 bytes at a time as big-endian longs (whose unsigned order is the bytes'
 * order), as the {@code memcmp} under LevelDB's bytewise comparator reads words; when even the
 * shorter of the two ranges is longer than {@link #SHORT_BYTES}, the JDK compares them, as its
 * vector loop wins there.
 *
 * <p>Thread-safety: stateless; the arrays must not change during a call.
 */
public final class UnsignedBytes {
  /** Compares whose shorter range is at most this many bytes are done here, longer ones by the JDK. */
  static final int SHORT_BYTES = 64;

  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private UnsignedBytes() {}

  /**
   * Orders {@code a[aFrom, aFrom + aLength)} against {@code b[bFrom, bFrom + bLength)}: bytes as
   * unsigned, the first difference decides, else the shorter range sorts first.
   *
   * @return negative, zero or positive as {@code a}'s range sorts before, equal to or after
   *     {@code b}'s
   * @throws IllegalArgumentException if a length is negative (as the JDK's {@code fromIndex >
   *     toIndex})
   * @throws IndexOutOfBoundsException if a byte read lies outside its array (a range that is not
   *     inside its array is a caller's error, not always detected)
   */
  public static int compare(byte[] a, int aFrom, int aLength, byte[] b, int bFrom, int bLength) {
    if ((aLength | bLength) < 0) {
      throw new IllegalArgumentException("negative length: " + aLength + ", " + bLength);
    }
    int common = Math.min(aLength, bLength);
    if (common > SHORT_BYTES) {
      return Arrays.compareUnsigned(a, aFrom, aFrom + aLength, b, bFrom, bFrom + bLength);
    }
    int i = 0;
    for (; i + Long.BYTES <= common; i += Long.BYTES) {
      long x = (long) LONG_BE.get(a, aFrom + i);
      long y = (long) LONG_BE.get(b, bFrom + i);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; i < common; i++) {
      int c = (a[aFrom + i] & 0xff) - (b[bFrom + i] & 0xff);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(aLength, bLength);
  }

  /**
   * Whether {@code a[aFrom, aFrom + length)} and {@code b[bFrom, bFrom + length)} hold the same
   * bytes.
   *
   * @throws IllegalArgumentException if a length is negative (as the JDK's {@code fromIndex >
   *     toIndex})
   * @throws IndexOutOfBoundsException if a byte read lies outside its array (a range that is not
   *     inside its array is a caller's error, not always detected)
   */
  public static boolean equal(byte[] a, int aFrom, byte[] b, int bFrom, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative length: " + length);
    }
    if (length > SHORT_BYTES) {
      return Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length);
    }
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      if ((long) LONG_BE.get(a, aFrom + i) != (long) LONG_BE.get(b, bFrom + i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (a[aFrom + i] != b[bFrom + i]) {
        return false;
      }
    }
    return true;
  }
}
