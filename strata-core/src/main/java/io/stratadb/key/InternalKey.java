package io.stratadb.key;

import io.stratadb.util.Coding;
import io.stratadb.util.UnsignedBytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The encoded internal key: the user key followed by an 8-byte little-endian trailer holding
 * {@code (sequence << 8) | valueType}, exactly as LevelDB's {@code db/dbformat.h}:
 *
 * <pre>
 *   +---------------------+----------------------------------------+
 *   | user key (n bytes)  | trailer: seq (56 bits) | type (8 bits) |  fixed64, little-endian
 *   +---------------------+----------------------------------------+
 * </pre>
 *
 * Internal keys sort by user key ascending (unsigned bytes), then by sequence number descending,
 * so the newest version of a user key comes first. Static helpers only; thread-safe.
 */
public final class InternalKey {

  /** Bytes of the trailer. */
  public static final int TRAILER_BYTES = 8;

  /** The largest sequence number (56 bits). */
  public static final long MAX_SEQUENCE = (1L << 56) - 1;

  /**
   * Internal-key order ({@link #compare(byte[], byte[])}) as a {@link SliceComparator}, for blocks
   * that compare keys in place.
   */
  public static final SliceComparator COMPARATOR = new SliceComparator() {
    @Override
    public int compare(byte[] a, byte[] b) {
      return InternalKey.compare(a, b);
    }

    @Override
    public int compare(byte[] a, int offset, int length, byte[] b) {
      return InternalKey.compare(a, offset, length, b);
    }
  };

  /** Reads a trailer in one load, for the in-place helpers on scan paths. */
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private InternalKey() {}

  /** Encodes {@code userKey} with a sequence number and type. */
  public static byte[] encode(byte[] userKey, long sequence, ValueType type) {
    if (sequence < 0 || sequence > MAX_SEQUENCE) {
      throw new IllegalArgumentException("sequence number out of range: " + sequence);
    }
    byte[] out = new byte[userKey.length + TRAILER_BYTES];
    System.arraycopy(userKey, 0, out, 0, userKey.length);
    Coding.putFixed64(out, userKey.length, (sequence << 8) | type.code());
    return out;
  }

  /**
   * The key to seek for the newest version of {@code userKey} visible at {@code sequence}: it sorts
   * before every entry of that user key with a sequence number at or below {@code sequence}.
   */
  public static byte[] forSeek(byte[] userKey, long sequence) {
    return encode(userKey, sequence, ValueType.PUT);
  }

  /** Length of the user-key part of {@code ikey}. */
  public static int userKeyLength(byte[] ikey) {
    return ikey.length - TRAILER_BYTES;
  }

  /** A copy of the user-key part. */
  public static byte[] userKey(byte[] ikey) {
    return Arrays.copyOf(ikey, ikey.length - TRAILER_BYTES);
  }

  /** The packed trailer. */
  public static long trailer(byte[] ikey) {
    return Coding.getFixed64(ikey, ikey.length - TRAILER_BYTES);
  }

  /** The sequence number. */
  public static long sequence(byte[] ikey) {
    return trailer(ikey) >>> 8;
  }

  /**
   * The value type.
   *
   * @throws IllegalArgumentException for an unknown type code
   */
  public static ValueType type(byte[] ikey) {
    return ValueType.fromCode((int) (trailer(ikey) & 0xff));
  }

  /**
   * The packed trailer of the internal key {@code buf[offset, offset + length)}: its last 8 bytes.
   *
   * @throws IndexOutOfBoundsException if {@code length < 8} or the key is not inside {@code buf}
   */
  public static long trailer(byte[] buf, int offset, int length) {
    if (length < TRAILER_BYTES) {
      throw new IndexOutOfBoundsException("internal key of " + length + " bytes has no trailer");
    }
    return (long) LONG_LE.get(buf, offset + length - TRAILER_BYTES);
  }

  /**
   * Whether the internal key {@code buf[offset, offset + length)} is long enough to hold a trailer
   * and has a known type, as {@link #isWellFormed(byte[])}.
   */
  public static boolean isWellFormed(byte[] buf, int offset, int length) {
    if (length < TRAILER_BYTES) {
      return false;
    }
    int code = (int) (trailer(buf, offset, length) & 0xff);
    return code == ValueType.DELETE.code() || code == ValueType.PUT.code();
  }

  /** Whether {@code ikey} is long enough to hold a trailer and has a known type. */
  public static boolean isWellFormed(byte[] ikey) {
    if (ikey.length < TRAILER_BYTES) {
      return false;
    }
    int code = (int) (trailer(ikey) & 0xff);
    return code == ValueType.DELETE.code() || code == ValueType.PUT.code();
  }

  /** Compares the user-key parts of two internal keys, unsigned lexicographically. */
  public static int compareUserKeys(byte[] a, byte[] b) {
    return UnsignedBytes.compare(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
  }

  /** Compares the user-key part of {@code ikey} with a plain user key. */
  public static int compareUserKey(byte[] ikey, byte[] userKey) {
    return UnsignedBytes.compare(ikey, 0, ikey.length - TRAILER_BYTES, userKey, 0, userKey.length);
  }

  /** Whether two internal keys have the same user key. */
  public static boolean sameUserKey(byte[] a, byte[] b) {
    return Arrays.equals(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
  }

  /** Internal-key order: user key ascending, then trailer (sequence, type) descending. */
  public static int compare(byte[] a, byte[] b) {
    int c = compareUserKeys(a, b);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(trailer(b), trailer(a));
  }

  /**
   * Internal-key order between the key {@code a[offset, offset + length)} and {@code b}, as {@link
   * #compare(byte[], byte[])}.
   *
   * @throws IllegalArgumentException if either key is shorter than the trailer
   */
  public static int compare(byte[] a, int offset, int length, byte[] b) {
    int aUser = length - TRAILER_BYTES;
    int bUser = b.length - TRAILER_BYTES;
    if (aUser < 0 || bUser < 0) {
      throw new IllegalArgumentException("internal key shorter than its " + TRAILER_BYTES + "-byte trailer");
    }
    int c = UnsignedBytes.compare(a, offset, aUser, b, 0, bUser);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned(Coding.getFixed64(b, bUser), Coding.getFixed64(a, offset + aUser));
  }

  /**
   * Internal-key order between the keys {@code a[aOffset, aOffset + aLength)} and {@code
   * b[bOffset, bOffset + bLength)}, as {@link #compare(byte[], byte[])}, without copying either.
   *
   * @throws IllegalArgumentException if either key is shorter than the trailer
   */
  public static int compare(byte[] a, int aOffset, int aLength, byte[] b, int bOffset, int bLength) {
    int aUser = aLength - TRAILER_BYTES;
    int bUser = bLength - TRAILER_BYTES;
    if (aUser < 0 || bUser < 0) {
      throw new IllegalArgumentException("internal key shorter than its " + TRAILER_BYTES + "-byte trailer");
    }
    int c = UnsignedBytes.compare(a, aOffset, aUser, b, bOffset, bUser);
    if (c != 0) {
      return c;
    }
    return Long.compareUnsigned((long) LONG_LE.get(b, bOffset + bUser), (long) LONG_LE.get(a, aOffset + aUser));
  }

  /** Human-readable form for error messages and tools. */
  public static String toString(byte[] ikey) {
    if (!isWellFormed(ikey)) {
      return "<malformed " + Arrays.toString(ikey) + ">";
    }
    return new String(ikey, 0, ikey.length - TRAILER_BYTES, java.nio.charset.StandardCharsets.UTF_8)
        + "@" + sequence(ikey) + ":" + type(ikey);
  }
}
