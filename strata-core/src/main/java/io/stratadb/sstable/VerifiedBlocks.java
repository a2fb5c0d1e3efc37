package io.stratadb.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which data blocks of one open, memory-mapped SSTable have passed their checksum, a bit per
 * block (its position in the index block). A block read in place from the mapping is verified on
 * its first read and then trusted, as a block in the block cache is: the page cache plays the block
 * cache's part for such a table, so the bytes are not copied or checked again on every read.
 *
 * <p>Thread-safe: a bit is set with an atomic OR; a read is plain, and a reader that does not yet
 * see another thread's bit only verifies that block once more.
 */
final class VerifiedBlocks {
  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] words;

  /**
   * @param blockCount number of data blocks in the table
   * @throws IllegalArgumentException if {@code blockCount < 0}
   */
  VerifiedBlocks(int blockCount) {
    if (blockCount < 0) {
      throw new IllegalArgumentException("block count must be >= 0, got " + blockCount);
    }
    this.words = new long[(blockCount + 63) >>> 6];
  }

  /** Whether block {@code index} was verified; false for an index outside the table. */
  boolean contains(int index) {
    int word = index >>> 6;
    return index >= 0 && word < words.length && (words[word] & (1L << index)) != 0;
  }

  /** Records that block {@code index} passed its checksum; ignores an index outside the table. */
  void add(int index) {
    int word = index >>> 6;
    if (index >= 0 && word < words.length) {
      WORDS.getAndBitwiseOr(words, word, 1L << index);
    }
  }
}
