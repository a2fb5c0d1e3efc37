package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import java.util.Arrays;

/**
 * A table's index block decoded once into arrays: each data block's last internal key and its
 * handle, so a lookup binary-searches plain arrays instead of decoding varints and block handles
 * on every seek (RocksDB keeps index blocks pinned and parsed next to the table reader for the
 * same reason, {@code BlockBasedTable::IndexReader}). The on-disk index block is unchanged.
 *
 * <p>A binary search over thousands of separately allocated keys misses the CPU cache on nearly
 * every probe, so the search runs first over one {@code long[]} of fingerprints: the 8 bytes of
 * each user key that follow the prefix all keys of the table share, big-endian and zero-padded.
 * Fingerprints never decrease with the key, so they narrow the search to the keys whose
 * fingerprint equals the target's, and only those are compared whole (the idea of a key prefix
 * kept beside the index, as in Pebble's and RocksDB's cache-conscious index searches).
 *
 * <p>Immutable and thread-safe once built.
 */
final class IndexBlock {
  private final byte[][] lastKeys;
  private final long[] offsets;
  private final long[] sizes;
  /** The user-key prefix every last key shares. */
  private final byte[] sharedPrefix;
  /** Per block: {@link #fingerprint} of its last key's user key. */
  private final long[] fingerprints;

  private IndexBlock(byte[][] lastKeys, long[] offsets, long[] sizes) {
    this.lastKeys = lastKeys;
    this.offsets = offsets;
    this.sizes = sizes;
    int n = lastKeys.length;
    if (n == 0) {
      this.sharedPrefix = new byte[0];
    } else {
      byte[] first = lastKeys[0];
      byte[] last = lastKeys[n - 1];
      int firstLength = InternalKey.userKeyLength(first);
      int lastLength = InternalKey.userKeyLength(last);
      int mismatch = Arrays.mismatch(first, 0, firstLength, last, 0, lastLength);
      this.sharedPrefix = Arrays.copyOf(first, mismatch < 0 ? firstLength : mismatch);
    }
    this.fingerprints = new long[n];
    for (int i = 0; i < n; i++) {
      fingerprints[i] = fingerprint(lastKeys[i], InternalKey.userKeyLength(lastKeys[i]));
    }
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
   * Decodes every entry of {@code index}.
   *
   * @param fileName the table, for error messages
   * @param indexOffset the index block's offset in the table, where errors are reported
   * @throws CorruptionException if an entry does not decode, a key is not an internal key, a handle
   *     is malformed, or the keys are not ascending
   */
  static IndexBlock decode(Block index, String fileName, long indexOffset) {
    java.util.List<byte[]> keys = new java.util.ArrayList<>();
    java.util.List<BlockHandle> handles = new java.util.ArrayList<>();
    try (InternalIterator it = index.iterator(InternalKey.COMPARATOR)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length < InternalKey.TRAILER_BYTES) {
          throw new CorruptionException(fileName, indexOffset, "index key shorter than an internal key");
        }
        if (!keys.isEmpty() && InternalKey.compare(keys.get(keys.size() - 1), key) > 0) {
          throw new CorruptionException(fileName, indexOffset, "index keys out of order");
        }
        BlockHandle handle;
        try {
          handle = BlockHandle.decode(it.value());
        } catch (IndexOutOfBoundsException e) {
          throw new CorruptionException(fileName, indexOffset, "malformed block handle in index block");
        }
        keys.add(key);
        handles.add(handle);
      }
    }
    int n = keys.size();
    long[] offsets = new long[n];
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) {
      offsets[i] = handles.get(i).offset();
      sizes[i] = handles.get(i).size();
    }
    return new IndexBlock(keys.toArray(new byte[0][]), offsets, sizes);
  }

  /** Number of data blocks. */
  int size() {
    return lastKeys.length;
  }

  /** Index of the first block whose last key is {@code >= target}; {@link #size()} if none. */
  int firstBlockEndingAtOrAfter(byte[] target) {
    int n = lastKeys.length;
    int targetLength = InternalKey.userKeyLength(target);
    if (n == 0 || targetLength < 0) {
      return search(target, 0, n); // the full comparison reports a malformed target
    }
    int p = Math.min(sharedPrefix.length, targetLength);
    int c = Arrays.compareUnsigned(target, 0, p, sharedPrefix, 0, p);
    if (c < 0 || (c == 0 && targetLength < sharedPrefix.length)) {
      return 0; // below every key
    }
    if (c > 0) {
      return n; // above every key
    }
    long f = fingerprint(target, targetLength);
    int lo = 0;
    int hi = n;
    while (lo < hi) { // first fingerprint >= f
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(fingerprints[mid], f) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int end = lo;
    hi = n;
    while (end < hi) { // first fingerprint > f
      int mid = (end + hi) >>> 1;
      if (Long.compareUnsigned(fingerprints[mid], f) <= 0) {
        end = mid + 1;
      } else {
        hi = mid;
      }
    }
    return search(target, lo, end);
  }

  /** First index in {@code [from, to)} whose last key is {@code >= target}; {@code to} if none. */
  private int search(byte[] target, int from, int to) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compare(lastKeys[mid], target) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The size in bytes of block {@code i}, trailer excluded. */
  long blockSize(int i) {
    return sizes[i];
  }

  /** The file offset of block {@code i}. */
  long offset(int i) {
    return offsets[i];
  }
}
