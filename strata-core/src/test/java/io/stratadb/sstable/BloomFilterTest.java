package io.stratadb.sstable;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.util.Hash64;
import org.junit.jupiter.api.Test;

class BloomFilterTest {

  private static long hash(String key) {
    byte[] k = key.getBytes(UTF_8);
    return Hash64.hash(k, 0, k.length);
  }

  private static byte[] filterFor(int n, int bitsPerKey) {
    long[] hashes = new long[n];
    for (int i = 0; i < n; i++) {
      hashes[i] = hash("key" + i);
    }
    return BloomFilter.build(hashes, n, bitsPerKey);
  }

  @Test
  void noFalseNegatives() {
    byte[] filter = filterFor(10_000, 10);
    for (int i = 0; i < 10_000; i++) {
      assertTrue(BloomFilter.mayContain(filter, hash("key" + i)), "key" + i);
    }
  }

  @Test
  void falsePositiveRateIsUnderTwoPercentAtTenBitsPerKey() {
    byte[] filter = filterFor(10_000, 10);
    int falsePositives = 0;
    int probes = 100_000;
    for (int i = 0; i < probes; i++) {
      if (BloomFilter.mayContain(filter, hash("absent" + i))) {
        falsePositives++;
      }
    }
    double rate = (double) falsePositives / probes;
    assertTrue(rate < 0.02, "false-positive rate " + rate);
    assertTrue(rate > 0.0, "a bloom filter with 10 bits/key is not perfect: suspicious " + rate);
  }

  @Test
  void layoutIsBitsThenProbeCount() {
    byte[] filter = filterFor(1000, 10);
    assertEquals(1000 * 10 / 8 + 1, filter.length);
    assertEquals(BloomFilter.probes(10), filter[filter.length - 1]);
    assertEquals(7, BloomFilter.probes(10));
    assertEquals(1, BloomFilter.probes(1));
    assertEquals(30, BloomFilter.probes(100));
  }

  @Test
  void tinyFiltersHaveAtLeast64Bits() {
    byte[] filter = filterFor(1, 10);
    assertEquals(8 + 1, filter.length);
    assertTrue(BloomFilter.mayContain(filter, hash("key0")));
    byte[] empty = BloomFilter.build(new long[0], 0, 10);
    assertFalse(BloomFilter.mayContain(empty, hash("anything")), "an empty set contains nothing");
  }

  @Test
  void unknownEncodingsNeverClaimAbsence() {
    assertTrue(BloomFilter.mayContain(new byte[0], 1));
    assertTrue(BloomFilter.mayContain(new byte[1], 1));
    byte[] filter = filterFor(100, 10);
    filter[filter.length - 1] = 31; // reserved probe count
    assertTrue(BloomFilter.mayContain(filter, hash("absent")));
    filter[filter.length - 1] = 0;
    assertTrue(BloomFilter.mayContain(filter, hash("absent")));
  }

  @Test
  void hashIsDeterministicAndRangeSensitive() {
    byte[] data = "xxhello worldyy".getBytes(UTF_8);
    byte[] exact = "hello world".getBytes(UTF_8);
    assertEquals(Hash64.hash(exact, 0, exact.length), Hash64.hash(data, 2, exact.length));
    assertNotEquals(Hash64.hash(exact, 0, exact.length), Hash64.hash(exact, 0, exact.length - 1));
    assertNotEquals(Hash64.hash(new byte[0], 0, 0), Hash64.hash(new byte[1], 0, 1));
  }

  /** The probe as the format defines it: bit (h1 + j * h2) mod bits for j in [0, k). */
  private static boolean referenceMayContain(byte[] filter, long hash) {
    int k = filter[filter.length - 1];
    long bits = (filter.length - 1) * 8L;
    long h1 = hash & 0xffffffffL;
    long h2 = (hash >>> 32) | 1;
    for (int j = 0; j < k; j++) {
      long bit = Math.floorMod(h1 + j * h2, bits);
      if ((filter[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  @Test
  void steppedProbesTestTheBitsTheFormatDefines() {
    java.util.Random random = new java.util.Random(42);
    for (int round = 0; round < 2000; round++) {
      // Odd sizes, so the bit count is no power of two, and sparse random bits, so some probes fail late.
      byte[] filter = new byte[2 + random.nextInt(300)];
      for (int i = 0; i < filter.length - 1; i++) {
        filter[i] = (byte) (random.nextInt() | random.nextInt() | random.nextInt());
      }
      filter[filter.length - 1] = (byte) (1 + random.nextInt(30));
      for (int probe = 0; probe < 50; probe++) {
        long hash = random.nextLong();
        assertEquals(referenceMayContain(filter, hash), BloomFilter.mayContain(filter, hash),
            "filter of " + filter.length + " bytes, hash " + hash);
      }
    }
  }

  @Test
  void bitsAreExactlyTheDocumentedProbesSoOldFiltersStillRead() {
    java.util.Random rnd = new java.util.Random(17);
    for (int count : new int[] {1, 7, 100, 1000, 4099}) {
      for (int bitsPerKey : new int[] {1, 5, 10, 23}) {
        long[] hashes = new long[count];
        for (int i = 0; i < count; i++) {
          hashes[i] = i % 5 == 0 ? -1L - i : rnd.nextLong(); // include all-ones high halves
        }
        byte[] filter = BloomFilter.build(hashes, count, bitsPerKey);
        // The reference: probe j sets bit (h1 + j * h2) mod bits, as docs/format.md states.
        long bits = (filter.length - 1) * 8L;
        int k = BloomFilter.probes(bitsPerKey);
        byte[] expected = new byte[filter.length];
        expected[filter.length - 1] = (byte) k;
        for (long h : hashes) {
          long h1 = h & 0xffffffffL;
          long h2 = (h >>> 32) | 1;
          for (int j = 0; j < k; j++) {
            long bit = Math.floorMod(h1 + j * h2, bits);
            expected[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
          }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, filter, count + " keys, " + bitsPerKey + " bits/key");
      }
    }
  }
}
