package io.stratadb.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
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
 * the segment, plus one (a segment may start mid-word, see below). A match therefore costs O(key x
 * (1 + longest segment / 64)): linear in the key for segments up to 64 bytes, and at most a few
 * tens of millions of word operations for a 64 KiB key and a 64 KiB pattern, where Redis's
 * recursive matcher can be exponential and a backtracking one quadratic. {@link #matches(byte[],
 * long[])} reports the operations spent, so that SCAN can bound its work per call.
 *
 * <p>Memory is linear in the pattern. The segments between the first and the last star share one
 * Shift-And table, packed one after another at bit offsets: 256 rows of one bit per byte test, 32
 * bytes per byte test, so at most 32 x maxKeyBytes (2 MiB for 64 KiB keys) however many segments
 * there are. A literal byte, {@code ?} and {@code *} are shared objects, and a class is one 256-bit
 * set. SCAN compiles its pattern on every call, so this is what one call holds.
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

  private static final Star STAR = new Star();
  private static final ByteTest ANY = ByteTest.any();
  /** The test for each literal byte, shared: a literal costs the pattern one reference. */
  private static final ByteTest[] LITERALS = new ByteTest[256];

  static {
    for (int b = 0; b < 256; b++) {
      LITERALS[b] = ByteTest.of(b);
    }
  }

  private static final ByteTest[] NO_TESTS = {};

  private final byte[] literalPrefix;
  /** The byte tests before the first star (the whole pattern if it has none), anchored at the key's start. */
  private final ByteTest[] first;
  /** The byte tests after the last star, anchored at the key's end; empty if there is no star. */
  private final ByteTest[] last;
  private final boolean hasStar;
  /** Whether the pattern needs more bytes than any key has, so that nothing matches. */
  private final boolean tooLong;
  /**
   * The segments between the first and the last star, packed one after another into one Shift-And
   * table: segment i is bits [starts[i], starts[i + 1]), bit p of the packing being bit p & 63 of
   * word p >>> 6. {@code starts.length - 1} segments, none empty (compile() merges runs of stars).
   */
  private final int[] starts;
  /** Words per table row: (packed bits + 63) / 64. */
  private final int rowWords;
  /**
   * The Shift-And masks: row b (words [b * rowWords, (b + 1) * rowWords)) has bit p set iff the
   * packed position p accepts byte b. 256 x rowWords longs: 32 bytes per packed position.
   */
  private final long[] table;
  /** The most table words one segment spans, the Shift-And state's length. */
  private final int spanWords;

  /** @param tokens the pattern, at most as many byte tests as a key has bytes; null for a longer one */
  private GlobPattern(Token[] tokens, byte[] literalPrefix) {
    this.literalPrefix = literalPrefix;
    this.tooLong = tokens == null; // compile() stops at maxKeyBytes byte tests
    if (tokens == null) {
      tokens = new Token[0];
    }
    int firstStar = -1;
    int lastStar = -1;
    int stars = 0;
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] instanceof Star) {
        firstStar = firstStar < 0 ? i : firstStar;
        lastStar = i;
        stars++;
      }
    }
    this.hasStar = stars > 0;
    this.first = Arrays.copyOfRange(tokens, 0, hasStar ? firstStar : tokens.length, ByteTest[].class);
    this.last = hasStar ? Arrays.copyOfRange(tokens, lastStar + 1, tokens.length, ByteTest[].class) : NO_TESTS;
    this.starts = new int[Math.max(stars, 1)];
    int bits = 0;
    int segment = 0;
    for (int i = firstStar + 1; i < lastStar; i++) {
      if (tokens[i] instanceof Star) {
        starts[++segment] = bits;
      } else {
        bits++;
      }
    }
    starts[starts.length - 1] = bits;
    this.rowWords = (bits + 63) >>> 6;
    this.table = new long[256 * rowWords]; // rowWords <= maxKeyBytes / 64 + 1: no overflow for keys under 2^29 bytes
    int span = 0;
    for (int i = 0; i + 1 < starts.length; i++) {
      span = Math.max(span, ((starts[i + 1] - 1) >>> 6) - (starts[i] >>> 6) + 1);
    }
    this.spanWords = span;
    int p = 0;
    for (int i = firstStar + 1; i < lastStar; i++) {
      if (tokens[i] instanceof ByteTest bt) {
        addToTable(bt, p++);
      }
    }
  }

  /** Sets bit {@code p} in the row of each byte {@code test} accepts. */
  private void addToTable(ByteTest test, int p) {
    for (int w = 0; w < 4; w++) {
      for (long accepts = test.accepts()[w]; accepts != 0; accepts &= accepts - 1) {
        int b = (w << 6) + Long.numberOfTrailingZeros(accepts);
        table[b * rowWords + (p >>> 6)] |= 1L << (p & 63);
      }
    }
  }

  /**
   * Compiles {@code pattern}; every byte string is a valid pattern, as in Redis.
   *
   * @param maxKeyBytes the longest key there can be (the engine's limit): a pattern needing more
   *     bytes matches nothing, and its Shift-And table is not built (it takes 32 bytes per byte
   *     test between the first and the last star)
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
          tokens.add(STAR);
        }
        inPrefix = false;
        i++;
        continue;
      }
      if (++byteTests > maxKeyBytes) { // no key is that long: stop before the tokens take the memory
        return new GlobPattern(null, prefix.toByteArray());
      }
      if (c == '?') {
        tokens.add(ANY);
        inPrefix = false;
        i++;
      } else if (c == '[') {
        i = parseClass(pattern, i + 1, tokens);
        inPrefix = false;
      } else {
        if (c == '\\' && i + 1 < pattern.length) {
          c = pattern[++i] & 0xFF;
        }
        tokens.add(LITERALS[c]);
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
    if (!hasStar) {
      return key.length == first.length && matchesAt(first, key, 0, work);
    }
    int end = key.length - last.length;
    if (end < first.length || !matchesAt(first, key, 0, work) || !matchesAt(last, key, end, work)) {
      return false;
    }
    int from = first.length;
    long[] state = new long[spanWords];
    for (int i = 0; i + 1 < starts.length && from >= 0; i++) {
      from = earliestEnd(i, key, from, end, state, work);
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
   * earliest-ending occurrence, or -1 if it does not occur. {@code state} is scratch of at least
   * the segment's span in words.
   *
   * <p>The segment's words of the table also hold bits of its neighbours, which the state may pick
   * up; they do not matter: the shift carries bits only upwards, so the neighbours above never
   * reach the segment's bits, and the only one below that does lands on the segment's first bit,
   * which is set at every step anyway.
   */
  private int earliestEnd(int i, byte[] key, int from, int to, long[] state, long[] work) {
    int start = starts[i];
    int end = starts[i + 1];
    int base = start >>> 6;
    int words = ((end - 1) >>> 6) - base + 1;
    long firstBit = 1L << (start & 63);
    long lastBit = 1L << ((end - 1) & 63);
    Arrays.fill(state, 0, words, 0L);
    work[0] += words;
    for (int k = from; k < to; k++) {
      int row = (key[k] & 0xFF) * rowWords + base;
      long carry = firstBit; // an occurrence may start at every byte
      for (int w = 0; w < words; w++) {
        long next = state[w] >>> 63;
        state[w] = ((state[w] << 1) | carry) & table[row + w];
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
