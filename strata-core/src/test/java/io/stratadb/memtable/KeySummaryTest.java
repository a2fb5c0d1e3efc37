package io.stratadb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KeySummaryTest {

  /** Bytes from {0, 1, 'a', 0xff}, so zero padding and shared prefixes collide often. */
  private static byte[] key(Random rnd, int maxLength) {
    byte[] k = new byte[rnd.nextInt(maxLength + 1)];
    for (int i = 0; i < k.length; i++) {
      k[i] = new byte[] {0, 1, 'a', (byte) 0xff}[rnd.nextInt(4)];
    }
    return k;
  }

  private static long of(KeySummary s, byte[] key) {
    return s.of(key, 0, key.length);
  }

  @Property(tries = 200)
  void theSummaryNeverDecreasesAlongTheKeyOrder(@ForAll long seed) {
    Random rnd = new Random(seed);
    KeySummary summary = new KeySummary(key(rnd, 12));
    for (int i = 0; i < 200; i++) {
      byte[] a = key(rnd, 24);
      byte[] b = rnd.nextInt(4) == 0 ? Arrays.copyOf(a, a.length + rnd.nextInt(3)) : key(rnd, 24);
      if (Arrays.compareUnsigned(a, b) > 0) {
        byte[] t = a;
        a = b;
        b = t;
      }
      assertTrue(Long.compareUnsigned(of(summary, a), of(summary, b)) <= 0,
          Arrays.toString(a) + " <= " + Arrays.toString(b));
    }
  }

  @Test
  void keysOutsideThePrefixSummariseToTheEnds() {
    KeySummary s = new KeySummary("user".getBytes(StandardCharsets.US_ASCII));
    assertEquals(0, of(s, "apple".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0, of(s, "use".getBytes(StandardCharsets.US_ASCII)), "ends inside the prefix, below it");
    assertEquals(-1L, of(s, "zebra".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0x3132000000000000L, of(s, "user12".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0, of(s, "user".getBytes(StandardCharsets.US_ASCII)));
    KeySummary zeros = new KeySummary(new byte[] {'a', 0, 0});
    assertEquals(0, of(zeros, new byte[] {'a'}), "zero padding equals the prefix's zero bytes");
  }

  @Test
  void aSharedPrefixIsCutAtItsLimit() {
    assertEquals(0, KeySummary.sharedBy(null, new byte[] {1}).prefixLength());
    assertEquals(0, KeySummary.sharedBy(new byte[] {1}, new byte[] {2}).prefixLength());
    assertEquals(10, KeySummary.sharedBy("0000000000000001".getBytes(StandardCharsets.US_ASCII),
        "0000000000999999".getBytes(StandardCharsets.US_ASCII)).prefixLength());
    assertEquals(3, KeySummary.sharedBy(new byte[] {1, 2, 3}, new byte[] {1, 2, 3, 4}).prefixLength());
    byte[] longKey = new byte[100];
    assertEquals(KeySummary.MAX_PREFIX_BYTES, KeySummary.sharedBy(longKey, longKey.clone()).prefixLength());
    assertThrows(IllegalArgumentException.class, () -> new KeySummary(new byte[KeySummary.MAX_PREFIX_BYTES + 1]));
  }
}
