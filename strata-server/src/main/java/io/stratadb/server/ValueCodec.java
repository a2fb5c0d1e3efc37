package io.stratadb.server;

import java.util.Arrays;

/**
 * The on-disk encoding of a string value written by the server, version 1 (see docs/server.md):
 * a one-byte header, then, for a value with a TTL, its expiry time, then the user's bytes.
 *
 * <pre>
 *   plain:    0x00 | value bytes...
 *   expiring: 0x01 | expiry (8 bytes, big-endian, Unix epoch milliseconds) | value bytes...
 * </pre>
 *
 * <p>Keys are stored as they are. A header byte other than these two is not a value written by
 * this server (for example a database filled by {@code strata put}); {@link #decode} rejects it
 * with an {@link IllegalArgumentException} rather than guess.
 *
 * <p>Stateless and thread-safe.
 */
public final class ValueCodec {

  /** Header of a value without expiry. */
  public static final byte PLAIN = 0x00;
  /** Header of a value followed by its 8-byte expiry time. */
  public static final byte EXPIRING = 0x01;
  /** Bytes before the user value in a plain value. */
  public static final int PLAIN_HEADER_BYTES = 1;
  /** Bytes before the user value in an expiring value. */
  public static final int EXPIRING_HEADER_BYTES = 9;
  /** The expiry of a value that never expires. */
  public static final long NO_EXPIRY = 0;

  private ValueCodec() {}

  /** A decoded value: the user's bytes and the expiry in epoch ms, or {@link #NO_EXPIRY}. */
  public record StoredValue(byte[] value, long expireAtMillis) {

    /**
     * {@return whether the value has expired at {@code nowMillis}} (Exclusive: at it, gone.)
     *
     * @param nowMillis the time to test, in epoch ms
     */
    public boolean isExpiredAt(long nowMillis) {
      return expireAtMillis != NO_EXPIRY && expireAtMillis <= nowMillis;
    }
  }

  /**
   * Encodes a value.
   *
   * @param value the user's bytes
   * @param expireAtMillis epoch ms after which the value is gone, or {@link #NO_EXPIRY}
   * @return a new array: the header, then {@code value}
   * @throws IllegalArgumentException if {@code expireAtMillis} is negative
   */
  public static byte[] encode(byte[] value, long expireAtMillis) {
    if (expireAtMillis < 0) {
      throw new IllegalArgumentException("negative expiry: " + expireAtMillis);
    }
    if (expireAtMillis == NO_EXPIRY) {
      byte[] out = new byte[PLAIN_HEADER_BYTES + value.length];
      out[0] = PLAIN;
      System.arraycopy(value, 0, out, PLAIN_HEADER_BYTES, value.length);
      return out;
    }
    byte[] out = new byte[EXPIRING_HEADER_BYTES + value.length];
    out[0] = EXPIRING;
    for (int i = 0; i < 8; i++) {
      out[1 + i] = (byte) (expireAtMillis >>> (56 - 8 * i));
    }
    System.arraycopy(value, 0, out, EXPIRING_HEADER_BYTES, value.length);
    return out;
  }

  /**
   * Decodes a stored value.
   *
   * @param stored the bytes as read from the database
   * @return the user's bytes (a copy) and the expiry
   * @throws IllegalArgumentException if the header is unknown or the value too short for it
   */
  public static StoredValue decode(byte[] stored) {
    return new StoredValue(
        Arrays.copyOfRange(stored, headerBytes(stored), stored.length), expireAtMillis(stored));
  }

  /**
   * The expiry of a stored value without copying its bytes.
   *
   * @param stored the bytes as read from the database
   * @return epoch ms, or {@link #NO_EXPIRY}
   * @throws IllegalArgumentException if the header is unknown or the value too short for it
   */
  public static long expireAtMillis(byte[] stored) {
    if (headerBytes(stored) == PLAIN_HEADER_BYTES) {
      return NO_EXPIRY;
    }
    long t = 0;
    for (int i = 1; i < EXPIRING_HEADER_BYTES; i++) {
      t = (t << 8) | (stored[i] & 0xFF);
    }
    return t;
  }

  /**
   * Where the user's value starts inside {@code stored}: it is the bytes from there to the end.
   *
   * @param stored the bytes as read from the database
   * @return the offset in bytes of the user's value in {@code stored}
   * @throws IllegalArgumentException if the header is unknown or the value too short for it
   */
  public static int valueOffset(byte[] stored) {
    return headerBytes(stored);
  }

  /**
   * {@return the length in bytes of the user's value inside {@code stored}} No copy is made.
   *
   * @param stored the bytes as read from the database
   * @throws IllegalArgumentException if the header is unknown or the value too short for it
   */
  public static int valueLength(byte[] stored) {
    return stored.length - headerBytes(stored);
  }

  private static int headerBytes(byte[] stored) {
    if (stored.length >= PLAIN_HEADER_BYTES && stored[0] == PLAIN) {
      return PLAIN_HEADER_BYTES;
    }
    if (stored.length >= EXPIRING_HEADER_BYTES && stored[0] == EXPIRING) {
      return EXPIRING_HEADER_BYTES;
    }
    throw new IllegalArgumentException("not a value written by strata serve (header "
        + (stored.length == 0 ? "missing" : String.format("0x%02x", stored[0] & 0xFF))
        + ", " + stored.length + " bytes)");
  }
}
