package io.stratadb.util;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PrintableKeysTest {
  @Test
  void printableUtf8IsQuotedText() {
    assertEquals("\"user:1\"", PrintableKeys.format("user:1".getBytes(UTF_8)));
    assertEquals("\"k\u00e9y \u2603\"", PrintableKeys.format("k\u00e9y \u2603".getBytes(UTF_8)));
    assertEquals("\"\"", PrintableKeys.format(new byte[0]));
    assertEquals("null", PrintableKeys.format(null));
  }

  @Test
  void controlCharactersQuotesAndInvalidUtf8AreHex() {
    assertEquals("0x610a62", PrintableKeys.format("a\nb".getBytes(UTF_8)));
    assertEquals("0x612262", PrintableKeys.format("a\"b".getBytes(UTF_8)));
    assertEquals("0x00ff", PrintableKeys.format(new byte[] {0, (byte) 0xff}));
    assertEquals("0xc3", PrintableKeys.format(new byte[] {(byte) 0xc3}), "a cut-off two-byte character");
  }

  @Test
  void longKeysAreTruncatedWithTheirLength() {
    byte[] text = new byte[100];
    Arrays.fill(text, (byte) 'a');
    assertEquals("\"" + "a".repeat(64) + "\"...(100 bytes)", PrintableKeys.format(text));
    byte[] binary = new byte[70];
    assertEquals("0x" + "00".repeat(64) + "...(70 bytes)", PrintableKeys.format(binary));
    byte[] snowmen = "\u2603".repeat(30).getBytes(UTF_8); // 90 bytes; byte 64 splits a snowman
    assertEquals("\"" + "\u2603".repeat(21) + "\"...(90 bytes)", PrintableKeys.format(snowmen));
  }
}
