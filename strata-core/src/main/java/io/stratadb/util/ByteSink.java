package io.stratadb.util;

import java.util.Arrays;

/** A growable byte array with little-endian and varint appends. Not thread-safe. */
public final class ByteSink {
  private byte[] buf;
  private int size;

  /** Creates a sink with the given initial capacity in bytes. */
  public ByteSink(int capacity) {
    buf = new byte[Math.max(16, capacity)];
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
    }
  }

  /** Appends one byte. */
  public ByteSink put(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  /** Appends {@code len} bytes of {@code src} from {@code off}. */
  public ByteSink put(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, buf, size, len);
    size += len;
    return this;
  }

  /** Appends all of {@code src}. */
  public ByteSink put(byte[] src) {
    return put(src, 0, src.length);
  }

  /** Appends 4 little-endian bytes. */
  public ByteSink putFixed32(int v) {
    ensure(4);
    Coding.putFixed32(buf, size, v);
    size += 4;
    return this;
  }

  /** Appends 8 little-endian bytes. */
  public ByteSink putFixed64(long v) {
    ensure(8);
    Coding.putFixed64(buf, size, v);
    size += 8;
    return this;
  }

  /** Appends a varint (1 to 10 bytes). */
  public ByteSink putVarint64(long v) {
    ensure(10);
    size = Coding.putVarint(buf, size, v);
    return this;
  }

  /** Appends a varint length followed by the bytes. */
  public ByteSink putLengthPrefixed(byte[] src) {
    putVarint64(src.length);
    return put(src);
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  /** Forgets the contents, keeping the capacity. */
  public void reset() {
    size = 0;
  }

  /** Replaces the contents with a copy of {@code src[off, off + len)}, keeping the capacity. */
  public void copyOf(byte[] src, int off, int len) {
    size = 0;
    put(src, off, len);
  }

  /** Whether the contents equal {@code src[off, off + len)}. */
  public boolean contentEquals(byte[] src, int off, int len) {
    return Arrays.equals(buf, 0, size, src, off, off + len);
  }

  /** The backing array; valid up to {@link #size()}. */
  public byte[] array() {
    return buf;
  }

  /**
   * Makes room for {@code extra} more bytes and returns the backing array, so a codec can write
   * into it directly at index {@link #size()}; {@link #advance} then counts what it wrote. The
   * array returned may be replaced by a later append.
   *
   * @throws IllegalArgumentException if {@code extra} is negative
   */
  public byte[] reserve(int extra) {
    if (extra < 0) {
      throw new IllegalArgumentException("cannot reserve " + extra + " bytes");
    }
    ensure(extra);
    return buf;
  }

  /**
   * Counts {@code n} bytes written directly into the array {@link #reserve} returned.
   *
   * @throws IllegalArgumentException if {@code n} is negative or more than the room reserved
   */
  public void advance(int n) {
    if (n < 0 || n > buf.length - size) {
      throw new IllegalArgumentException("cannot advance " + n + " bytes with " + (buf.length - size) + " free");
    }
    size += n;
  }

  /** A copy of the contents. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }
}
