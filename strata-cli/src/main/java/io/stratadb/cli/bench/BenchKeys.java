package io.stratadb.cli.bench;

/**
 * Benchmark keys as in LevelDB's db_bench: the key number in decimal, zero-padded to a fixed width
 * ({@code 0000000000000042} for 42 at width 16). Stateless; thread-safe.
 */
final class BenchKeys {
  private BenchKeys() {}

  /**
   * The key for {@code k}, as ASCII digits left-padded with '0' to {@code width} bytes (longer if
   * {@code k} has more digits). Allocates a new array each time: the engine may keep it.
   *
   * @throws IllegalArgumentException if {@code k} is negative
   */
  static byte[] key(long k, int width) {
    if (k < 0) {
      throw new IllegalArgumentException("key number must be >= 0, got " + k);
    }
    byte[] b = new byte[Math.max(width, digits(k))];
    int i = b.length;
    do {
      b[--i] = (byte) ('0' + k % 10);
      k /= 10;
    } while (k != 0);
    while (i > 0) {
      b[--i] = '0';
    }
    return b;
  }

  /** Number of decimal digits of {@code k >= 0}. */
  static int digits(long k) {
    int n = 1;
    while (k >= 10) {
      k /= 10;
      n++;
    }
    return n;
  }
}
