package io.stratadb.sstable;

import io.stratadb.util.ByteSink;
import java.util.Arrays;

/**
 * Builds one block of sorted entries with prefix-compressed keys and restart points (LevelDB's
 * {@code table/block_builder.cc}).
 *
 * <pre>
 *   entry: shared key bytes (varint) | unshared key bytes (varint) | value length (varint)
 *          | key delta (unshared bytes) | value
 *   block: entries | restart offsets (fixed32 each) | restart count (fixed32)
 * </pre>
 *
 * Every {@code restartInterval}-th key is stored whole (shared = 0) and its offset recorded as a
 * restart point, so a reader can binary-search restart points. Keys must be added in strictly
 * increasing order. Not thread-safe.
 */
public final class BlockBuilder {
  private final int restartInterval;
  private final ByteSink buffer;
  private int[] restarts = new int[16];
  private int restartCount;
  private int counter;
  private byte[] lastKey = new byte[0];
  private boolean finished;
  private int entries;

  /**
   * @param restartInterval keys between restart points (at least 1)
   * @param expectedSize initial buffer capacity in bytes
   */
  public BlockBuilder(int restartInterval, int expectedSize) {
    this.restartInterval = restartInterval;
    this.buffer = new ByteSink(expectedSize);
    reset();
  }

  /** Clears the builder for a new block. */
  public void reset() {
    buffer.reset();
    restartCount = 0;
    addRestart(0);
    counter = 0;
    lastKey = new byte[0];
    finished = false;
    entries = 0;
  }

  private void addRestart(int offset) {
    if (restartCount == restarts.length) {
      restarts = Arrays.copyOf(restarts, restartCount * 2);
    }
    restarts[restartCount++] = offset;
  }

  /** Appends an entry; {@code key} must sort after the previous key. */
  public void add(byte[] key, byte[] value) {
    if (finished) {
      throw new IllegalStateException("block already finished");
    }
    int shared = 0;
    if (counter < restartInterval) {
      int max = Math.min(lastKey.length, key.length);
      int mismatch = Arrays.mismatch(lastKey, 0, max, key, 0, max);
      shared = mismatch < 0 ? max : mismatch;
    } else {
      addRestart(buffer.size());
      counter = 0;
    }
    int unshared = key.length - shared;
    buffer.putVarint64(shared).putVarint64(unshared).putVarint64(value.length);
    buffer.put(key, shared, unshared).put(value);
    lastKey = key;
    counter++;
    entries++;
  }

  /** Estimated size in bytes of the block if finished now. */
  public int currentSizeEstimate() {
    return buffer.size() + restartCount * 4 + 4;
  }

  /** Whether no entry was added since the last reset. */
  public boolean isEmpty() {
    return entries == 0;
  }

  /** The last key added. */
  public byte[] lastKey() {
    return lastKey;
  }

  /** Appends the restart array and returns the finished block's bytes (a copy). */
  public byte[] finish() {
    for (int i = 0; i < restartCount; i++) {
      buffer.putFixed32(restarts[i]);
    }
    buffer.putFixed32(restartCount);
    finished = true;
    return buffer.toByteArray();
  }
}
