package io.stratadb.jmh;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Keys and values shaped as {@code strata bench}'s: 16-byte zero-padded decimal keys, 100-byte values. */
final class BenchData {
  static final int KEY_SIZE = 16;
  static final int VALUE_SIZE = 100;

  private BenchData() {}

  /** The 16-byte key of number {@code k}. */
  static byte[] key(long k) {
    return String.format("%016d", k).getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code count} keys of random numbers below {@code bound}, from {@code seed}. */
  static byte[][] randomKeys(int count, long bound, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] keys = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = key(random.nextLong(bound));
    }
    return keys;
  }

  /** A value of {@link #VALUE_SIZE} random bytes. */
  static byte[] value(long seed) {
    byte[] v = new byte[VALUE_SIZE];
    new SplittableRandom(seed).nextBytes(v);
    return v;
  }
}
