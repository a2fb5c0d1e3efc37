package io.stratadb.cli;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Conversions between command-line strings and the engine's byte arrays: keys and values are
 * UTF-8. Stateless; thread-safe.
 */
public final class Utf8 {
  private Utf8() {}

  /** The UTF-8 bytes of {@code s}. */
  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code b} decoded as UTF-8; invalid sequences become U+FFFD. */
  public static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * {@code b} as printable text that loses nothing, for dump tools: valid UTF-8 is decoded; bytes
   * that are not valid UTF-8 become {@code \xNN}; control characters become {@code \t}, {@code
   * \n}, {@code \r} or {@code \xNN}; a backslash and a single quote are escaped ({@code \\},
   * {@code \'}), so the text can be quoted with single quotes and read back unambiguously.
   */
  public static String escaped(byte[] b) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b);
    CharBuffer chars = CharBuffer.allocate(b.length);
    StringBuilder out = new StringBuilder(b.length + 8);
    while (true) {
      CoderResult result = decoder.decode(in, chars, true);
      chars.flip();
      appendEscaped(chars, out);
      chars.clear();
      if (result.isError()) {
        for (int i = 0; i < result.length(); i++) {
          out.append(String.format("\\x%02x", in.get() & 0xff));
        }
      } else if (!in.hasRemaining()) {
        return out.toString();
      }
    }
  }

  private static void appendEscaped(CharSequence chars, StringBuilder out) {
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
