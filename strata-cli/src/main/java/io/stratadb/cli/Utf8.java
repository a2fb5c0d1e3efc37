package io.stratadb.cli;

import java.nio.charset.StandardCharsets;

/**
 * Conversions between command-line strings and the engine's byte arrays: keys and values are
 * UTF-8. Stateless; thread-safe.
 */
final class Utf8 {
  private Utf8() {}

  /** The UTF-8 bytes of {@code s}. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code b} decoded as UTF-8; invalid sequences become U+FFFD. */
  static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
