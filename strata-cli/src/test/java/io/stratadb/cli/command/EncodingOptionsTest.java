package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and values as bytes on the command line (issue 21, item 6): what the locale cannot carry is
 * refused, {@code --hex} and {@code --base64} carry any bytes, and text output never loses bytes.
 */
class EncodingOptionsTest {

  @TempDir Path db;

  /**
   * {@code LANG=C strata put é v-e} then {@code get ü}: the JVM hands both commands U+FFFD, which
   * used to store and find the same key. Now each is a usage error, and nothing is written.
   */
  @Test
  void anArgumentTheLocaleCouldNotDecodeIsRefused() {
    CliRunner.Result put = CliRunner.runOn(db, "put", "\uFFFD", "v-e");
    assertEquals(2, put.exitCode(), put.err());
    assertTrue(put.err().contains("KEY '\uFFFD': the locale's charset"), put.err());
    assertTrue(put.err().contains("--hex or --base64"), put.err());
    assertFalse(Files.exists(db.resolve("CURRENT")), "nothing was written");
    assertEquals(0, CliRunner.runOn(db, "put", "k", "v").exitCode());
    assertEquals(2, CliRunner.runOn(db, "get", "\uFFFD").exitCode());
    assertEquals(2, CliRunner.runOn(db, "delete", "\uFFFD").exitCode());
    assertEquals(2, CliRunner.runOn(db, "put", "k", "caf\uFFFD").exitCode());
    assertEquals(2, CliRunner.runOn(db, "scan", "--from", "\uFFFD").exitCode());
    assertEquals("v\n", CliRunner.runOn(db, "get", "k").out());
  }

  @Test
  void textMustSurviveTheLocaleCharset() {
    assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9}, EncodingOptions.text("\u00e9", UTF_8));
    assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9}, EncodingOptions.text("\u00e9", ISO_8859_1),
        "text is stored as UTF-8 whatever the locale");
    assertThrows(IllegalArgumentException.class, () -> EncodingOptions.text("\u00e9", US_ASCII));
    assertThrows(IllegalArgumentException.class, () -> EncodingOptions.text("\u6771", ISO_8859_1));
    assertThrows(IllegalArgumentException.class, () -> EncodingOptions.text("a\uFFFDb", UTF_8));
    assertArrayEquals("plain".getBytes(UTF_8), EncodingOptions.text("plain", US_ASCII));
  }

  /** In a UTF-8 locale {@code put $'\xff'} and {@code get $'\xfe'} meet the same way; with --hex they do not. */
  @Test
  void hexAndBase64CarryAnyBytes() {
    assertEquals(0, CliRunner.runOn(db, "put", "--hex", "ff", "00ff").exitCode());
    assertEquals(0, CliRunner.runOn(db, "put", "--base64", "/g==", "AQ==").exitCode()); // fe => 01
    assertEquals("00ff\n", CliRunner.runOn(db, "get", "--hex", "FF").out());
    assertEquals("01\n", CliRunner.runOn(db, "get", "--hex", "fe").out());
    assertEquals("AP8=\n", CliRunner.runOn(db, "get", "--base64", "/w==").out());
    assertEquals("fe\t01\nff\t00ff\n", CliRunner.runOn(db, "scan", "--hex").out());
    assertEquals("ff\t00ff\n", CliRunner.runOn(db, "scan", "--hex", "--from", "ff").out());
    assertEquals(0, CliRunner.runOn(db, "delete", "--hex", "ff").exitCode());
    assertEquals(1, CliRunner.runOn(db, "get", "--hex", "ff").exitCode());
  }

  @Test
  void textOutputThatIsNotUtf8IsRefusedNotMangled() {
    assertEquals(0, CliRunner.runOn(db, "put", "--hex", "6b", "ff").exitCode()); // k => 0xff
    CliRunner.Result r = CliRunner.runOn(db, "get", "k");
    assertEquals(1, r.exitCode());
    assertEquals("", r.out());
    assertTrue(r.err().contains("not valid UTF-8 text: print it with --hex or --base64"), r.err());
    assertEquals("k\t\\xff\n", CliRunner.runOn(db, "scan").out());
  }

  @Test
  void badEncodingsAreUsageErrors() {
    assertEquals(2, CliRunner.runOn(db, "put", "--hex", "6g", "00").exitCode());
    assertEquals(2, CliRunner.runOn(db, "put", "--hex", "abc", "00").exitCode());
    assertEquals(2, CliRunner.runOn(db, "get", "--base64", "!!").exitCode());
    CliRunner.Result both = CliRunner.runOn(db, "scan", "--hex", "--base64");
    assertEquals(2, both.exitCode());
    assertTrue(both.err().contains("--hex or --base64, not both"), both.err());
  }
}
