package io.stratadb.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis glob pattern, as SCAN MATCH and KEYS take it (Redis's {@code stringmatchlen}): {@code *}
 * any run of bytes, {@code ?} one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]} a byte from a
 * set, and {@code \x} the byte x literally. Matching is over bytes and case-sensitive.
 *
 * <p>Matching uses the greedy one-star backtracking of wildcard matchers, so a pattern with many
 * stars costs O(pattern x key) rather than Redis's exponential worst case.
 *
 * <p>Immutable and thread-safe.
 */
final class GlobPattern {

  /** One pattern position: a star, or a test for one byte. */
  private sealed interface Token permits Star, ByteTest {}

  private record Star() implements Token {}

  /** Matches one byte: any byte, or membership in ranges (inclusive, unsigned), maybe negated. */
  private record ByteTest(boolean any, int[] ranges, boolean negate) implements Token {
    boolean matches(int b) {
      if (any) {
        return true;
      }
      boolean in = false;
      for (int i = 0; i < ranges.length && !in; i += 2) {
        in = b >= ranges[i] && b <= ranges[i + 1];
      }
      return in != negate;
    }
  }

  private final Token[] tokens;
  private final byte[] literalPrefix;

  private GlobPattern(Token[] tokens, byte[] literalPrefix) {
    this.tokens = tokens;
    this.literalPrefix = literalPrefix;
  }

  /** Compiles {@code pattern}; every byte string is a valid pattern, as in Redis. */
  static GlobPattern compile(byte[] pattern) {
    List<Token> tokens = new ArrayList<>();
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    boolean inPrefix = true;
    int i = 0;
    while (i < pattern.length) {
      int c = pattern[i] & 0xFF;
      if (c == '*') {
        if (tokens.isEmpty() || !(tokens.get(tokens.size() - 1) instanceof Star)) {
          tokens.add(new Star());
        }
        inPrefix = false;
        i++;
      } else if (c == '?') {
        tokens.add(new ByteTest(true, new int[0], false));
        inPrefix = false;
        i++;
      } else if (c == '[') {
        i = parseClass(pattern, i + 1, tokens);
        inPrefix = false;
      } else {
        if (c == '\\' && i + 1 < pattern.length) {
          c = pattern[++i] & 0xFF;
        }
        tokens.add(new ByteTest(false, new int[] {c, c}, false));
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
    List<Integer> ranges = new ArrayList<>();
    while (i < p.length && p[i] != ']') {
      int lo = p[i] & 0xFF;
      if (lo == '\\' && i + 1 < p.length) {
        lo = p[++i] & 0xFF;
        ranges.add(lo);
        ranges.add(lo);
        i++;
      } else if (i + 2 < p.length && p[i + 1] == '-' && p[i + 2] != ']') {
        int hi = p[i + 2] & 0xFF;
        ranges.add(Math.min(lo, hi));
        ranges.add(Math.max(lo, hi));
        i += 3;
      } else {
        ranges.add(lo);
        ranges.add(lo);
        i++;
      }
    }
    tokens.add(new ByteTest(false, ranges.stream().mapToInt(Integer::intValue).toArray(), negate));
    return Math.min(i + 1, p.length);
  }

  /** The bytes every matching key starts with (empty if the pattern starts with a wildcard). */
  byte[] literalPrefix() {
    return literalPrefix.clone();
  }

  /** Whether {@code key} matches the whole pattern. */
  boolean matches(byte[] key) {
    int t = 0;
    int k = 0;
    int starToken = -1;
    int starKey = 0;
    while (k < key.length) {
      if (t < tokens.length && tokens[t] instanceof ByteTest bt && bt.matches(key[k] & 0xFF)) {
        t++;
        k++;
      } else if (t < tokens.length && tokens[t] instanceof Star) {
        starToken = t++;
        starKey = k;
      } else if (starToken >= 0) {
        t = starToken + 1;
        k = ++starKey;
      } else {
        return false;
      }
    }
    while (t < tokens.length && tokens[t] instanceof Star) {
      t++;
    }
    return t == tokens.length;
  }
}
