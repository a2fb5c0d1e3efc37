package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class UnsignedBytesTest {

  /**
   * Ranges of 0-90 bytes (both sides of 8-byte words and of the hand-off to the JDK at 64) that
   * share a random prefix, so the first difference falls anywhere, at random offsets.
   */
  @Property(tries = 2000)
  void ordersAndEqualsAsTheJdk(@ForAll long seed, @ForAll @IntRange(max = 90) int common,
      @ForAll @IntRange(max = 6) int aExtra, @ForAll @IntRange(max = 6) int bExtra) {
    Random random = new Random(seed);
    byte[] a = new byte[3 + common + aExtra + 5];
    byte[] b = new byte[7 + common + bExtra + 2];
    random.nextBytes(a);
    random.nextBytes(b);
    System.arraycopy(a, 3, b, 7, common);
    if (common > 0 && random.nextBoolean()) {
      b[7 + random.nextInt(common)] ^= (byte) (1 << random.nextInt(8)); // high bits too: unsigned
    }
    int aLength = common + aExtra;
    int bLength = common + bExtra;
    int expected = Integer.signum(Arrays.compareUnsigned(a, 3, 3 + aLength, b, 7, 7 + bLength));
    assertEquals(expected, Integer.signum(UnsignedBytes.compare(a, 3, aLength, b, 7, bLength)));
    assertEquals(-expected, Integer.signum(UnsignedBytes.compare(b, 7, bLength, a, 3, aLength)));
    int length = Math.min(aLength, bLength);
    assertEquals(Arrays.equals(a, 3, 3 + length, b, 7, 7 + length), UnsignedBytes.equal(a, 3, b, 7, length));
  }

  @Test
  void bytesAreUnsignedAndAPrefixSortsFirst() {
    byte[] high = {0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80};
    byte[] low = {0, 0, 0, 0, 0, 0, 0, 0, 0x7f};
    assertTrue(UnsignedBytes.compare(high, 0, 9, low, 0, 9) > 0);
    assertTrue(UnsignedBytes.compare(high, 0, 8, high, 0, 9) < 0);
    assertEquals(0, UnsignedBytes.compare(high, 0, 0, low, 0, 0));
    byte[] word = {(byte) 0xff, 1, 2, 3, 4, 5, 6, 7};
    byte[] smaller = {0x7f, 1, 2, 3, 4, 5, 6, 7};
    assertTrue(UnsignedBytes.compare(word, 0, 8, smaller, 0, 8) > 0);
    assertFalse(UnsignedBytes.equal(word, 0, smaller, 0, 8));
    assertTrue(UnsignedBytes.equal(word, 1, smaller, 1, 7));
  }

  @Test
  void negativeLengthsAreRefused() {
    byte[] key = new byte[4];
    assertThrows(IllegalArgumentException.class, () -> UnsignedBytes.compare(key, 0, -1, key, 0, 4));
    assertThrows(IllegalArgumentException.class, () -> UnsignedBytes.compare(key, 0, 4, key, 0, -8));
    assertThrows(IllegalArgumentException.class, () -> UnsignedBytes.equal(key, 0, key, 0, -1));
  }
}
