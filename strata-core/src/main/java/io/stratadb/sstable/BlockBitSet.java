package io.stratadb.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bit per data block of one open SSTable (its position in the index block), set once and never
 * cleared: which blocks of a memory-mapped table passed their checksum, and which are compressed
 * (so a read goes to the block cache without touching the mapping). See {@link
 * TableReader#readDataBlock(BlockHandle)}.
 *
 * <p>Thread-safe: a bit is set with an atomic OR; a read is plain, and a reader that does not yet
 * see another thread's bit only does that block's first-read work (a checksum, a trailer read)
 * once more.
 */
final class BlockBitSet {
  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] words;

  /**
   * @param blockCount number of data blocks in the table
   * @throws IllegalArgumentException if {@code blockCount < 0}
   */
  BlockBitSet(int blockCount) {
    if (blockCount < 0) {
      throw new IllegalArgumentException("block count must be >= 0, got " + blockCount);
    }
    this.words = new long[(blockCount + 63) >>> 6];
  }

  /** Whether block {@code index} has its bit; false for an index outside the table. */
  boolean contains(int index) {
    int word = index >>> 6;
    return index >= 0 && word < words.length && (words[word] & (1L << index)) != 0;
  }

  /** Sets the bit of block {@code index}; ignores an index outside the table. */
  void add(int index) {
    int word = index >>> 6;
    if (index >= 0 && word < words.length) {
      WORDS.getAndBitwiseOr(words, word, 1L << index);
    }
  }
}
