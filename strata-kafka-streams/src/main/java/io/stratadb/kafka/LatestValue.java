package io.stratadb.kafka;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The value format of a versioned store's latest-value database: the latest version of a key,
 * never a tombstone (a key whose latest version is a delete has no entry there).
 *
 * <pre>
 * validFrom (8 bytes, big-endian, ms) | value bytes
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
final class LatestValue {

  private static final int TIMESTAMP_SIZE = 8;

  private LatestValue() {}

  static byte[] encode(long validFrom, byte[] value) {
    return ByteBuffer.allocate(TIMESTAMP_SIZE + value.length).putLong(validFrom).put(value).array();
  }

  static long timestamp(byte[] encoded) {
    return ByteBuffer.wrap(encoded).getLong(0);
  }

  static byte[] value(byte[] encoded) {
    return Arrays.copyOfRange(encoded, TIMESTAMP_SIZE, encoded.length);
  }
}
