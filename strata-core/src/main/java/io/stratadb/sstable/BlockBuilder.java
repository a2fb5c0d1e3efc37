package io.stratadb.sstable;

import io.stratadb.util.ByteSink;
import io.stratadb.util.Slice;
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
 * increasing order.
 *
 * <p>Keys and values are copied into the block as they are added, so a caller may hand in views
 * it reuses ({@link Slice}s of an iterator): the builder keeps no reference to them. The finished
 * block can be read in place ({@link #finishInPlace()}) and the builder reset for the next block,
 * so building a table allocates per block only when a block outgrows the buffer.
 *
 * <p>Not thread-safe.
 */
public final class BlockBuilder {
  private final int restartInterval;
  private final ByteSink buffer;
  private int[] restarts = new int[16];
  private int restartCount;
  private int counter;
  /** The last key added is {@code lastKey[0, lastKeyLength)}: a copy, reused across adds. */
  private byte[] lastKey = new byte[64];
  private int lastKeyLength;
  private final Slice finishedView = new Slice();
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
    lastKeyLength = 0;
    finished = false;
    entries = 0;
  }

  private void addRestart(int offset) {
    if (restartCount == restarts.length) {
      restarts = Arrays.copyOf(restarts, restartCount * 2);
    }
    restarts[restartCount++] = offset;
  }

  /**
   * Appends an entry, copying both arrays' bytes; {@code key} must sort after the previous key.
   *
   * @throws IllegalStateException if the block is finished and not reset
   */
  public void add(byte[] key, byte[] value) {
    add(new Slice(key, 0, key.length), new Slice(value, 0, value.length));
  }

  /**
   * Appends an entry, copying the bytes {@code key} and {@code value} view; the builder keeps no
   * reference to either slice or its array, so the caller may re-point or overwrite them at once.
   * {@code key} must sort after the previous key (not checked here: {@link TableBuilder} checks
   * internal-key order).
   *
   * @throws IllegalStateException if the block is finished and not reset
   */
  public void add(Slice key, Slice value) {
    if (finished) {
      throw new IllegalStateException("block already finished");
    }
    byte[] k = key.array();
    int kOff = key.offset();
    int kLen = key.length();
    int shared = 0;
    if (counter < restartInterval) {
      int max = Math.min(lastKeyLength, kLen);
      int mismatch = Arrays.mismatch(lastKey, 0, max, k, kOff, kOff + max);
      shared = mismatch < 0 ? max : mismatch;
    } else {
      addRestart(buffer.size());
      counter = 0;
    }
    int unshared = kLen - shared;
    buffer.putVarint64(shared).putVarint64(unshared).putVarint64(value.length());
    buffer.put(k, kOff + shared, unshared).put(value.array(), value.offset(), value.length());
    // Only the unshared tail differs from the previous key, which lastKey already holds.
    if (kLen > lastKey.length) {
      lastKey = Arrays.copyOf(lastKey, Math.max(kLen, lastKey.length * 2));
    }
    System.arraycopy(k, kOff + shared, lastKey, shared, unshared);
    lastKeyLength = kLen;
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

  /** A copy of the last key added (empty if none since the last reset). */
  public byte[] lastKey() {
    return Arrays.copyOf(lastKey, lastKeyLength);
  }

  /** Appends the restart array and returns the finished block's bytes (a copy). */
  public byte[] finish() {
    return finishInPlace().toArray();
  }

  /**
   * Appends the restart array and returns a view of the finished block in the builder's own
   * buffer, without copying it. The view (the same slice object on every call) and its bytes stay
   * valid until the next {@link #reset()}; the caller must not write through it.
   *
   * @throws IllegalStateException if the block is already finished
   */
  public Slice finishInPlace() {
    if (finished) {
      throw new IllegalStateException("block already finished");
    }
    for (int i = 0; i < restartCount; i++) {
      buffer.putFixed32(restarts[i]);
    }
    buffer.putFixed32(restartCount);
    finished = true;
    finishedView.set(buffer.array(), 0, buffer.size());
    return finishedView;
  }
}
