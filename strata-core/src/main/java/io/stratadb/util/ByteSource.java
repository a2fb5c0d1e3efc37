package io.stratadb.util;

/**
 * A cursor reading little-endian integers and varints from a byte array. Reads past the limit
 * throw {@link IndexOutOfBoundsException}; callers that parse stored data turn that into a
 * corruption error naming the file. Not thread-safe.
 */
public final class ByteSource {
  private final byte[] buf;
  private int pos;
  private final int limit;

  /** Reads {@code buf[off..limit)}. */
  public ByteSource(byte[] buf, int off, int limit) {
    this.buf = buf;
    this.pos = off;
    this.limit = limit;
  }

  /** Reads all of {@code buf}. */
  public ByteSource(byte[] buf) {
    this(buf, 0, buf.length);
  }

  /** Current offset in the array. */
  public int position() {
    return pos;
  }

  /** Whether bytes remain. */
  public boolean hasRemaining() {
    return pos < limit;
  }

  /** Bytes remaining. */
  public int remaining() {
    return limit - pos;
  }

  private void need(int n) {
    if (n < 0 || n > limit - pos) {
      throw new IndexOutOfBoundsException("need " + n + " bytes at " + pos + ", limit " + limit);
    }
  }

  /** Reads one unsigned byte. */
  public int get() {
    need(1);
    return buf[pos++] & 0xff;
  }

  /** Reads 4 little-endian bytes. */
  public int getFixed32() {
    need(4);
    int v = Coding.getFixed32(buf, pos);
    pos += 4;
    return v;
  }

  /** Reads 8 little-endian bytes. */
  public long getFixed64() {
    need(8);
    long v = Coding.getFixed64(buf, pos);
    pos += 8;
    return v;
  }

  /** Reads a varint of at most 10 bytes. */
  public long getVarint64() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = get();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IndexOutOfBoundsException("varint longer than 10 bytes at " + pos);
  }

  /** Reads a varint that must fit a non-negative int. */
  public int getVarint32() {
    long v = getVarint64();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IndexOutOfBoundsException("varint32 out of range: " + v);
    }
    return (int) v;
  }

  /** Reads {@code n} bytes into a new array. */
  public byte[] getBytes(int n) {
    need(n);
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  /** Reads a varint length, then that many bytes. */
  public byte[] getLengthPrefixed() {
    return getBytes(getVarint32());
  }
}
