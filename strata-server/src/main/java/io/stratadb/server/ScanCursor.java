package io.stratadb.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * SCAN's cursors: each names the last key a SCAN call examined, as a decimal number that fits in
 * an unsigned 64-bit integer, so clients that parse cursors as integers work: redis-py, and
 * {@code redis-cli --scan}, which reads them with {@code strtoull}.
 *
 * <p>Two kinds, told apart by their value:
 *
 * <ul>
 *   <li><b>Stateless</b>, for a last key of at most {@value #MAX_STATELESS_KEY_BYTES} bytes: the
 *       unsigned big-endian value of the byte {@code 0x01} followed by the key (below 2^57). The
 *       leading byte keeps the key's leading zero bytes and keeps every cursor apart from {@code
 *       0}, which starts and ends an iteration. Valid on any connection, across restarts.
 *   <li><b>Remembered</b>, for a longer key, which no 64-bit number can hold: a number in
 *       {@code [2^60, 2^61)} that this object maps to the key. It stays valid while the server
 *       runs, for {@link #REMEMBERED_IDLE} after its last use, while the cache holds it (at most
 *       {@link #MAX_REMEMBERED}; past that Caffeine's W-TinyLFU policy picks which to drop). A
 *       cursor that is gone (or from before a restart) gets {@code ERR invalid cursor}: the
 *       client learns it, nothing is skipped silently.
 * </ul>
 *
 * <p>As in Redis ({@code parseScanCursorOrReply}), a cursor must fit an unsigned 64-bit integer:
 * a larger number is {@code ERR invalid cursor}, not read modulo 2^64 or as some other key. (So
 * the longer stateless cursors servers before 2026-12-01 made for long keys are refused too: the
 * iteration holding one starts again.)
 *
 * <p>Redis's own cursors are positions in a hash table; these name a key, so keys added or removed
 * during an iteration are seen or not as in Redis, and a key present throughout is returned once.
 *
 * <p>Thread-safe: one instance serves every connection of a server.
 */
final class ScanCursor {

  /** The cursor that starts and ends an iteration. */
  static final String START = "0";

  /** Cursors are unsigned 64-bit integers. */
  private static final int CURSOR_BITS = 64;

  /** The longest last key a stateless cursor holds: the marker byte and 7 bytes fill 64 bits. */
  static final int MAX_STATELESS_KEY_BYTES = 7;

  /** How many remembered cursors are kept at most. */
  static final long MAX_REMEMBERED = 100_000;

  /** How long a remembered cursor is kept after its last use. */
  static final Duration REMEMBERED_IDLE = Duration.ofHours(1);

  private static final byte MARKER = 0x01;

  /**
   * Remembered cursor numbers are the 61-bit numbers, {@code [2^60, 2^61)}; no stateless cursor
   * has 61 bits (the marker byte and {@code k} key bytes make {@code 8k + 1}).
   */
  private static final int REMEMBERED_BITS = 61;
  private static final long REMEMBERED_BASE = 1L << (REMEMBERED_BITS - 1);

  private final Cache<Long, byte[]> remembered =
      Caffeine.newBuilder().maximumSize(MAX_REMEMBERED).expireAfterAccess(REMEMBERED_IDLE).build();

  /**
   * The next remembered number, less {@link #REMEMBERED_BASE}; starts at a random point so that a
   * cursor kept across a restart is unlikely to name another iteration's key.
   */
  private final AtomicLong nextRemembered = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40));

  /** The cursor that resumes after {@code lastKey}; remembers the key if it is too long to encode. */
  String after(byte[] lastKey) {
    if (lastKey.length > MAX_STATELESS_KEY_BYTES) {
      long number = REMEMBERED_BASE + (nextRemembered.getAndIncrement() & (REMEMBERED_BASE - 1));
      remembered.put(number, lastKey.clone());
      return Long.toString(number);
    }
    byte[] b = new byte[lastKey.length + 1];
    b[0] = MARKER;
    System.arraycopy(lastKey, 0, b, 1, lastKey.length);
    return new BigInteger(1, b).toString();
  }

  /**
   * The key a cursor resumes after, or null for {@link #START}.
   *
   * @throws RedisError {@code ERR invalid cursor} if it is not a cursor this server made, or a
   *     remembered one it no longer holds
   */
  byte[] lastKey(byte[] cursor) {
    if (cursor.length == 1 && cursor[0] == '0') {
      return null;
    }
    for (byte c : cursor) {
      if (c < '0' || c > '9') {
        throw invalid();
      }
    }
    if (cursor.length == 0 || cursor[0] == '0' || cursor.length > 20) {
      throw invalid();
    }
    BigInteger value = new BigInteger(Args.utf8(cursor));
    if (value.bitLength() > CURSOR_BITS) {
      throw invalid();
    }
    if (value.bitLength() == REMEMBERED_BITS) {
      byte[] key = remembered.getIfPresent(value.longValue());
      if (key == null) {
        throw invalid();
      }
      return key.clone();
    }
    byte[] b = value.toByteArray();
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
