package io.stratadb.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Utf8Test {

  @Test
  void escapedKeepsValidUtf8AndEscapesEverythingElse() {
    assertEquals("plain", Utf8.escaped("plain".getBytes(UTF_8)));
    String unicode = "caf\u00e9 \u6771\u4eac \ud83d\ude00";
    assertEquals(unicode, Utf8.escaped(unicode.getBytes(UTF_8)));
    assertEquals("a\\tb\\nc\\rd\\x00\\x7f\\\\ \\'", Utf8.escaped("a\tb\nc\rd\u0000\u007f\\ '".getBytes(UTF_8)));
    assertEquals("\\xff\\xfeok", Utf8.escaped(new byte[] {(byte) 0xff, (byte) 0xfe, 'o', 'k'}));
    assertEquals("x\\xc3", Utf8.escaped(new byte[] {'x', (byte) 0xc3})); // a sequence cut off at the end
    assertEquals("\\xc3(", Utf8.escaped(new byte[] {(byte) 0xc3, '('})); // a lead byte without continuation
    assertEquals("", Utf8.escaped(new byte[0]));
  }

  @Test
  void escapedFieldLeavesQuotesAndUnescapeReadsBothForms() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    String mixed = "it's a\tb\nc\\d caf\u00e9 \ud83d\ude00";
    for (byte[] b : new byte[][] {all, mixed.getBytes(UTF_8), new byte[0], {(byte) 0xc3}}) {
      assertArrayEquals(b, Utf8.unescape(Utf8.escapedField(b)));
      assertArrayEquals(b, Utf8.unescape(Utf8.escaped(b)));
      assertEquals(-1, Utf8.escapedField(b).indexOf('\t'));
      assertEquals(-1, Utf8.escapedField(b).indexOf('\n'));
    }
    assertEquals("it's", Utf8.escapedField("it's".getBytes(UTF_8)));
    assertArrayEquals(new byte[] {(byte) 0xab, 'Z'}, Utf8.unescape("\\xAbZ"));
  }

  @Test
  void unescapeRejectsWhatItCannotRead() {
    assertThrows(IllegalArgumentException.class, () -> Utf8.unescape("a\\"));
    assertThrows(IllegalArgumentException.class, () -> Utf8.unescape("\\q"));
    assertThrows(IllegalArgumentException.class, () -> Utf8.unescape("\\x4"));
    assertThrows(IllegalArgumentException.class, () -> Utf8.unescape("\\xg0"));
  }
}
