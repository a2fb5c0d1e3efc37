package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LineParserTest {

  private static LineParser parser(InputFormat format, boolean keyOnly) {
    return new LineParser(format, keyOnly, 8, 16);
  }

  private static void assertEntry(String key, String value, KeyValue kv) {
    assertArrayEquals(key.getBytes(UTF_8), kv.key(), "key");
    assertArrayEquals(value.getBytes(UTF_8), kv.value(), "value");
  }

  @Test
  void tsvSplitsAtTheFirstTab() throws BadLineException {
    LineParser p = parser(InputFormat.TSV, false);
    assertEntry("k", "a\tb", p.parse("k\ta\tb"));
    assertEntry("", "v", p.parse("\tv"));
    assertEntry("k", "", p.parse("k\t"));
    assertNull(p.parse(""));
    assertNull(p.parse("   "));
  }

  @Test
  void tsvWithoutTabNeedsKeyOnly() throws BadLineException {
    BadLineException e = assertThrows(BadLineException.class, () -> parser(InputFormat.TSV, false).parse("word"));
    assertTrue(e.getMessage().contains("missing tab"), e.getMessage());
    LineParser keyOnly = parser(InputFormat.TSV, true);
    assertEntry("word", "", keyOnly.parse("word"));
    assertEntry("k", "v", keyOnly.parse("k\tv"));
  }

  @Test
  void autoDetectsFromTheFirstNonBlankLine() throws BadLineException {
    LineParser json = parser(InputFormat.AUTO, false);
    assertNull(json.parse("\uFEFF"));
    assertNull(json.parse("  "));
    assertEntry("k", "v", json.parse(" {\"key\":\"k\",\"value\":\"v\"}"));
    assertEquals(InputFormat.JSON, json.format());
    LineParser tsv = parser(InputFormat.AUTO, false);
    assertEntry("k", "v", tsv.parse("\uFEFFk\tv"));
    assertEquals(InputFormat.TSV, tsv.format());
  }

  @Test
  void jsonErrors() {
    LineParser p = parser(InputFormat.JSON, false);
    assertMessage(p, "[1,2]", "expected a JSON object");
    assertMessage(p, "{\"key\":\"k\"}", "missing \"value\"");
    assertMessage(p, "{\"value\":\"v\"}", "missing \"key\"");
    assertMessage(p, "{\"key\":1,\"value\":\"v\"}", "\"key\" must be a string, not number");
    assertMessage(p, "{\"key\":\"k\",\"value\":null}", "\"value\" must be a string, not null");
    assertMessage(p, "{\"key\":\"k\"", "invalid JSON");
    assertMessage(p, "{\"key\":\"k\",\"value\":\"v\"} trailing", "invalid JSON");
  }

  @Test
  void jsonKeyOnlyAllowsAMissingValue() throws BadLineException {
    assertEntry("k", "", parser(InputFormat.JSON, true).parse("{\"key\":\"k\"}"));
  }

  @Test
  void sizesAreCheckedInUtf8Bytes() throws BadLineException {
    LineParser p = parser(InputFormat.TSV, false);
    assertEntry("12345678", "v", p.parse("12345678\tv"));
    assertMessage(p, "123456789\tv", "key is 9 bytes, over the maximum of 8");
    assertMessage(p, "ééééé\tv", "key is 10 bytes, over the maximum of 8");
    assertMessage(p, "k\t" + "v".repeat(17), "value is 17 bytes, over the maximum of 16");
  }

  @Test
  void escapedHexAndBase64DecodeBothFields() throws BadLineException {
    KeyValue kv = parser(InputFormat.ESCAPED, false).parse("a\\tb\\\\\\xff\tl\\nx\ty");
    assertArrayEquals(new byte[] {'a', '\t', 'b', '\\', (byte) 0xff}, kv.key());
    assertArrayEquals("l\nx\ty".getBytes(UTF_8), kv.value(), "a tab after the first is the value's");
    KeyValue hex = parser(InputFormat.HEX, false).parse("00ff\t");
    assertArrayEquals(new byte[] {0, (byte) 0xff}, hex.key());
    assertArrayEquals(new byte[0], hex.value());
    KeyValue b64 = parser(InputFormat.BASE64, true).parse("/w==");
    assertArrayEquals(new byte[] {(byte) 0xff}, b64.key());
    assertMessage(parser(InputFormat.ESCAPED, false), "k\\q\tv", "the key is not valid escaped: unknown escape \\q");
    assertMessage(parser(InputFormat.HEX, false), "00\tzz", "the value is not valid hex");
  }

  @Test
  void aLineMayHoldTheLargestEntryInTheMostVerboseFormat() {
    assertEquals(6 * (8 + 16) + 1024, parser(InputFormat.AUTO, false).maxLineBytes());
    assertEquals(6L * ((16 << 20) + (256 << 20)) + 1024,
        new LineParser(InputFormat.TSV, false, 16 << 20, 256 << 20).maxLineBytes(), "the largest sizes Options allows");
  }

  private static void assertMessage(LineParser p, String line, String expected) {
    BadLineException e = assertThrows(BadLineException.class, () -> p.parse(line), line);
    assertTrue(e.getMessage().startsWith(expected), "for " + line + ": " + e.getMessage());
  }
}
