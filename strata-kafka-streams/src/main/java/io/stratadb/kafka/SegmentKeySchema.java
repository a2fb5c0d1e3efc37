package io.stratadb.kafka;

/**
 * How a segmented store's binary keys carry time: which timestamp picks a key's segment, which
 * byte ranges a fetch scans in each segment, and which keys in those ranges a fetch returns.
 * Implemented by {@link WindowKeySchema} and {@link SessionKeySchema}; the byte formats are
 * Kafka's (its {@code WindowKeySchema} and {@code SessionKeySchema}), so a changelog written by
 * Kafka's RocksDB stores restores into ours and the other way round.
 *
 * <p>The scan bounds are a superset of what a fetch returns; {@link #matches} is the exact test.
 * All arrays are user key bytes or whole store keys as stated; none is retained. Stateless and
 * thread-safe.
 */
interface SegmentKeySchema {

  /** The timestamp that selects the segment of {@code storeKey} (window start, session end). */
  long segmentTimestamp(byte[] storeKey);

  /** Inclusive lower scan bound for keys {@code >= keyFrom} from time {@code from}. */
  byte[] lowerRange(byte[] keyFrom, long from);

  /** Inclusive upper scan bound for keys {@code <= keyTo} up to time {@code to}. */
  byte[] upperRange(byte[] keyTo, long to);

  /** Inclusive lower scan bound for exactly {@code key} from time {@code from}. */
  byte[] lowerRangeFixedSize(byte[] key, long from);

  /** Inclusive upper scan bound for exactly {@code key} up to time {@code to}. */
  byte[] upperRangeFixedSize(byte[] key, long to);

  /**
   * Whether a fetch of user keys {@code [keyFrom, keyTo]} (null: unbounded) over times
   * {@code [from, to]} returns {@code storeKey}.
   */
  boolean matches(byte[] storeKey, byte[] keyFrom, byte[] keyTo, long from, long to);

  /**
   * The latest segment timestamp a fetch up to time {@code to} must search: {@code to} for
   * windows (keyed by start), unbounded for sessions (keyed by end, which may lie past {@code to}).
   */
  long searchUpTo(long to);

  /** Whether a fetch with {@code to < from} is empty without a scan (true for windows). */
  boolean emptyWhenToBeforeFrom();

  /**
   * Kafka's upper scan bound for a key range ({@code OrderedBytes.upperRange}): the bytes of
   * {@code key} up to the first one after the first that is below {@code maxSuffix[0]}, then
   * {@code maxSuffix}. Keys of any length {@code <= key} followed by a suffix {@code <= maxSuffix}
   * sort at or below it (assuming keys of at least one byte).
   */
  static byte[] upperRange(byte[] key, byte[] maxSuffix) {
    int first = maxSuffix[0] & 0xFF;
    int keep = key.length;
    if (first != 0) {
      keep = Math.min(1, key.length);
      while (keep < key.length && (key[keep] & 0xFF) >= first) {
        keep++;
      }
    }
    byte[] out = new byte[keep + maxSuffix.length];
    System.arraycopy(key, 0, out, 0, keep);
    System.arraycopy(maxSuffix, 0, out, keep, maxSuffix.length);
    return out;
  }

  /** {@code key} followed by {@code suffixLength} zero bytes: the least store key for it. */
  static byte[] lowerRange(byte[] key, int suffixLength) {
    byte[] out = new byte[key.length + suffixLength];
    System.arraycopy(key, 0, out, 0, key.length);
    return out;
  }

  /** Unsigned comparison of {@code storeKey[0, keyLength)} with {@code key}. */
  static int compareKey(byte[] storeKey, int keyLength, byte[] key) {
    return java.util.Arrays.compareUnsigned(storeKey, 0, keyLength, key, 0, key.length);
  }

  /** Whether the user key {@code storeKey[0, keyLength)} lies in {@code [keyFrom, keyTo]}. */
  static boolean keyInRange(byte[] storeKey, int keyLength, byte[] keyFrom, byte[] keyTo) {
    return (keyFrom == null || compareKey(storeKey, keyLength, keyFrom) >= 0)
        && (keyTo == null || compareKey(storeKey, keyLength, keyTo) <= 0);
  }
}
