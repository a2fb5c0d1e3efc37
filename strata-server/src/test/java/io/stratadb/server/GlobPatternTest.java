package io.stratadb.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobPatternTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
    "*, '', true",
    "*, anything, true",
    "h?llo, hello, true",
    "h?llo, hllo, false",
    "h*llo, heeeello, true",
    "h*llo, hello!, false",
    "h[ae]llo, hallo, true",
    "h[ae]llo, hillo, false",
    "h[^e]llo, hallo, true",
    "h[^e]llo, hello, false",
    "h[a-b]llo, hbllo, true",
    "h[a-b]llo, hcllo, false",
    "user:*:name, user:42:name, true",
    "user:*:name, user:42:age, false",
    "*a*b*c*, xxaxxbxxcxx, true",
    "*a*b*c*, xxaxxcxxbxx, false",
    "a\\*b, a*b, true",
    "a\\*b, axb, false",
    "k*, k, true",
    "k*, j, false",
    "*aab, aaab, true",
    "*ab*ab, abab, true",
    "*ab*ab, aba, false",
    "a*a, a, false",
    "*?a?*, xay, true",
    "*[xy]z*[0-9], axzb7, true",
    "*[xy]z*[0-9], axzb, false",
    "*abc*abd*, abcabcabd, true",
    "*abc*abd*, abdabc, false",
  })
  void matchesLikeRedis(String pattern, String key, boolean expected) {
    assertEquals(expected, GlobPattern.compile(pattern.getBytes(UTF_8), 1 << 16).matches(key.getBytes(UTF_8)));
  }

  /** Redis's recursive matcher (stringmatchlen), the reference, for patterns of {@code ab*?}. */
  private static boolean reference(byte[] p, byte[] k) {
    return reference(p, 0, k, 0, new byte[p.length + 1][k.length + 1]);
  }

  /** @param memo 0 not yet known, 1 matches, 2 does not: keeps many stars polynomial */
  private static boolean reference(byte[] p, int pi, byte[] k, int ki, byte[][] memo) {
    if (memo[pi][ki] != 0) {
      return memo[pi][ki] == 1;
    }
    boolean matches;
    if (pi == p.length) {
      matches = ki == k.length;
    } else if (p[pi] == '*') {
      matches = false;
      for (int i = ki; i <= k.length && !matches; i++) {
        matches = reference(p, pi + 1, k, i, memo);
      }
    } else {
      matches = ki < k.length && (p[pi] == '?' || p[pi] == k[ki]) && reference(p, pi + 1, k, ki + 1, memo);
    }
    memo[pi][ki] = (byte) (matches ? 1 : 2);
    return matches;
  }

  @Test
  void agreesWithRedisOnRandomPatterns() {
    Random random = new Random(7);
    String alphabet = "ab*?";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder p = new StringBuilder();
      for (int i = random.nextInt(8); i > 0; i--) {
        p.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      StringBuilder k = new StringBuilder();
      for (int i = random.nextInt(10); i > 0; i--) {
        k.append("ab".charAt(random.nextInt(2)));
      }
      byte[] pattern = p.toString().getBytes(UTF_8);
      byte[] key = k.toString().getBytes(UTF_8);
      assertEquals(reference(pattern, key), GlobPattern.compile(pattern, 1 << 16).matches(key), p + " ~ " + k);
    }
  }

  @Test
  void agreesWithRedisWhenSegmentsStraddleTableWords() {
    // The segments between stars are packed into one table, so with a few hundred pattern bytes
    // they start and end at every bit offset and many cross a 64-bit word.
    Random random = new Random(11);
    int[] outcomes = new int[2];
    for (int n = 0; n < 500; n++) {
      StringBuilder p = new StringBuilder("*");
      StringBuilder k = new StringBuilder();
      for (int segment = 5 + random.nextInt(40); segment > 0; segment--) {
        for (int i = 1 + random.nextInt(12); i > 0; i--) {
          char c = "ab?".charAt(random.nextInt(3));
          p.append(c);
          k.append(c == '?' ? "ab".charAt(random.nextInt(2)) : c);
        }
        p.append('*');
        for (int i = random.nextInt(4); i > 0; i--) {
          k.append("ab".charAt(random.nextInt(2)));
        }
      }
      for (int flips = random.nextBoolean() ? 0 : 1 + random.nextInt(4); flips > 0; flips--) {
        int at = random.nextInt(k.length()); // a key the pattern was built to match, or a few bytes off it
        k.setCharAt(at, k.charAt(at) == 'a' ? 'b' : 'a');
      }
      byte[] pattern = p.toString().getBytes(UTF_8);
      byte[] key = k.toString().getBytes(UTF_8);
      boolean expected = reference(pattern, key);
      outcomes[expected ? 1 : 0]++;
      assertEquals(expected, GlobPattern.compile(pattern, 1 << 16).matches(key), p + " ~ " + k);
    }
    assertTrue(outcomes[0] > 50 && outcomes[1] > 50, "both outcomes tested: " + Arrays.toString(outcomes));
  }

  @Test
  void workIsLinearInTheKeyTimesTheSegmentWords() {
    // The reviewer's case: a 60 KB key and a 60 KB pattern. Backtracking from each star position
    // costs about 30,000 x 30,000 = 9e8 byte tests per key; Shift-And about 60,000 x 470 words.
    byte[] key = "a".repeat(60_000).getBytes(UTF_8);
    String[] patterns = {"*" + "a".repeat(29_999) + "b*", "*" + "a".repeat(29_999) + "b", "*" + "?".repeat(29_999) + "b*",
        "a*".repeat(30_000) + "b"};
    for (String p : patterns) {
      long[] work = {0};
      assertFalse(GlobPattern.compile(p.getBytes(UTF_8), 1 << 16).matches(key, work));
      long longestSegmentWords = 30_000 / 64 + 1;
      assertTrue(work[0] <= key.length * (longestSegmentWords + 1) + p.length(), p.length() + " -> " + work[0]);
    }
  }

  @Test
  void aPatternLongerThanAnyKeyMatchesNothingAndBuildsNoTables() {
    byte[] huge = ("*" + "?".repeat(100_000) + "*").getBytes(UTF_8);
    assertFalse(GlobPattern.compile(huge, 1 << 16).matches(new byte[1 << 16]));
    assertTrue(GlobPattern.compile(huge, 1 << 16).matchesNothing());
    assertFalse(GlobPattern.compile("*a*".getBytes(UTF_8), 1 << 16).matchesNothing());
  }

  @Test
  void compilingAHugePatternTakesLittleMemory() {
    // 48 MiB of pattern, within the default proto-max-bulk-len: one object per byte took gigabytes.
    byte[] literal = new byte[48 << 20];
    Arrays.fill(literal, (byte) 'a');
    GlobPattern p = GlobPattern.compile(literal, 1 << 16);
    assertTrue(p.matchesNothing());
    assertEquals(1 << 16, p.literalPrefix().length, "the prefix stops where the pattern stops being read");
    byte[] oneClass = new byte[48 << 20];
    Arrays.fill(oneClass, (byte) 'b');
    oneClass[0] = '[';
    oneClass[oneClass.length - 1] = ']';
    GlobPattern c = GlobPattern.compile(oneClass, 1 << 16);
    assertTrue(c.matches("b".getBytes(UTF_8)), "one class of 48 MiB is one 256-bit set");
    assertFalse(c.matches("a".getBytes(UTF_8)));
  }

  @Test
  void manySegmentsShareOneTable() {
    // "*a*a...*a*": 65,536 segments, a 128 KiB argument. A table per segment (256 rows of one word,
    // about 7 KiB) took 460 MiB for one SCAN; the shared table takes 32 bytes per segment byte.
    byte[] pattern = "*a".repeat(1 << 16).concat("*").getBytes(UTF_8);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    GlobPattern p = GlobPattern.compile(pattern, 1 << 16);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;
    assertTrue(allocated < 64L * pattern.length, "compiling " + pattern.length + " bytes allocated " + allocated);
    byte[] key = "a".repeat(1 << 16).getBytes(UTF_8);
    assertTrue(p.matches(key), "every segment found");
    assertFalse(p.matches(Arrays.copyOf(key, key.length - 1)), "one a short");
    key[key.length / 2] = 'b';
    assertFalse(p.matches(key));
  }

  @ParameterizedTest
  @CsvSource({"user:*, user:", "abc, abc", "*x, ''", "a?c, a", "a[b]c, a", "a\\*b*, a*b"})
  void literalPrefixStopsAtTheFirstWildcard(String pattern, String prefix) {
    assertArrayEquals(prefix.getBytes(UTF_8), GlobPattern.compile(pattern.getBytes(UTF_8), 1 << 16).literalPrefix());
  }
}
