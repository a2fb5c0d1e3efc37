package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8LineReaderTest {

  private static Utf8LineReader reader(byte[] bytes) {
    return new Utf8LineReader(new ByteArrayInputStream(bytes));
  }

  @Test
  void splitsOnNewlineAndCrLfAndCountsBytes() throws Exception {
    byte[] input = "a\tb\r\n\nlast é".getBytes(StandardCharsets.UTF_8);
    Utf8LineReader r = reader(input);
    assertEquals("a\tb", r.readLine());
    assertEquals(5, r.bytesRead());
    assertEquals("", r.readLine());
    assertEquals("last é", r.readLine());
    assertEquals(3, r.lineNumber());
    assertEquals(input.length, r.bytesRead());
    assertNull(r.readLine());
    assertNull(r.readLine());
  }

  @Test
  void emptyInputHasNoLines() throws Exception {
    assertNull(reader(new byte[0]).readLine());
    Utf8LineReader one = reader("\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("", one.readLine());
    assertNull(one.readLine());
  }

  @Test
  void linesLongerThanTheReadChunk() throws Exception {
    String longLine = "x".repeat(200_000);
    Utf8LineReader r = reader((longLine + "\nshort\n").getBytes(StandardCharsets.UTF_8));
    assertEquals(longLine, r.readLine());
    assertEquals("short", r.readLine());
  }

  @Test
  void invalidUtf8IsBlamedOnItsOwnLine() throws IOException, BadLineException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      sb.append("line ").append(i).append('\n');
    }
    byte[] good = sb.toString().getBytes(StandardCharsets.UTF_8);
    byte[] input = new byte[good.length + 3];
    System.arraycopy(good, 0, input, 0, good.length);
    input[good.length] = 'x';
    input[good.length + 1] = (byte) 0xC3; // a truncated two-byte sequence
    input[good.length + 2] = '\n';
    Utf8LineReader r = reader(input);
    for (int i = 0; i < 10_000; i++) {
      assertEquals("line " + i, r.readLine());
    }
    BadLineException e = assertThrows(BadLineException.class, r::readLine);
    assertEquals("not valid UTF-8", e.getMessage());
    assertEquals(10_001, r.lineNumber());
  }
}
