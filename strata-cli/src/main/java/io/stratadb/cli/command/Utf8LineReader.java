package io.stratadb.cli.command;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a stream, decoding each line on its own, so that invalid UTF-8 is
 * reported at the line that holds it ({@link java.io.BufferedReader} decodes ahead and would blame
 * an earlier line), and counting the bytes consumed for a progress bar.
 *
 * <p>Lines end with {@code \n} or {@code \r\n}; the terminator is not returned. A last line
 * without a terminator is returned too. A line longer than the bound given is an error, found when
 * the bound is passed, so a huge line is never buffered whole. Not thread-safe.
 */
final class Utf8LineReader implements Closeable {

  private final InputStream in;
  private final int maxLineBytes;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] chunk = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private int lineLength;
  private long lineNumber;
  private long bytesRead;

  /**
   * Reads from {@code in}, which this reader closes.
   *
   * @param in the input
   * @param maxLineBytes the longest line accepted, in bytes, terminator excluded
   * @throws IllegalArgumentException if {@code maxLineBytes} is negative
   */
  Utf8LineReader(InputStream in, int maxLineBytes) {
    if (maxLineBytes < 0) {
      throw new IllegalArgumentException("maxLineBytes must be >= 0, got " + maxLineBytes);
    }
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * The next line, or null at the end of the stream.
   *
   * @throws BadLineException if the line is not valid UTF-8, or longer than the bound ({@link
   *     #lineNumber()} is its number); reading cannot go on after the latter
   * @throws IOException if reading fails
   */
  String readLine() throws IOException, BadLineException {
    lineLength = 0;
    boolean terminated = false;
    boolean any = false;
    while (!terminated) {
      if (pos == limit) {
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        pos = 0;
        limit = n;
      }
      any = true;
      int start = pos;
      while (pos < limit && chunk[pos] != '\n') {
        pos++;
      }
      // + 1: a \r before the \n belongs to the terminator.
      if ((long) lineLength + (pos - start) > maxLineBytes + 1L) {
        lineNumber++;
        throw new BadLineException("line longer than " + maxLineBytes + " bytes, more than the largest key and "
            + "value take");
      }
      append(start, pos - start);
      if (pos < limit) {
        pos++;
        bytesRead++;
        terminated = true;
      }
    }
    if (!any) {
      return null;
    }
    lineNumber++;
    bytesRead += lineLength;
    int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
    try {
      return decoder.decode(ByteBuffer.wrap(line, 0, length)).toString();
    } catch (CharacterCodingException e) {
      throw new BadLineException("not valid UTF-8");
    }
  }

  /** Number of the line last returned (or rejected), from 1; 0 before the first. */
  long lineNumber() {
    return lineNumber;
  }

  /** Bytes consumed by the lines returned so far, terminators included. */
  long bytesRead() {
    return bytesRead;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void append(int start, int length) {
    if (lineLength + length > line.length) {
      long grown = Math.max(2L * line.length, (long) lineLength + length);
      line = Arrays.copyOf(line, (int) Math.min(grown, Integer.MAX_VALUE - 8));
    }
    System.arraycopy(chunk, start, line, lineLength, length);
    lineLength += length;
  }
}
