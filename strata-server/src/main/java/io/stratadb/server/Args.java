package io.stratadb.server;

import java.nio.charset.StandardCharsets;

/**
 * Parsing of command arguments with Redis's rules: integers as Redis's {@code string2ll} accepts
 * them (an optional minus sign, decimal digits, no leading zeros or spaces, within a signed 64-bit
 * range) and case-insensitive option words. Stateless and thread-safe.
 */
final class Args {

  private Args() {}

  /** The argument as a string (UTF-8, malformed bytes replaced). */
  static String utf8(byte[] arg) {
    return new String(arg, StandardCharsets.UTF_8);
  }

  /** Whether the argument equals {@code word} ignoring ASCII case. */
  static boolean is(byte[] arg, String word) {
    if (arg.length != word.length()) {
      return false;
    }
    for (int i = 0; i < arg.length; i++) {
      int a = arg[i] & 0xFF;
      char w = word.charAt(i);
      if (a != w && Character.toLowerCase(a) != Character.toLowerCase(w)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses a signed 64-bit integer as Redis does.
   *
   * @throws RedisError {@code ERR value is not an integer or out of range} if it is not one
   */
  static long parseLong(byte[] arg) {
    Long v = tryParseLong(arg);
    if (v == null) {
      throw RedisError.notInteger();
    }
    return v;
  }

  /** Parses a signed 64-bit integer as Redis does, or returns null if it is not one. */
  static Long tryParseLong(byte[] arg) {
    int n = arg.length;
    if (n == 0 || n > 20) {
      return null;
    }
    if (n == 1 && arg[0] == '0') {
      return 0L;
    }
    int i = arg[0] == '-' ? 1 : 0;
    if (i == n || arg[i] < '1' || arg[i] > '9') {
      return null;
    }
    long v = 0;
    for (; i < n; i++) {
      int d = arg[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      // Accumulate negatively so that Long.MIN_VALUE parses.
      if (v < (Long.MIN_VALUE + d) / 10) {
        return null;
      }
      v = v * 10 - d;
    }
    if (arg[0] == '-') {
      return v;
    }
    return v == Long.MIN_VALUE ? null : -v;
  }

  /** The decimal ASCII form of {@code v}, as INCR stores it. */
  static byte[] decimal(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }
}
