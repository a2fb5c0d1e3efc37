package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8LineReaderTest {

  private static Utf8LineReader reader(byte[] bytes) {
    return new Utf8LineReader(new ByteArrayInputStream(bytes), 1 << 20);
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

  /** An endless line (a 2.5 GB one used to overflow the buffer) stops at the bound, read in bounded memory. */
  @Test
  void aLineOverTheBoundIsABadLineFoundWithoutReadingItAll() throws Exception {
    InputStream endless = new InputStream() {
      private long served;

      @Override
      public int read() {
        return served++ < 3 ? "ok\n".charAt((int) served - 1) : 'x';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) {
          b[off + i] = (byte) read();
        }
        return len;
      }
    };
    Utf8LineReader r = new Utf8LineReader(endless, 100_000);
    assertEquals("ok", r.readLine());
    BadLineException e = assertThrows(BadLineException.class, r::readLine);
    assertEquals("line longer than 100000 bytes, more than the largest key and value take", e.getMessage());
    assertEquals(2, r.lineNumber());
  }

  @Test
  void aLineAtTheBoundIsReadWithOrWithoutCarriageReturn() throws Exception {
    String line = "y".repeat(1000);
    byte[] input = (line + "\r\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
    Utf8LineReader r = new Utf8LineReader(new ByteArrayInputStream(input), 1000);
    assertEquals(line, r.readLine());
    assertEquals(line, r.readLine());
    assertThrows(BadLineException.class,
        () -> new Utf8LineReader(new ByteArrayInputStream((line + "yy\n").getBytes(StandardCharsets.UTF_8)), 1000)
            .readLine());
  }
}
