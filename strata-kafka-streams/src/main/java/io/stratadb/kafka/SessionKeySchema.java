package io.stratadb.kafka;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;

/**
 * The binary key of a session store, byte for byte Kafka's ({@code SessionKeySchema}):
 *
 * <pre>
 *   +----------------+--------------------------+----------------------------+
 *   | user key bytes | session end (8 bytes, BE) | session start (8 bytes, BE) |
 *   +----------------+--------------------------+----------------------------+
 * </pre>
 *
 * Both times are signed big-endian longs in milliseconds. The end comes first so that a search
 * for the sessions overlapping {@code [earliestEnd, latestStart]} is one scan from {@code
 * key|earliestEnd|0} to {@code key|MAX|latestStart}; a session is filed in the segment of its end.
 *
 * <p>Sessions are returned as Kafka's {@code SessionWindow}: Kafka's session aggregation casts the
 * windows it reads back to that class when it merges sessions.
 *
 * <p>Stateless and thread-safe.
 */
final class SessionKeySchema implements SegmentKeySchema {

  static final int TIMESTAMP_SIZE = 8;
  static final int SUFFIX_SIZE = 2 * TIMESTAMP_SIZE;

  static final SessionKeySchema INSTANCE = new SessionKeySchema();

  private SessionKeySchema() {}

  /** The store key of {@code key}'s session {@code [start, end]} (ms). */
  static byte[] toStoreKey(byte[] key, long start, long end) {
    return ByteBuffer.allocate(key.length + SUFFIX_SIZE).put(key).putLong(end).putLong(start).array();
  }

  /** The store key of a windowed key. */
  static byte[] toStoreKey(Windowed<Bytes> sessionKey) {
    return toStoreKey(sessionKey.key().get(), sessionKey.window().start(), sessionKey.window().end());
  }

  /** The session end (ms) of a store key. */
  static long end(byte[] storeKey) {
    return ByteBuffer.wrap(storeKey).getLong(storeKey.length - SUFFIX_SIZE);
  }

  /** The session start (ms) of a store key. */
  static long start(byte[] storeKey) {
    return ByteBuffer.wrap(storeKey).getLong(storeKey.length - TIMESTAMP_SIZE);
  }

  /** The windowed key (user key and {@code SessionWindow}) of a store key. */
  static Windowed<Bytes> windowed(byte[] storeKey) {
    byte[] key = new byte[storeKey.length - SUFFIX_SIZE];
    System.arraycopy(storeKey, 0, key, 0, key.length);
    return new Windowed<>(Bytes.wrap(key), new SessionWindow(start(storeKey), end(storeKey)));
  }

  @Override
  public long segmentTimestamp(byte[] storeKey) {
    return end(storeKey);
  }

  @Override
  public byte[] lowerRange(byte[] keyFrom, long from) {
    return SegmentKeySchema.lowerRange(keyFrom, SUFFIX_SIZE);
  }

  @Override
  public byte[] upperRange(byte[] keyTo, long to) {
    // Any end (it can be as late as it likes and still overlap), then a start of at most 'to'.
    byte[] maxSuffix = ByteBuffer.allocate(SUFFIX_SIZE).putLong(Long.MAX_VALUE).putLong(to).array();
    return SegmentKeySchema.upperRange(keyTo, maxSuffix);
  }

  @Override
  public byte[] lowerRangeFixedSize(byte[] key, long from) {
    return toStoreKey(key, 0, Math.max(0, from));
  }

  @Override
  public byte[] upperRangeFixedSize(byte[] key, long to) {
    return toStoreKey(key, to, Long.MAX_VALUE);
  }

  @Override
  public boolean matches(byte[] storeKey, byte[] keyFrom, byte[] keyTo, long from, long to) {
    return end(storeKey) >= from
        && start(storeKey) <= to
        && SegmentKeySchema.keyInRange(storeKey, storeKey.length - SUFFIX_SIZE, keyFrom, keyTo);
  }

  @Override
  public long searchUpTo(long to) {
    return Long.MAX_VALUE;
  }

  @Override
  public boolean emptyWhenToBeforeFrom() {
    return false;
  }
}
