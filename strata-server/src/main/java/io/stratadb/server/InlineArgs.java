package io.stratadb.server;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command ({@code SET "a b" 'c'}, as typed into telnet) into arguments exactly as
 * Redis does ({@code sdssplitargs} in Redis's {@code sds.c}): arguments are separated by blanks;
 * inside double quotes {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \a}, {@code \xHH}
 * and a backslash before any other byte are escapes; inside single quotes only {@code \'} is; a
 * closing quote must be followed by a blank or the end of the line. The same rules read the
 * configuration file ({@link ConfigFile}). Stateless and thread-safe.
 */
final class InlineArgs {

  private InlineArgs() {}

  /**
   * The arguments of {@code line} (without its line ending); none for a blank line.
   *
   * @throws IllegalArgumentException {@code unbalanced quotes in request} if a quote is not closed,
   *     or a closing quote is followed by something other than a blank
   */
  static List<byte[]> split(byte[] line) {
    List<byte[]> args = new ArrayList<>();
    int p = 0;
    int n = line.length;
    while (true) {
      while (p < n && isSpace(line[p])) {
        p++;
      }
      if (p >= n || line[p] == 0) {
        return args; // C strings end at a NUL byte, so Redis ignores whatever follows one
      }
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      while (!done) {
        int c = p < n ? line[p] & 0xFF : 0;
        if (inDouble || inSingle) {
          if (inDouble && c == '\\' && p + 3 < n && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
            current.write(Character.digit(line[p + 2], 16) * 16 + Character.digit(line[p + 3], 16));
            p += 3;
          } else if (inDouble && c == '\\' && p + 1 < n && line[p + 1] != 0) {
            p++;
            current.write(unescape(line[p] & 0xFF));
          } else if (inSingle && c == '\\' && p + 1 < n && line[p + 1] == '\'') {
            p++;
            current.write('\'');
          } else if (c == (inDouble ? '"' : '\'')) {
            // The closing quote must be followed by a blank or the end of the line.
            if (p + 1 < n && line[p + 1] != 0 && !isSpace(line[p + 1])) {
              throw unbalanced();
            }
            done = true;
          } else if (c == 0) {
            throw unbalanced(); // the line ended inside the quotes
          } else {
            current.write(c);
          }
        } else {
          switch (c) {
            case ' ', '\n', '\r', '\t', 0 -> done = true;
            case '"' -> inDouble = true;
            case '\'' -> inSingle = true;
            default -> current.write(c);
          }
        }
        if (c != 0) {
          p++;
        }
      }
      args.add(current.toByteArray());
    }
  }

  private static int unescape(int c) {
    return switch (c) {
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'b' -> '\b';
      case 'a' -> 7;
      default -> c;
    };
  }

  /** C's {@code isspace}: space, \t, \n, \v, \f, \r. */
  private static boolean isSpace(byte b) {
    return b == ' ' || (b >= '\t' && b <= '\r');
  }

  private static boolean isHex(byte b) {
    return Character.digit(b, 16) >= 0;
  }

  private static IllegalArgumentException unbalanced() {
    return new IllegalArgumentException("unbalanced quotes in request");
  }
}
