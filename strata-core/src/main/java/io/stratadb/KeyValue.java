package io.stratadb;

import java.util.Arrays;
import java.util.Objects;

/**
 * One live entry of a {@link DbIterator}, as its {@link DbIterator#iterator() for-each} and {@link
 * DbIterator#stream() stream} views hand it out: the key and value copied out of the iterator at
 * that step. The arrays are the caller's (each entry holds its own copies, made once, when the
 * entry was produced); they are not copied again by the accessors, so do not share an entry whose
 * arrays you mutate. {@link #equals} and {@link #hashCode} compare contents.
 *
 * @param key the user key; never null
 * @param value the value, possibly empty; never null
 */
public record KeyValue(byte[] key, byte[] value) {

  /**
   * Creates an entry over the given arrays (not copied).
   *
   * @param key the user key, not null
   * @param value the value, possibly empty, not null
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public KeyValue {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue other && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  /** The key as {@code io.stratadb} prints keys in messages, and the value's length. */
  @Override
  public String toString() {
    return "KeyValue[key=" + io.stratadb.util.PrintableKeys.format(key) + ", value=" + value.length + " bytes]";
  }
}
