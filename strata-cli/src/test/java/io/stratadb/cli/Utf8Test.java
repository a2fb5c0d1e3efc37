package io.stratadb.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
