package io.stratadb.key;

import io.stratadb.util.UnsignedBytes;
import java.util.Arrays;

/**
 * Internal keys in ascending order ({@link InternalKey#compare}), searched for the first key at
 * or after a target: the last keys of a table's data blocks, the largest keys of a level's tables.
 *
 * <p>A binary search over separately allocated keys misses the CPU cache on nearly every probe,
 * so the search runs first over one {@code long[]} of fingerprints: the 8 bytes of each user key
 * that follow the prefix all the keys share, big-endian and zero-padded. Fingerprints never
 * decrease with the key, so they narrow the search to the keys whose fingerprint equals the
 * target's, and only those are compared whole (the idea of a key prefix kept beside the index, as
 * in Pebble's and RocksDB's cache-conscious index searches).
 *
 * <p>Immutable and thread-safe once built; the key arrays are shared, never copied or changed.
 */
public final class SortedKeys {
  private static final SortedKeys EMPTY = new SortedKeys(new byte[0][]);

  private final byte[][] keys;
  /** The user-key prefix every key shares. */
  private final byte[] sharedPrefix;
  /** Per key: {@link #fingerprint} of its user key. */
  private final long[] fingerprints;

  private SortedKeys(byte[][] keys) {
    this.keys = keys;
    int n = keys.length;
    if (n == 0) {
      this.sharedPrefix = new byte[0];
    } else {
      byte[] first = keys[0];
      byte[] last = keys[n - 1];
      int firstLength = InternalKey.userKeyLength(first);
      int lastLength = InternalKey.userKeyLength(last);
      int mismatch = Arrays.mismatch(first, 0, firstLength, last, 0, lastLength);
      this.sharedPrefix = Arrays.copyOf(first, mismatch < 0 ? firstLength : mismatch);
    }
    this.fingerprints = new long[n];
    for (int i = 0; i < n; i++) {
      fingerprints[i] = fingerprint(keys[i], InternalKey.userKeyLength(keys[i]));
    }
  }

  /**
   * The keys, which must be well-formed internal keys in ascending order (checked only when Java
   * assertions are on); the array is kept, not copied.
   */
  public static SortedKeys of(byte[][] keys) {
    assert ascending(keys) : "keys out of order";
    return keys.length == 0 ? EMPTY : new SortedKeys(keys);
  }

  private static boolean ascending(byte[][] keys) {
    for (int i = 1; i < keys.length; i++) {
      if (InternalKey.compare(keys[i - 1], keys[i]) > 0) {
        return false;
      }
    }
    return true;
  }

  /** Number of keys. */
  public int size() {
    return keys.length;
  }

  /** Key {@code i}, shared: callers must not change it. */
  public byte[] get(int i) {
    return keys[i];
  }

  /** Big-endian value of the 8 user-key bytes after the shared prefix, zero-padded. */
  private long fingerprint(byte[] key, int userKeyLength) {
    long f = 0;
    int from = sharedPrefix.length;
    for (int i = 0; i < 8; i++) {
      int p = from + i;
      f = (f << 8) | (p < userKeyLength ? key[p] & 0xff : 0);
    }
    return f;
  }

  /**
   * Index of the first key {@code >= target} in internal-key order; {@link #size()} if none.
   *
   * @throws IllegalArgumentException if {@code target} is shorter than an internal key and has to
   *     be compared whole ({@link InternalKey#compare})
   */
  public int firstAtOrAfter(byte[] target) {
    int n = keys.length;
    int targetLength = InternalKey.userKeyLength(target);
    if (n == 0 || targetLength < 0) {
      return search(target, 0, n); // the full comparison reports a malformed target
    }
    int outside = outsideSharedPrefix(target, targetLength);
    if (outside >= 0) {
      return outside;
    }
    long f = fingerprint(target, targetLength);
    int lo = firstFingerprintAtOrAbove(f);
    return search(target, lo, endOfRun(f, lo));
  }

  /**
   * Index of the first key whose user key is {@code >= userKey} (unsigned bytes); {@link #size()}
   * if none. For the largest keys of a level's tables, the first table that may hold {@code
   * userKey}. Searches the fingerprints as {@link #firstAtOrAfter} does; no allocation.
   */
  public int firstWithUserKeyAtOrAfter(byte[] userKey) {
    int n = keys.length;
    if (n == 0) {
      return 0;
    }
    int outside = outsideSharedPrefix(userKey, userKey.length);
    if (outside >= 0) {
      return outside;
    }
    long f = fingerprint(userKey, userKey.length);
    int lo = firstFingerprintAtOrAbove(f);
    int hi = endOfRun(f, lo);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compareUserKey(keys[mid], userKey) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * 0 if a key whose user key is {@code key[0, length)} sorts before every key by its shared
   * prefix, {@link #size()} if after every key, -1 if it starts with the shared prefix.
   */
  private int outsideSharedPrefix(byte[] key, int length) {
    int p = Math.min(sharedPrefix.length, length);
    int c = UnsignedBytes.compare(key, 0, p, sharedPrefix, 0, p);
    if (c < 0 || (c == 0 && length < sharedPrefix.length)) {
      return 0; // below every key
    }
    return c > 0 ? keys.length : -1;
  }

  /** The first index whose fingerprint is {@code >= f} (unsigned); {@link #size()} if none. */
  private int firstFingerprintAtOrAbove(long f) {
    int lo = 0;
    int hi = fingerprints.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(fingerprints[mid], f) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The end of the run of fingerprints equal to {@code f} that starts at {@code lo}, the first
   * fingerprint {@code >= f}: an exponential search from {@code lo}, as the run is nearly always
   * empty or one key long (distinct keys rarely share 8 bytes past the shared prefix).
   */
  private int endOfRun(long f, int lo) {
    int n = fingerprints.length;
    int low = lo; // every fingerprint in [lo, low) equals f
    int bound = lo;
    for (int step = 1; bound < n && fingerprints[bound] == f; step <<= 1) {
      low = bound + 1;
      bound = lo + step;
    }
    int hi = Math.min(bound, n); // hi == n, or fingerprints[hi] > f
    while (low < hi) { // every fingerprint from lo on is >= f: "== f" is "<= f"
      int mid = (low + hi) >>> 1;
      if (fingerprints[mid] == f) {
        low = mid + 1;
      } else {
        hi = mid;
      }
    }
    return low;
  }

  /** First index in {@code [from, to)} whose key is {@code >= target}; {@code to} if none. */
  private int search(byte[] target, int from, int to) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compare(keys[mid], target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
