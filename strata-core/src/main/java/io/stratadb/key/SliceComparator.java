package io.stratadb.key;

import java.util.Comparator;

/**
 * A key order that can also compare a key stored inside a larger array (a block's bytes) without
 * copying it out, so a block seek compares restart keys and scanned entries in place (LevelDB
 * compares {@code Slice}s, views into the block, for the same reason).
 *
 * <p>Implementations are stateless and thread-safe. Both methods must agree: {@code compare(a, 0,
 * a.length, b) == compare(a, b)} for every pair.
 */
public interface SliceComparator extends Comparator<byte[]> {

  /**
   * Compares the key {@code a[offset, offset + length)} with {@code b}.
   *
   * @throws IllegalArgumentException if either key cannot be ordered (for internal keys: shorter
   *     than the 8-byte trailer)
   */
  int compare(byte[] a, int offset, int length, byte[] b);
}
