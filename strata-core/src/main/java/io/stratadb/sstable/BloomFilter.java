package io.stratadb.sstable;

import io.stratadb.util.Hash64;
import java.util.function.IntToLongFunction;

/**
 * A whole-table bloom filter over user keys (LevelDB's {@code util/bloom.cc} layout: the bit array
 * followed by one byte holding the probe count k). Probes use double hashing (Kirsch and
 * Mitzenmacher, "Less Hashing, Same Performance") on the two halves of {@link Hash64}: probe i tests
 * bit {@code (h1 + i * h2) mod bits}. With 10 bits per key and k = 7 the false-positive rate is
 * about 0.8%. Stateless helpers; thread-safe.
 */
public final class BloomFilter {

  private BloomFilter() {}

  /** The probe count for {@code bitsPerKey}: bitsPerKey * ln 2, clamped to [1, 30]. */
  public static int probes(int bitsPerKey) {
    return Math.max(1, Math.min(30, (int) Math.round(bitsPerKey * 0.69)));
  }

  /**
   * Builds the filter for {@code count} key hashes.
   *
   * @param hashes {@link Hash64} of each user key, in {@code hashes[0, count)}
   * @return filter bytes: bit array, then the probe count
   */
  public static byte[] build(long[] hashes, int count, int bitsPerKey) {
    return build(i -> hashes[i], count, bitsPerKey);
  }

  /**
   * Builds the filter for {@code count} key hashes, read through {@code hashAt} (so a builder may
   * keep them in chunks rather than one array it regrows).
   *
   * @param hashAt the {@link Hash64} of key {@code i}, for i in {@code [0, count)}
   * @return filter bytes: bit array, then the probe count
   */
  public static byte[] build(IntToLongFunction hashAt, int count, int bitsPerKey) {
    long bits = Math.max(64, (long) count * bitsPerKey);
    int bytes = (int) Math.min(Integer.MAX_VALUE - 1, (bits + 7) / 8);
    bits = bytes * 8L;
    int k = probes(bitsPerKey);
    byte[] filter = new byte[bytes + 1];
    filter[bytes] = (byte) k;
    for (int i = 0; i < count; i++) {
      long h = hashAt.applyAsLong(i);
      // (h1 + j * h2) mod bits, stepped: two divisions per key instead of k (h1 and h2 are below
      // 2^32 and j below 31, so the sum never overflows and floorMod is the plain remainder).
      long bit = (h & 0xffffffffL) % bits;
      long step = ((h >>> 32) | 1) % bits;
      for (int j = 0; j < k; j++) {
        filter[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
        bit += step;
        if (bit >= bits) {
          bit -= bits;
        }
      }
    }
    return filter;
  }

  /** The probe count k stored in {@code filter}'s last byte (0 for a filter too short to hold one). */
  public static int probeCount(byte[] filter) {
    return filter.length < 2 ? 0 : filter[filter.length - 1];
  }

  /** Bits in {@code filter}'s bit array (its last byte holds the probe count, not bits). */
  public static long bitCount(byte[] filter) {
    return filter.length < 2 ? 0 : (filter.length - 1) * 8L;
  }

  /** Whether a key with hash {@code hash} may be in the set; false means certainly not. */
  public static boolean mayContain(byte[] filter, long hash) {
    if (filter.length < 2) {
      return true;
    }
    int k = filter[filter.length - 1];
    if (k < 1 || k > 30) {
      return true; // reserved for future encodings: never claim absence
    }
    long bits = (filter.length - 1) * 8L;
    // (h1 + j * h2) mod bits, as build computes it, stepped without a division per probe: h1 and
    // h2 are below 2^32 and j below 31, so the sum never overflows and the residues add up exactly.
    long bit = (hash & 0xffffffffL) % bits;
    long step = ((hash >>> 32) | 1) % bits;
    for (int j = 0; j < k; j++) {
      if ((filter[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
      bit += step;
      if (bit >= bits) {
        bit -= bits;
      }
    }
    return true;
  }
}
