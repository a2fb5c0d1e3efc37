package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.SortedKeys;

/**
 * A table's index block decoded once into arrays: each data block's last internal key and its
 * handle, so a lookup binary-searches plain arrays instead of decoding varints and block handles
 * on every seek (RocksDB keeps index blocks pinned and parsed next to the table reader for the
 * same reason, {@code BlockBasedTable::IndexReader}). The last keys are {@link SortedKeys},
 * searched through fingerprints before whole keys. The on-disk index block is unchanged.
 *
 * <p>Immutable and thread-safe once built.
 */
final class IndexBlock {
  private final SortedKeys lastKeys;
  private final long[] offsets;
  private final long[] sizes;

  private IndexBlock(byte[][] lastKeys, long[] offsets, long[] sizes) {
    this.lastKeys = SortedKeys.of(lastKeys);
    this.offsets = offsets;
    this.sizes = sizes;
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

  /**
   * Estimated heap bytes of this decoded index, in bytes: the last keys' bytes plus, per block, an
   * array header and reference, the handle's two longs and the key's fingerprint.
   */
  long memoryBytes() {
    long bytes = 0;
    for (int i = 0; i < size(); i++) {
      bytes += lastKeys.get(i).length;
    }
    return bytes + 48L * size();
  }

  /** Number of data blocks. */
  int size() {
    return lastKeys.size();
  }

  /** Index of the first block whose last key is {@code >= target}; {@link #size()} if none. */
  int firstBlockEndingAtOrAfter(byte[] target) {
    return lastKeys.firstAtOrAfter(target);
  }

  /** The size in bytes of block {@code i}, trailer excluded. */
  long blockSize(int i) {
    return sizes[i];
  }

  /** The file offset of block {@code i}. */
  long offset(int i) {
    return offsets[i];
  }

  /** A copy of block {@code i}'s last internal key. */
  byte[] lastKey(int i) {
    return lastKeys.get(i).clone();
  }
}
