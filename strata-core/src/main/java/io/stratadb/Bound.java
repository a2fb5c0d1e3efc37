package io.stratadb;

import io.stratadb.util.PrintableKeys;
import java.util.Arrays;

/**
 * One end of a key range for {@link Db#scan(Bound, Bound)}: inclusive, exclusive or unbounded.
 *
 * <p>Immutable and thread-safe. The key array is copied on construction.
 */
public final class Bound {

  private static final Bound UNBOUNDED = new Bound(null, false);

  private final byte[] key;
  private final boolean inclusive;

  private Bound(byte[] key, boolean inclusive) {
    this.key = key;
    this.inclusive = inclusive;
  }

  /**
   * A bound that includes {@code key}.
   *
   * @param key the bound key; copied, so later changes to the array do not move the bound
   * @return an inclusive bound at {@code key}
   * @throws IllegalArgumentException if {@code key} is null (use {@link #unbounded()} for no bound)
   */
  public static Bound inclusive(byte[] key) {
    return new Bound(nonNull(key, "key").clone(), true);
  }

  /**
   * A bound that excludes {@code key}.
   *
   * @param key the bound key; copied, so later changes to the array do not move the bound
   * @return an exclusive bound at {@code key}
   * @throws IllegalArgumentException if {@code key} is null (use {@link #unbounded()} for no bound)
   */
  public static Bound exclusive(byte[] key) {
    return new Bound(nonNull(key, "key").clone(), false);
  }

  /**
   * The exclusive upper bound of the keys that start with {@code prefix}: {@code
   * exclusive(successor)}, where the successor is the prefix without its trailing {@code 0xff}
   * bytes and with its last byte then incremented; {@link #unbounded()} when the prefix is empty or
   * all {@code 0xff}. With {@code inclusive(prefix)} as the lower bound it selects exactly the keys
   * starting with {@code prefix} ({@link Db#scanPrefix(byte[])}).
   *
   * @param prefix the key prefix (copied)
   * @return the upper bound just past every key that starts with {@code prefix}
   * @throws IllegalArgumentException if {@code prefix} is null
   */
  public static Bound prefixEnd(byte[] prefix) {
    nonNull(prefix, "prefix");
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] successor = Arrays.copyOf(prefix, i + 1);
        successor[i]++;
        return new Bound(successor, false);
      }
    }
    return UNBOUNDED;
  }

  /** {@code array}, or the API's exception for a null argument (as {@link Db}'s methods throw). */
  private static byte[] nonNull(byte[] array, String name) {
    if (array == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    return array;
  }

  /** {@return the absence of a bound} The range extends to the first (or last) key. */
  public static Bound unbounded() {
    return UNBOUNDED;
  }

  /** {@return whether this bound is {@link #unbounded()}} */
  public boolean isUnbounded() {
    return key == null;
  }

  /** {@return whether the bound key itself is in range; false for unbounded} */
  public boolean isInclusive() {
    return inclusive;
  }

  /**
   * The bound key (a copy).
   *
   * @return a new copy of the bound key
   * @throws IllegalStateException if the bound is unbounded
   */
  public byte[] key() {
    if (key == null) {
      throw new IllegalStateException("unbounded bound has no key");
    }
    return key.clone();
  }

  /**
   * {@return whether {@code k} is at or above this bound read as a lower bound}
   *
   * @param k the key to test, compared bytewise unsigned; not null
   */
  public boolean admitsAsLower(byte[] k) {
    if (key == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(k, key);
    return inclusive ? c >= 0 : c > 0;
  }

  /**
   * {@return whether {@code k} is at or below this bound read as an upper bound}
   *
   * @param k the key to test, compared bytewise unsigned; not null
   */
  public boolean admitsAsUpper(byte[] k) {
    if (key == null) {
      return true;
    }
    int c = Arrays.compareUnsigned(k, key);
    return inclusive ? c <= 0 : c < 0;
  }

  @Override
  public String toString() {
    return key == null ? "unbounded" : (inclusive ? "inclusive(" : "exclusive(") + PrintableKeys.format(key) + ")";
  }
}
