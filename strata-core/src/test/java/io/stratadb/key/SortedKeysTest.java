package io.stratadb.key;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The fingerprint searches agree with a plain scan of the keys. */
class SortedKeysTest {

  /** User keys over a small alphabet with a long shared prefix, so fingerprints often tie. */
  private static byte[] userKey(Random random, String prefix) {
    StringBuilder b = new StringBuilder(prefix);
    int length = random.nextInt(12);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(3)));
    }
    if (random.nextInt(8) == 0) {
      b.append((char) 0); // a trailing zero byte pads like a shorter key
    }
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  @Property(tries = 300)
  void searchMatchesAScan(@ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int size) {
    Random random = new Random(seed);
    String prefix = random.nextBoolean() ? "" : "0000000000";
    TreeSet<byte[]> sorted = new TreeSet<>(InternalKey::compare);
    while (sorted.size() < size) {
      sorted.add(InternalKey.encode(userKey(random, prefix), random.nextInt(5), ValueType.PUT));
    }
    List<byte[]> keys = new ArrayList<>(sorted);
    SortedKeys search = SortedKeys.of(keys.toArray(new byte[0][]));
    assertEquals(size, search.size());
    for (int probe = 0; probe < 200; probe++) {
      String probePrefix = random.nextInt(4) == 0 ? prefix.substring(0, random.nextInt(prefix.length() + 1)) : prefix;
      byte[] target = InternalKey.encode(userKey(random, probePrefix), random.nextInt(5),
          random.nextBoolean() ? ValueType.PUT : ValueType.DELETE);
      int expected = 0;
      while (expected < keys.size() && InternalKey.compare(keys.get(expected), target) < 0) {
        expected++;
      }
      assertEquals(expected, search.firstAtOrAfter(target), InternalKey.toString(target));
    }
  }

  /**
   * The user-key search ({@link SortedKeys#firstWithUserKeyAtOrAfter}, Version's table search)
   * against a plain scan, with keys that often tie on the fingerprint for long runs: a prefix
   * shared by all, then 8 bytes shared by many, then a short tail.
   */
  @Property(tries = 300)
  void userKeySearchMatchesAScan(@ForAll long seed, @ForAll @IntRange(min = 0, max = 80) int size) {
    Random random = new Random(seed);
    String prefix = random.nextBoolean() ? "" : "0000000000";
    TreeSet<byte[]> sorted = new TreeSet<>(InternalKey::compare);
    while (sorted.size() < size) {
      String tie = random.nextInt(3) == 0 ? "" : "abcabcab";
      sorted.add(InternalKey.encode(userKey(random, prefix + tie), random.nextInt(5), ValueType.PUT));
    }
    List<byte[]> keys = new ArrayList<>(sorted);
    SortedKeys search = SortedKeys.of(keys.toArray(new byte[0][]));
    for (int probe = 0; probe < 200; probe++) {
      String probePrefix = random.nextInt(4) == 0 ? prefix.substring(0, random.nextInt(prefix.length() + 1)) : prefix;
      byte[] target = userKey(random, probePrefix + (random.nextBoolean() ? "abcabcab" : ""));
      int expected = 0;
      while (expected < keys.size() && InternalKey.compareUserKey(keys.get(expected), target) < 0) {
        expected++;
      }
      assertEquals(expected, search.firstWithUserKeyAtOrAfter(target), new String(target, StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void aTargetShorterThanAnInternalKeyIsRejected() {
    SortedKeys search = SortedKeys.of(new byte[][] {InternalKey.encode("a".getBytes(), 1, ValueType.PUT)});
    assertThrows(IllegalArgumentException.class, () -> search.firstAtOrAfter(new byte[3]));
  }
}
