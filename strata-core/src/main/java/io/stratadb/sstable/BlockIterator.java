package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.SliceComparator;
import io.stratadb.util.Slice;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Iterates the entries of a {@link Block} (made by {@link Block#iterator}) in both directions.
 * Forward steps decode the next entry; backward steps re-decode from the restart point before
 * the current entry, as LevelDB's {@code table/block.cc} {@code Block::Iter::Prev}, but remember
 * the entries decoded on the way, so the following steps back within that restart interval decode
 * nothing (RocksDB's prev cache): a reverse scan decodes every entry about twice instead of half a
 * restart interval per step.
 *
 * <p>Entries are decoded into a reused key buffer; {@link #key()} and {@link #value()} copy out
 * a fresh array only when asked, once per position, so the entries a seek or a {@code prev} steps
 * over cost no allocation; {@link #keySlice()} views the key buffer and {@link #valueSlice()}
 * the block itself (for a heap block, and for a view copied by {@link Block#heapIterator}, whose
 * copy is overwritten when the iterator is re-pointed at the next block; an uncopied view of a
 * mapped block copies the value into a reused buffer, as no slice can view a mapping). With a
 * {@link SliceComparator} (as {@link InternalKey#COMPARATOR}), seeks compare scanned keys in the
 * buffer, and restart keys in a heap block, without copying.
 *
 * <p>Once it reported damage ({@link CorruptionException}) the iterator is invalid until
 * positioned again. {@link Block#iterator(Comparator, InternalIterator)} re-points it at another
 * block.
 *
 * <p>Not thread-safe: one iterator per thread (the block itself is shared freely).
 */
final class BlockIterator implements InternalIterator {
  private static final int PREV_FIELDS = 5;
  /**
   * Orders the keys; {@link Block#iterator(Comparator, InternalIterator)} re-points only an
   * iterator with the same one.
   */
  final Comparator<byte[]> comparator;
  /** The comparator when it compares in place, else null. */
  private final SliceComparator slices;
  // The block iterated, its fields copied by bind(): a heap array or a mapped buffer at base.
  // Copies, not a Block reference, so the per-entry reads load no extra object.
  private byte[] data;
  private ByteBuffer mapped;
  private int base;
  private int restartsOffset;
  private int restartCount;
  private String fileName;
  private long fileOffset;
  /** Offset of the current entry; {@code restartsOffset} when invalid. */
  private int current;
  private int nextEntry;
  /** Index of the restart point at or before {@code current}. */
  private int restartIndex;
  /**
   * Offset of restart point {@code restartIndex + 1}, or {@code restartsOffset} past the last:
   * forward steps cross restart points comparing with it instead of decoding the array.
   */
  private int nextRestart;
  /** The current key is {@code keyBuffer[0, keyLength)}; the next entry shares a prefix of it. */
  private byte[] keyBuffer = new byte[32];
  private int keyLength;
  private int valueOffset;
  private int valueLength;
  /** Copies handed out for the current position, or null until asked for. */
  private byte[] key;
  private byte[] value;
  /** Re-pointed at the key buffer and the value's bytes in the block on each call. */
  private final Slice keySlice = new Slice();
  private final Slice valueSlice = new Slice();
  /** Restart keys and values copied out of a mapped block, which no slice can view; lazily made. */
  private byte[] scratch;
  /** Holds a mapped block copied by {@link #copyToHeap}; kept for the next block. Lazily made. */
  private byte[] heapCopy;
  /**
   * The prev cache (RocksDB's {@code DataBlockIter::PrevImpl}): the entries of restart interval
   * {@code prevRestartIndex} up to the one a re-decoding {@link #prev()} stopped at, each as
   * {@link #PREV_FIELDS} ints (offset, key start in {@code prevKeys}, key length, value offset,
   * value length), with their full keys in {@code prevKeys}. A reverse scan then decodes each
   * interval once instead of once per entry. Allocated by the first {@code prev}.
   */
  private int[] prevEntries;
  private byte[] prevKeys;
  private int prevCount;
  private int prevKeysUsed;
  private int prevRestartIndex;
  /** Index in the prev cache of the current entry, when it was last positioned from it; else -1. */
  private int prevPosition = -1;
  /** The last decoded entry header: shared and unshared key bytes, value length. */
  private int headerShared;
  private int headerUnshared;
  private int headerValueLength;

  BlockIterator(Comparator<byte[]> comparator, Block block) {
    this.comparator = comparator;
    this.slices = comparator instanceof SliceComparator s ? s : null;
    bind(block);
  }

  /** Points this iterator, unpositioned, at {@code block}, keeping its buffers. */
  void bind(Block block) {
    data = block.data;
    mapped = block.mapped;
    base = block.base;
    restartsOffset = block.restartsOffset;
    restartCount = block.restartCount;
    fileName = block.fileName;
    fileOffset = block.fileOffset;
    current = restartsOffset;
    key = null;
    value = null;
    prevCount = 0;
    prevKeysUsed = 0;
    prevPosition = -1;
  }

  /**
   * Copies the bound mapped block, {@code length} bytes, into {@link #heapCopy} and reads that
   * from now on, until the next {@link #bind}.
   */
  void copyToHeap(int length) {
    mapped.get(base, heapCopy(length), 0, length);
    data = heapCopy;
    mapped = null;
    base = 0;
  }

  /**
   * Copies the bound block, which lies in {@code block.arena}, into {@link #heapCopy} and reads
   * that from now on, until the next {@link #bind}; false if the block's pages were reused while
   * they were copied ({@link BlockArena#copyOut}): then the iterator reads nothing valid and must
   * be bound again.
   */
  boolean copyFromArena(Block block) {
    if (!block.arena.copyOut(block, heapCopy(block.length))) {
      current = restartsOffset = 0; // an empty block: invalid whatever is called
      restartCount = 0;
      return false;
    }
    data = heapCopy;
    mapped = null;
    base = 0;
    return true;
  }

  /** {@link #heapCopy}, made or grown to hold at least {@code length} bytes first. */
  private byte[] heapCopy(int length) {
    if (heapCopy == null || heapCopy.length < length) {
      int doubled = heapCopy == null ? 4096 : 2 * heapCopy.length;
      heapCopy = new byte[Math.max(length, Math.min(doubled, Block.HEAP_COPY_MAX_BYTES))];
    }
    return heapCopy;
  }

  // The three reads every decode goes through; a heap block and a view take one branch each.

  private int byteAt(int p) {
    return data != null ? data[p] : mapped.get(base + p);
  }

  private int fixed32At(int p) {
    return Block.fixed32(data, mapped, base, p);
  }

  private void copyOut(int p, byte[] dst, int off, int len) {
    if (data != null) {
      System.arraycopy(data, p, dst, off, len);
    } else {
      mapped.get(base + p, dst, off, len);
    }
  }

  @Override
  public boolean isValid() {
    return current < restartsOffset;
  }

  @Override
  public void seekToFirst() {
    if (restartsOffset == 0) {
      invalidate(); // a block without entries
      return;
    }
    seekToRestartPoint(0);
    parseNext();
  }

  @Override
  public void seek(byte[] target) {
    if (restartsOffset == 0) {
      invalidate(); // a block without entries
      return;
    }
    int left = 0;
    int right = restartCount - 1;
    while (left < right) {
      int mid = (left + right + 1) >>> 1;
      if (compareRestartKey(mid, target) < 0) {
        left = mid;
      } else {
        right = mid - 1;
      }
    }
    seekToRestartPoint(left);
    parseNext();
    while (isValid() && compareCurrent(target) < 0) {
      parseNext();
    }
  }

  @Override
  public void seekToLast() {
    if (restartsOffset == 0) {
      invalidate();
      return;
    }
    seekToRestartPoint(restartCount - 1);
    do {
      parseNext();
    } while (isValid() && nextEntry < restartsOffset);
  }

  @Override
  public void seekForPrev(byte[] target) {
    seek(target);
    if (!isValid()) {
      seekToLast();
    } else if (compareCurrent(target) > 0) {
      prev();
    }
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    parseNext();
  }

  @Override
  public void prev() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    if (prevPosition > 0 && prevEntries[PREV_FIELDS * prevPosition] == current) {
      restorePrevEntry(prevPosition - 1);
      return;
    }
    int original = current;
    while (restartPoint(restartIndex) >= original) {
      if (restartIndex == 0) {
        invalidate(); // it was on the first entry
        return;
      }
      restartIndex--;
    }
    seekToRestartPoint(restartIndex);
    // Decode forward until the entry that ends where the original one starts, keeping every
    // entry decoded so that the next prev() steps back within this interval without decoding.
    prevPosition = -1;
    prevCount = 0;
    prevKeysUsed = 0;
    prevRestartIndex = restartIndex;
    do {
      parseNext();
      if (isValid()) {
        rememberForPrev();
      }
    } while (isValid() && nextEntry < original);
    if (nextEntry != original) {
      throw corrupt("entries do not chain up to offset " + original);
    }
    prevPosition = prevCount - 1;
  }

  /** Appends the current entry to the prev cache. */
  private void rememberForPrev() {
    if (prevEntries == null) {
      prevEntries = new int[PREV_FIELDS * 16];
      prevKeys = new byte[Math.max(256, 16 * keyLength)];
    }
    if (PREV_FIELDS * (prevCount + 1) > prevEntries.length) {
      prevEntries = Arrays.copyOf(prevEntries, 2 * prevEntries.length);
    }
    if (prevKeysUsed + keyLength > prevKeys.length) {
      prevKeys = Arrays.copyOf(prevKeys, Math.max(prevKeysUsed + keyLength, 2 * prevKeys.length));
    }
    int at = PREV_FIELDS * prevCount++;
    prevEntries[at] = current;
    prevEntries[at + 1] = prevKeysUsed;
    prevEntries[at + 2] = keyLength;
    prevEntries[at + 3] = valueOffset;
    prevEntries[at + 4] = valueLength;
    System.arraycopy(keyBuffer, 0, prevKeys, prevKeysUsed, keyLength);
    prevKeysUsed += keyLength;
  }

  /** Positions on entry {@code index} of the prev cache, exactly as decoding it would. */
  private void restorePrevEntry(int index) {
    int at = PREV_FIELDS * index;
    int length = prevEntries[at + 2];
    if (length > keyBuffer.length) {
      keyBuffer = Arrays.copyOf(keyBuffer, Math.max(length, 2 * keyBuffer.length));
    }
    System.arraycopy(prevKeys, prevEntries[at + 1], keyBuffer, 0, length);
    keyLength = length;
    nextEntry = current; // the entry after it is the one being left
    current = prevEntries[at];
    valueOffset = prevEntries[at + 3];
    valueLength = prevEntries[at + 4];
    key = null;
    value = null;
    if (restartIndex != prevRestartIndex) {
      restartIndex = prevRestartIndex;
      nextRestart = restartIndex + 1 < restartCount ? restartPoint(restartIndex + 1) : restartsOffset;
    }
    prevPosition = index;
  }

  @Override
  public byte[] key() {
    if (key == null && isValid()) {
      key = Arrays.copyOf(keyBuffer, keyLength);
    }
    return key;
  }

  @Override
  public byte[] value() {
    if (value == null && isValid()) {
      value = new byte[valueLength];
      copyOut(valueOffset, value, 0, valueLength);
    }
    return value;
  }

  @Override
  public Slice keySlice() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    keySlice.set(keyBuffer, 0, keyLength);
    return keySlice;
  }

  @Override
  public Slice valueSlice() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    if (data != null) {
      valueSlice.set(data, valueOffset, valueLength);
    } else {
      // A mapped block cannot be viewed as an array: copy into a buffer this iterator reuses.
      byte[] copy = scratch(valueLength);
      copyOut(valueOffset, copy, 0, valueLength);
      valueSlice.set(copy, 0, valueLength);
    }
    return valueSlice;
  }

  @Override
  public byte[] valueCopy() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    byte[] copy = new byte[valueLength];
    copyOut(valueOffset, copy, 0, valueLength);
    return copy;
  }

  @Override
  public void close() {
    current = restartsOffset;
  }

  private void invalidate() {
    current = restartsOffset;
    key = null;
    value = null;
  }

  /** {@link #scratch}, at least {@code length} bytes long. */
  private byte[] scratch(int length) {
    if (scratch == null || length > scratch.length) {
      scratch = new byte[Math.max(length, scratch == null ? 128 : 2 * scratch.length)];
    }
    return scratch;
  }

  /** Makes the entry at restart point {@code index} the next one to parse. */
  private void seekToRestartPoint(int index) {
    restartIndex = index;
    nextRestart = index + 1 < restartCount ? restartPoint(index + 1) : restartsOffset;
    nextEntry = restartPoint(index);
    keyLength = 0;
  }

  private int restartPoint(int index) {
    int offset = fixed32At(restartsOffset + 4 * index);
    if (offset < 0 || offset >= restartsOffset) {
      throw corrupt("restart point out of range");
    }
    return offset;
  }

  /** Compares the key stored at restart point {@code index} with {@code target}. */
  private int compareRestartKey(int index, byte[] target) {
    int p = decodeHeader(restartPoint(index));
    if (headerShared != 0) {
      throw corrupt("restart entry shares a prefix");
    }
    if ((long) p + headerUnshared > restartsOffset) {
      throw corrupt("restart entry key runs past the entries");
    }
    try {
      if (data != null) {
        return slices != null ? slices.compare(data, p, headerUnshared, target)
            : comparator.compare(Arrays.copyOfRange(data, p, p + headerUnshared), target);
      }
      byte[] copy = scratch(headerUnshared);
      copyOut(p, copy, 0, headerUnshared);
      return slices != null ? slices.compare(copy, 0, headerUnshared, target)
          : comparator.compare(Arrays.copyOf(copy, headerUnshared), target);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw cannotOrder(e);
    }
  }

  /**
   * Compares the current key with another key. The comparator is trusted code, so when it
   * cannot order a stored key (an internal-key comparator given a key shorter than its 8-byte
   * trailer) the block is corrupt.
   */
  private int compareCurrent(byte[] target) {
    try {
      if (slices != null) {
        return slices.compare(keyBuffer, 0, keyLength, target);
      }
      return comparator.compare(key(), target);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw cannotOrder(e);
    }
  }

  private CorruptionException cannotOrder(RuntimeException e) {
    return corrupt("key the comparator cannot order (" + e.getMessage() + ")");
  }

  private void parseNext() {
    current = nextEntry;
    key = null;
    value = null;
    if (current >= restartsOffset) {
      invalidate();
      return;
    }
    int p = decodeHeader(current);
    int shared = headerShared;
    int unshared = headerUnshared;
    int valueLen = headerValueLength;
    if (shared > keyLength || (long) p + unshared + valueLen > restartsOffset) {
      throw corrupt("bad entry");
    }
    int length = shared + unshared;
    if (length > keyBuffer.length) {
      keyBuffer = Arrays.copyOf(keyBuffer, Math.max(length, 2 * keyBuffer.length));
    }
    copyOut(p, keyBuffer, shared, unshared);
    keyLength = length;
    valueOffset = p + unshared;
    valueLength = valueLen;
    nextEntry = p + unshared + valueLen;
    while (restartIndex + 1 < restartCount && nextRestart <= current) {
      restartIndex++;
      nextRestart = restartIndex + 1 < restartCount ? restartPoint(restartIndex + 1) : restartsOffset;
    }
  }

  /**
   * Decodes three varints (shared, unshared, value length) at {@code p} into the header fields;
   * returns the offset after them.
   */
  private int decodeHeader(int p) {
    if (p + 3 <= restartsOffset) {
      // Fast path, as LevelDB's DecodeEntry: all three lengths fit one byte each (below 128).
      // One 4-byte load reads them: at least the restart count follows the entries, so the
      // fourth byte is inside the block.
      int word = fixed32At(p);
      if ((word & 0x808080) == 0) {
        headerShared = word & 0xff;
        headerUnshared = (word >>> 8) & 0xff;
        headerValueLength = (word >>> 16) & 0xff;
        return p + 3;
      }
    }
    int offset = p;
    for (int i = 0; i < 3; i++) {
      long result = 0;
      for (int shift = 0; ; shift += 7) {
        if (offset >= restartsOffset || shift > 28) {
          throw corrupt("bad entry header");
        }
        int b = byteAt(offset++) & 0xff;
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (result > Integer.MAX_VALUE) {
        throw corrupt("entry length out of range");
      }
      if (i == 0) {
        headerShared = (int) result;
      } else if (i == 1) {
        headerUnshared = (int) result;
      } else {
        headerValueLength = (int) result;
      }
    }
    return offset;
  }

  /** The error for damage found at the current step; leaves the iterator invalid, not half-moved. */
  private CorruptionException corrupt(String what) {
    invalidate();
    return new CorruptionException(fileName, fileOffset, "block " + what);
  }
}
