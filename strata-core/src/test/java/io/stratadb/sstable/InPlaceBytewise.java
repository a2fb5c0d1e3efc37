package io.stratadb.sstable;

import io.stratadb.key.SliceComparator;
import java.util.Arrays;

/**
 * TEST ONLY: bytewise order that compares a stored key in place, as the internal-key comparator
 * does, so block tests take the same no-copy paths on plain keys.
 */
enum InPlaceBytewise implements SliceComparator {
  INSTANCE;

  @Override
  public int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  @Override
  public int compare(byte[] a, int offset, int length, byte[] b) {
    return Arrays.compareUnsigned(a, offset, offset + length, b, 0, b.length);
  }
}
