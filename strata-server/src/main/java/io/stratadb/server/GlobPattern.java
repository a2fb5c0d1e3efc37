package io.stratadb.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis glob pattern, as SCAN MATCH and KEYS take it (Redis's {@code stringmatchlen}): {@code *}
 * any run of bytes, {@code ?} one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]} a byte from a
 * set, and {@code \x} the byte x literally. Matching is over bytes and case-sensitive.
 *
 * <p>Matching needs no backtracking. The stars cut the pattern into segments: the first must match
 * the key's start, the last its end, and each one between is found, left to right, at its
 * earliest-ending occurrence after the one before (taking the earliest end leaves the most key
 * for the segments after it, so if any placement matches, this one does). The search is the
 * bit-parallel Shift-And of Baeza-Yates and Gonnet, which handles {@code ?} and classes as easily
 * as literal bytes: each key byte is looked at once, at a cost of one 64-bit word per 64 bytes of
 * the segment. A match therefore costs O(key x (1 + longest segment / 64)): linear in the key for
 * segments up to 64 bytes, and at most a few tens of millions of word operations for a 64 KiB key
 * and a 64 KiB pattern, where Redis's recursive matcher can be exponential and a backtracking one
 * quadratic. {@link #matches(byte[], long[])} reports the operations spent, so that SCAN can
 * bound its work per call.
 *
 * <p>Immutable and thread-safe.
 */
final class GlobPattern {

  /** One pattern position: a star, or a test for one byte. */
  private sealed interface Token permits Star, ByteTest {}

  private record Star() implements Token {}

  /** Matches one byte: the set of the bytes it accepts, 256 bits. */
  private record ByteTest(long[] accepts) implements Token {
    static ByteTest any() {
      return new ByteTest(new long[] {-1L, -1L, -1L, -1L});
    }

    static ByteTest of(int b) {
      long[] bits = new long[4];
      bits[b >>> 6] |= 1L << (b & 63);
      return new ByteTest(bits);
    }

    boolean matches(int b) {
      return (accepts[b >>> 6] & (1L << (b & 63))) != 0;
    }
  }

  /** What a pattern needing more bytes than any key has compiles to. */
  private static final ByteTest[][] NO_SEGMENTS = {};

  private final byte[] literalPrefix;
  /** The star-free runs of tokens: [0] anchored at the key's start and, if there is a star, the last at its end. */
  private final ByteTest[][] segments;
  private final boolean hasStar;
  /** Whether the pattern needs more bytes than any key has, so that nothing matches. */
  private final boolean tooLong;
  /** Shift-And masks of each segment between the first and the last: [segment][byte] -> bit per position. */
  private final long[][][] masks;

  /** @param tokens the pattern, at most as many byte tests as a key has bytes; null for a longer one */
  private GlobPattern(Token[] tokens, byte[] literalPrefix) {
    this.literalPrefix = literalPrefix;
    if (tokens == null) {
      this.segments = NO_SEGMENTS;
      this.hasStar = false;
      this.tooLong = true;
      this.masks = new long[0][][];
      return;
    }
    List<ByteTest[]> runs = new ArrayList<>();
    List<ByteTest> run = new ArrayList<>();
    boolean star = false;
    for (Token t : tokens) {
      if (t instanceof ByteTest bt) {
        run.add(bt);
      } else {
        star = true;
        runs.add(run.toArray(new ByteTest[0]));
        run.clear();
      }
    }
    runs.add(run.toArray(new ByteTest[0]));
    this.segments = runs.toArray(new ByteTest[0][]);
    this.hasStar = star;
    this.tooLong = false; // compile() stops at maxKeyBytes byte tests
    this.masks = new long[segments.length][][];
    for (int i = 1; i < segments.length - 1; i++) {
      masks[i] = shiftAndMasks(segments[i]);
    }
  }

  /** For each byte value, the positions of {@code segment} that accept it, as bits of 64-bit words. */
  private static long[][] shiftAndMasks(ByteTest[] segment) {
    int words = (segment.length + 63) >>> 6;
    long[][] m = new long[256][words];
    for (int j = 0; j < segment.length; j++) {
      for (int b = 0; b < 256; b++) {
        if (segment[j].matches(b)) {
          m[b][j >>> 6] |= 1L << (j & 63);
        }
      }
    }
    return m;
  }

  /**
   * Compiles {@code pattern}; every byte string is a valid pattern, as in Redis.
   *
   * @param maxKeyBytes the longest key there can be (the engine's limit): a pattern needing more
   *     bytes matches nothing, and its match tables are not built (they take 32 bytes per pattern
   *     byte)
   */
  static GlobPattern compile(byte[] pattern, int maxKeyBytes) {
    List<Token> tokens = new ArrayList<>();
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    boolean inPrefix = true;
    int byteTests = 0;
    int i = 0;
    while (i < pattern.length) {
      int c = pattern[i] & 0xFF;
      if (c == '*') {
        if (tokens.isEmpty() || !(tokens.get(tokens.size() - 1) instanceof Star)) {
          tokens.add(new Star());
        }
        inPrefix = false;
        i++;
        continue;
      }
      if (++byteTests > maxKeyBytes) { // no key is that long: stop before the tokens take the memory
        return new GlobPattern(null, prefix.toByteArray());
      }
      if (c == '?') {
        tokens.add(ByteTest.any());
        inPrefix = false;
        i++;
      } else if (c == '[') {
        i = parseClass(pattern, i + 1, tokens);
        inPrefix = false;
      } else {
        if (c == '\\' && i + 1 < pattern.length) {
          c = pattern[++i] & 0xFF;
        }
        tokens.add(ByteTest.of(c));
        if (inPrefix) {
          prefix.write(c);
        }
        i++;
      }
    }
    return new GlobPattern(tokens.toArray(new Token[0]), prefix.toByteArray());
  }

  /** Parses a class after its '['; an unclosed class ends with the pattern, as in Redis. */
  private static int parseClass(byte[] p, int i, List<Token> tokens) {
    boolean negate = i < p.length && p[i] == '^';
    if (negate) {
      i++;
    }
    long[] bits = new long[4];
    while (i < p.length && p[i] != ']') {
      int lo = p[i] & 0xFF;
      int hi = lo;
      if (lo == '\\' && i + 1 < p.length) {
        lo = p[++i] & 0xFF;
        hi = lo;
        i++;
      } else if (i + 2 < p.length && p[i + 1] == '-' && p[i + 2] != ']') {
        hi = p[i + 2] & 0xFF;
        i += 3;
      } else {
        i++;
      }
      for (int b = Math.min(lo, hi); b <= Math.max(lo, hi); b++) {
        bits[b >>> 6] |= 1L << (b & 63);
      }
    }
    if (negate) {
      for (int w = 0; w < bits.length; w++) {
        bits[w] = ~bits[w];
      }
    }
    tokens.add(new ByteTest(bits));
    return Math.min(i + 1, p.length);
  }

  /** Whether no key can match (the pattern needs more bytes than the longest key): SCAN need not look. */
  boolean matchesNothing() {
    return tooLong;
  }

  /** The bytes every matching key starts with (empty if the pattern starts with a wildcard). */
  byte[] literalPrefix() {
    return literalPrefix.clone();
  }

  /** Whether {@code key} matches the whole pattern. */
  boolean matches(byte[] key) {
    return matches(key, new long[1]);
  }

  /**
   * Whether {@code key} matches the whole pattern, adding to {@code work[0]} the operations spent
   * (byte tests and 64-bit word steps), at most about {@code key.length * (1 + longest segment /
   * 64) + pattern length}.
   */
  boolean matches(byte[] key, long[] work) {
    work[0]++;
    if (tooLong) {
      return false;
    }
    ByteTest[] first = segments[0];
    if (!hasStar) {
      return key.length == first.length && matchesAt(first, key, 0, work);
    }
    ByteTest[] last = segments[segments.length - 1];
    int end = key.length - last.length;
    if (end < first.length || !matchesAt(first, key, 0, work) || !matchesAt(last, key, end, work)) {
      return false;
    }
    int from = first.length;
    for (int i = 1; i < segments.length - 1 && from >= 0; i++) {
      from = earliestEnd(i, key, from, end, work);
    }
    return from >= 0;
  }

  private static boolean matchesAt(ByteTest[] segment, byte[] key, int at, long[] work) {
    for (int j = 0; j < segment.length; j++) {
      work[0]++;
      if (!segment[j].matches(key[at + j] & 0xFF)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Shift-And search of segment {@code i} in {@code key[from, to)}: the index just after its
   * earliest-ending occurrence, or -1 if it does not occur.
   */
  private int earliestEnd(int i, byte[] key, int from, int to, long[] work) {
    long[][] m = masks[i];
    int length = segments[i].length;
    int words = (length + 63) >>> 6;
    long lastBit = 1L << ((length - 1) & 63);
    long[] state = new long[words];
    for (int k = from; k < to; k++) {
      long[] accept = m[key[k] & 0xFF];
      long carry = 1; // an occurrence may start at every byte
      for (int w = 0; w < words; w++) {
        long next = state[w] >>> 63;
        state[w] = ((state[w] << 1) | carry) & accept[w];
        carry = next;
      }
      work[0] += words;
      if ((state[words - 1] & lastBit) != 0) {
        return k + 1;
      }
    }
    return -1;
  }
}
