package io.stratadb.server;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * SCAN's cursor: the last key examined, written as a decimal number so that clients that parse
 * cursors as integers (redis-py) keep working. The number is the unsigned big-endian value of the
 * byte {@code 0x01} followed by the key; the leading byte keeps leading zero bytes of the key and
 * makes every key's cursor differ from {@code 0}, which starts and ends an iteration. The cursor
 * is stateless: it stays valid across connections and restarts, and keys added or removed during
 * an iteration are seen or not as in Redis (a key present throughout is returned once).
 *
 * <p>Stateless and thread-safe.
 */
final class ScanCursor {

  /** The cursor that starts and ends an iteration. */
  static final String START = "0";

  private static final byte MARKER = 0x01;

  private ScanCursor() {}

  /** The cursor that resumes after {@code lastKey}. */
  static String after(byte[] lastKey) {
    byte[] b = new byte[lastKey.length + 1];
    b[0] = MARKER;
    System.arraycopy(lastKey, 0, b, 1, lastKey.length);
    return new BigInteger(1, b).toString();
  }

  /**
   * The key a cursor resumes after, or null for {@link #START}.
   *
   * @throws RedisError {@code ERR invalid cursor} if it is not a cursor this server made
   */
  static byte[] lastKey(byte[] cursor) {
    if (cursor.length == 1 && cursor[0] == '0') {
      return null;
    }
    for (byte c : cursor) {
      if (c < '0' || c > '9') {
        throw invalid();
      }
    }
    if (cursor.length == 0 || cursor[0] == '0') {
      throw invalid();
    }
    byte[] b = new BigInteger(Args.utf8(cursor)).toByteArray();
    int start = b[0] == 0 ? 1 : 0;
    if (b.length <= start || b[start] != MARKER) {
      throw invalid();
    }
    return Arrays.copyOfRange(b, start + 1, b.length);
  }

  private static RedisError invalid() {
    return new RedisError("ERR invalid cursor");
  }
}
