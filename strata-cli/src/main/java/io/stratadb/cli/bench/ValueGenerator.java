package io.stratadb.cli.bench;

import java.util.Arrays;
import java.util.Random;

/**
 * Benchmark values, as LevelDB db_bench's {@code RandomGenerator}: a buffer of at least 1 MiB of
 * pseudo-random printable text built so that it would compress to about half its size, handed out
 * in consecutive slices, or (for the larger-than-memory mode) of uniformly random bytes that do not
 * compress. Deterministic for a given seed. Not thread-safe: one per benchmark thread.
 */
final class ValueGenerator {

  private static final int BUFFER_BYTES = 1 << 20;
  private static final int PIECE_BYTES = 100;
  private static final double COMPRESSION_RATIO = 0.5;

  private final byte[] data;
  private int pos;

  /**
   * Builds the buffer (about a millisecond; do it outside timed code).
   *
   * @param seed random seed; db_bench uses 301
   * @param maxValueSize the largest value that {@link #next(int)} will be asked for
   */
  ValueGenerator(long seed, int maxValueSize) {
    this(seed, maxValueSize, true);
  }

  /**
   * Builds the buffer (about a millisecond; do it outside timed code).
   *
   * @param seed random seed; db_bench uses 301
   * @param maxValueSize the largest value that {@link #next(int)} will be asked for
   * @param compressible db_bench's text that compresses to half if true, else random bytes
   */
  ValueGenerator(long seed, int maxValueSize, boolean compressible) {
    Random rnd = new Random(seed);
    int size = Math.max(BUFFER_BYTES, maxValueSize);
    data = new byte[size];
    if (!compressible) {
      rnd.nextBytes(data);
      return;
    }
    for (int filled = 0; filled < size; filled += PIECE_BYTES) {
      byte[] piece = compressiblePiece(rnd);
      System.arraycopy(piece, 0, data, filled, Math.min(PIECE_BYTES, size - filled));
    }
  }

  /**
   * The next {@code len} bytes of the buffer, wrapping to its start when they do not fit.
   *
   * @throws IllegalArgumentException if {@code len} is negative or larger than the buffer
   */
  byte[] next(int len) {
    if (len < 0 || len > data.length) {
      throw new IllegalArgumentException("value size must be between 0 and " + data.length + ", got " + len);
    }
    if (pos + len > data.length) {
      pos = 0;
    }
    byte[] v = Arrays.copyOfRange(data, pos, pos + len);
    pos += len;
    return v;
  }

  /** {@code PIECE_BYTES} bytes: a random printable prefix repeated, so it compresses by the ratio. */
  private static byte[] compressiblePiece(Random rnd) {
    int raw = Math.max(1, (int) (PIECE_BYTES * COMPRESSION_RATIO));
    byte[] piece = new byte[PIECE_BYTES];
    for (int i = 0; i < raw; i++) {
      piece[i] = (byte) (' ' + rnd.nextInt(95));
    }
    for (int i = raw; i < PIECE_BYTES; i++) {
      piece[i] = piece[i - raw];
    }
    return piece;
  }
}
