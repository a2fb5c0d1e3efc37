package io.stratadb.util;

import java.util.Arrays;

/**
 * A view of {@code length} bytes of an array starting at {@code offset}, handed out by iterators
 * so that readers look at a key or value where it lies (in a block, in a memtable arena) instead of
 * copying it (LevelDB's {@code Slice}, Pebble's {@code []byte} views into a block).
 *
 * <p>A slice is a cursor's window, not a value: the iterator that hands it out may re-point the
 * same object at other bytes when it moves, and the bytes viewed are only guaranteed until then.
 * Nobody writes through a slice; a reader that keeps data past the next move copies it ({@link
 * #toArray()}).
 *
 * <p>Not thread-safe: it belongs to the single thread of its iterator.
 */
public final class Slice {
  private static final byte[] EMPTY = new byte[0];

  private byte[] array;
  private int offset;
  private int length;

  /** An empty slice. */
  public Slice() {
    this(EMPTY, 0, 0);
  }

  /**
   * A view of {@code array[offset, offset + length)}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code array}
   */
  public Slice(byte[] array, int offset, int length) {
    set(array, offset, length);
  }

  /**
   * Re-points this slice at {@code array[offset, offset + length)}.
   *
   * @throws IndexOutOfBoundsException if the range is not inside {@code array}
   */
  public void set(byte[] array, int offset, int length) {
    if ((offset | length) < 0 || offset > array.length - length) {
      throw new IndexOutOfBoundsException(
          "slice [" + offset + ", " + offset + " + " + length + ") of " + array.length + " bytes");
    }
    this.array = array;
    this.offset = offset;
    this.length = length;
  }

  /** The array viewed; only {@code [offset(), offset() + length())} belongs to the slice. */
  public byte[] array() {
    return array;
  }

  /** Index in {@link #array()} of the first byte. */
  public int offset() {
    return offset;
  }

  /** Number of bytes viewed. */
  public int length() {
    return length;
  }

  /** A fresh copy of the bytes viewed, owned by the caller. */
  public byte[] toArray() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }

  @Override
  public String toString() {
    return "Slice" + Arrays.toString(toArray());
  }
}
