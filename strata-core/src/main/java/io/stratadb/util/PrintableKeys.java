package io.stratadb.util;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Keys as they appear in exception messages and logs: quoted UTF-8 text when every byte decodes
 * and no character is a control character ({@code "user:1"}), otherwise {@code 0x}-prefixed hex
 * ({@code 0x00ff10}); at most {@link #MAX_BYTES} bytes of the key are shown, followed by {@code
 * ...(N bytes)} when it is longer. Stateless and thread-safe.
 */
public final class PrintableKeys {
  /** Bytes of a key shown at most. */
  public static final int MAX_BYTES = 64;

  private PrintableKeys() {}

  /**
   * The key for a message.
   *
   * @param key any bytes; null prints as {@code null}
   * @return quoted text or hex, truncated to {@link #MAX_BYTES} bytes
   */
  public static String format(byte[] key) {
    if (key == null) {
      return "null";
    }
    int shown = Math.min(key.length, MAX_BYTES);
    String suffix = key.length > shown ? "...(" + key.length + " bytes)" : "";
    String text = printableText(key, shown);
    if (text == null && shown < key.length) {
      // The cut may split a multi-byte character: try up to three bytes shorter.
      for (int cut = shown - 1; text == null && cut >= Math.max(0, shown - 3); cut--) {
        text = printableText(key, cut);
      }
    }
    if (text != null) {
      return '"' + text + '"' + suffix;
    }
    return "0x" + HexFormat.of().formatHex(key, 0, shown) + suffix;
  }

  /** {@code key[0, length)} as text if it is valid UTF-8 free of control characters, else null. */
  private static String printableText(byte[] key, int length) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key, 0, length))
          .toString();
    } catch (CharacterCodingException e) {
      return null; // not UTF-8: shown as hex
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '"' || c == '\\') {
        return null;
      }
    }
    return text;
  }
}
