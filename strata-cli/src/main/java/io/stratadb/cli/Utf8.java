package io.stratadb.cli;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Conversions between text and the engine's byte arrays: text keys and values are UTF-8, and the
 * escaped form shows any bytes as one line of text and reads them back. Stateless; thread-safe.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * The UTF-8 bytes of {@code s}.
   *
   * @param s the text
   * @return its bytes
   */
  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code b} decoded as UTF-8; invalid sequences become U+FFFD (for messages and known-valid
   * text only: this loses bytes).
   *
   * @param b the bytes
   * @return the text
   */
  public static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * {@code b} as printable text that loses nothing, for dump tools: valid UTF-8 is decoded; bytes
   * that are not valid UTF-8 become {@code \xNN}; control characters become {@code \t}, {@code
   * \n}, {@code \r} or {@code \xNN}; a backslash and a single quote are escaped ({@code \\},
   * {@code \'}), so the text can be quoted with single quotes and read back unambiguously.
   *
   * @param b the bytes
   * @return the escaped text, one line
   */
  public static String escaped(byte[] b) {
    return escape(b, true);
  }

  /**
   * {@code b} in the C-style escaped form {@code strata scan} prints and {@code strata load --format
   * escaped} reads back ({@link #unescape}): as {@link #escaped} but a single quote stays as it is.
   * The result holds no tab, newline or carriage return, so it can be a field of a tab-separated
   * line.
   *
   * @param b the bytes
   * @return the escaped text
   */
  public static String escapedField(byte[] b) {
    return escape(b, false);
  }

  /**
   * The bytes the escaped text {@code s} stands for: the UTF-8 bytes of its characters, with the
   * escapes {@code \\} (backslash), {@code \t}, {@code \n}, {@code \r}, {@code \'} and {@code
   * \xHH} (the byte HH, two hex digits of either case) replaced. The inverse of {@link #escaped}
   * and {@link #escapedField}.
   *
   * @param s the escaped text
   * @return the bytes
   * @throws IllegalArgumentException if a backslash starts anything else, or ends {@code s}
   */
  public static byte[] unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return bytes(s);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int plain = 0;
    for (int i = s.indexOf('\\'); i >= 0; i = s.indexOf('\\', plain)) {
      out.writeBytes(bytes(s.substring(plain, i)));
      char c = i + 1 < s.length() ? s.charAt(i + 1) : 0;
      plain = i + 2;
      switch (c) {
        case '\\' -> out.write('\\');
        case 't' -> out.write('\t');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case '\'' -> out.write('\'');
        case 'x' -> {
          if (i + 4 > s.length() || !isHex(s.charAt(i + 2)) || !isHex(s.charAt(i + 3))) {
            throw new IllegalArgumentException("\\x at offset " + i + " must be followed by two hex digits");
          }
          out.write(HexFormat.fromHexDigits(s, i + 2, i + 4));
          plain = i + 4;
        }
        default -> throw new IllegalArgumentException(i + 1 == s.length() ? "a backslash ends the text"
            : "unknown escape \\" + s.charAt(i + 1) + " at offset " + i + " (a backslash is written \\\\)");
      }
    }
    out.writeBytes(bytes(s.substring(plain)));
    return out.toByteArray();
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0 && c < 0x80;
  }

  private static String escape(byte[] b, boolean quote) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(b);
    CharBuffer chars = CharBuffer.allocate(b.length);
    StringBuilder out = new StringBuilder(b.length + 8);
    while (true) {
      CoderResult result = decoder.decode(in, chars, true);
      chars.flip();
      appendEscaped(chars, quote, out);
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

  private static void appendEscaped(CharSequence chars, boolean quote, StringBuilder out) {
    for (int i = 0; i < chars.length(); i++) {
      char c = chars.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> {
          if (c == '\'' && quote) {
            out.append("\\'");
          } else if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
