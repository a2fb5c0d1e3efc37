package io.stratadb.kafka;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.TimeWindow;

/**
 * The binary key of a window store, byte for byte Kafka's ({@code WindowKeySchema}):
 *
 * <pre>
 *   +----------------+---------------------------+------------------------+
 *   | user key bytes | window start (8 bytes, BE) | seqnum (4 bytes, BE)  |
 *   +----------------+---------------------------+------------------------+
 * </pre>
 *
 * The start is a signed big-endian long in milliseconds; the sequence number is 0 unless the
 * store retains duplicates, when each put takes the next one in {@code [1, 2^31)}. Keys sort by
 * user key, then start, then seqnum, so one user key's windows are contiguous in start order.
 *
 * <p>Windows are returned as Kafka's {@code TimeWindow}: {@code Window.equals} compares classes
 * and Kafka's windowed processors expect that class, so no class of ours can stand in for it.
 *
 * <p>Stateless and thread-safe.
 */
final class WindowKeySchema implements SegmentKeySchema {

  static final int TIMESTAMP_SIZE = 8;
  static final int SEQNUM_SIZE = 4;
  static final int SUFFIX_SIZE = TIMESTAMP_SIZE + SEQNUM_SIZE;

  static final WindowKeySchema INSTANCE = new WindowKeySchema();

  private WindowKeySchema() {}

  /** The store key of {@code key}'s window starting at {@code start} (ms) with {@code seqnum}. */
  static byte[] toStoreKey(byte[] key, long start, int seqnum) {
    return ByteBuffer.allocate(key.length + SUFFIX_SIZE).put(key).putLong(start).putInt(seqnum).array();
  }

  /** The user key bytes of a store key (a copy). */
  static byte[] userKey(byte[] storeKey) {
    byte[] key = new byte[storeKey.length - SUFFIX_SIZE];
    System.arraycopy(storeKey, 0, key, 0, key.length);
    return key;
  }

  /** The window start (ms) of a store key. */
  static long start(byte[] storeKey) {
    return ByteBuffer.wrap(storeKey).getLong(storeKey.length - SUFFIX_SIZE);
  }

  /**
   * The windowed key of a store key for windows of {@code windowSize} ms; the end saturates at
   * {@code Long.MAX_VALUE} as Kafka's does.
   */
  static Windowed<Bytes> windowed(byte[] storeKey, long windowSize) {
    long start = start(storeKey);
    long end = start + windowSize;
    if (end < 0) {
      end = Long.MAX_VALUE;
    }
    return new Windowed<>(Bytes.wrap(userKey(storeKey)), new TimeWindow(start, end));
  }

  @Override
  public long segmentTimestamp(byte[] storeKey) {
    return start(storeKey);
  }

  @Override
  public byte[] lowerRange(byte[] keyFrom, long from) {
    return SegmentKeySchema.lowerRange(keyFrom, SUFFIX_SIZE);
  }

  @Override
  public byte[] upperRange(byte[] keyTo, long to) {
    byte[] maxSuffix = ByteBuffer.allocate(SUFFIX_SIZE).putLong(to).putInt(Integer.MAX_VALUE).array();
    return SegmentKeySchema.upperRange(keyTo, maxSuffix);
  }

  @Override
  public byte[] lowerRangeFixedSize(byte[] key, long from) {
    return toStoreKey(key, Math.max(0, from), 0);
  }

  @Override
  public byte[] upperRangeFixedSize(byte[] key, long to) {
    return toStoreKey(key, to, Integer.MAX_VALUE);
  }

  @Override
  public boolean matches(byte[] storeKey, byte[] keyFrom, byte[] keyTo, long from, long to) {
    long start = start(storeKey);
    return start >= from
        && start <= to
        && SegmentKeySchema.keyInRange(storeKey, storeKey.length - SUFFIX_SIZE, keyFrom, keyTo);
  }

  @Override
  public long searchUpTo(long to) {
    return to;
  }

  @Override
  public boolean emptyWhenToBeforeFrom() {
    return true;
  }
}
