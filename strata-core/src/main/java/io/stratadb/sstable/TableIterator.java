package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.util.Slice;

/**
 * Two-level iterator over an SSTable: the index block iterator picks the data block, whose own
 * iterator yields the entries (LevelDB's {@code table/two_level_iterator.cc}, with RocksDB's {@code
 * SeekForPrev}). Moving past either end of a data block steps the index iterator and loads the
 * neighbouring block; empty blocks are skipped in both directions. A key too short to be an internal
 * key, or of an unknown type, is reported as {@link CorruptionException} at its block's offset
 * rather than handed to callers that would decode it. Not thread-safe.
 */
final class TableIterator implements InternalIterator {
  private final TableReader table;
  /**
   * The decoded index, fetched by the first positioning call (so a damaged index is reported
   * there); the two-level iterator's first level is a cursor into it.
   */
  private IndexBlock index;
  private final boolean fillCache;
  /** The current data block's position in the index; out of {@code [0, index.size())} when none. */
  private int blockIndex = -1;
  private InternalIterator dataIterator;
  /**
   * Block iterators of closed table iterators, per thread, for the next ones to re-point (at most
   * {@link #SPARES} each, with their heap copy buffers of up to {@link Block#HEAP_COPY_MAX_BYTES}):
   * an iterator opened per seek then allocates no buffer, which cost about as much as the copy
   * saved. Spares move between threads only with the table iterators that hand them over.
   */
  private static final ThreadLocal<InternalIterator[]> SPARE_BLOCK_ITERATORS =
      ThreadLocal.withInitial(() -> new InternalIterator[TableIterator.SPARES]);
  private static final int SPARES = 4;

  /** The last block iterator made, re-pointed at the next block loaded instead of a new one. */
  private InternalIterator blockIterator;
  /** The block {@link #dataIterator} reads, kept so moving back onto it does not look it up again. */
  private Block dataBlock;
  /** File offset of the data block {@link #dataIterator} reads. */
  private long dataBlockOffset = -1;
  /**
   * Whether closing releases a reference to {@link #table} that the iterator owns (a {@link
   * TableCache} iterator), so no wrapper sits between every step and the table.
   */
  private boolean ownsReference;
  /** Read-ahead of a mapped table: pages faulted in ahead of the scan, on another thread. */
  private final BlockReadahead readahead = new BlockReadahead();
  /**
   * Read-ahead of a table that is not mapped: its blocks read ahead into a buffer of this
   * iterator's, made on the first block load; null for a mapped table or none.
   */
  private ReadaheadBuffer readaheadBuffer;
  private boolean readaheadBufferMade;
  /** Whether the last positioning call was a seek to a key, which the next steps follow forward. */
  private boolean forwardSeek;
  private final boolean seekReadsNext;

  TableIterator(TableReader table, boolean fillCache) {
    this(table, fillCache, false, true);
  }

  /**
   * @param ownsReference whether the caller handed over a reference to {@code table} that {@link
   *     #close()} releases, once
   * @param seekReadsNext whether a seek whose block misses reads the block after it in the same
   *     read ({@link ReadaheadBuffer#onBlock(long, long, long)})
   */
  TableIterator(TableReader table, boolean fillCache, boolean ownsReference, boolean seekReadsNext) {
    this.table = table;
    this.seekReadsNext = seekReadsNext;
    this.fillCache = fillCache;
    this.ownsReference = ownsReference;
  }

  private IndexBlock index() {
    if (index == null) {
      index = table.decodedIndex();
    }
    return index;
  }

  @Override
  public boolean isValid() {
    return dataIterator != null && dataIterator.isValid();
  }

  /** Forgets the blocks read in a row: the iterator is positioned anew (a seek), as RocksDB does. */
  private void restartReadahead(boolean forward) {
    readahead.restart();
    forwardSeek = forward && seekReadsNext;
    if (readaheadBuffer != null) {
      readaheadBuffer.restart(forward);
    }
  }

  @Override
  public void seekToFirst() {
    restartReadahead(false); // a scan from the start: its read-ahead starts at the third block
    index();
    blockIndex = 0;
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seekToFirst();
    }
    skipExhaustedBlocks();
    checkKey();
  }

  @Override
  public void seek(byte[] target) {
    restartReadahead(true);
    blockIndex = index().firstBlockEndingAtOrAfter(target);
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seek(target);
    }
    skipExhaustedBlocks();
    checkKey();
  }

  @Override
  public void seekToLast() {
    restartReadahead(false);
    blockIndex = index().size() - 1;
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seekToLast();
    }
    skipExhaustedBlocksBackward();
    checkKey();
  }

  @Override
  public void seekForPrev(byte[] target) {
    restartReadahead(false);
    // The index key of a block is its last key: the first block whose last key is >= target holds
    // the answer, or the block before it does when all of its keys are greater than target.
    blockIndex = Math.min(index().firstBlockEndingAtOrAfter(target), index.size() - 1);
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seekForPrev(target);
    }
    skipExhaustedBlocksBackward();
    checkKey();
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    dataIterator.next();
    skipExhaustedBlocks();
    checkKey();
  }

  @Override
  public void prev() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    dataIterator.prev();
    skipExhaustedBlocksBackward();
    checkKey();
  }

  @Override
  public byte[] key() {
    return dataIterator.key();
  }

  @Override
  public byte[] value() {
    return dataIterator.value();
  }

  @Override
  public Slice keySlice() {
    return dataIterator.keySlice();
  }

  @Override
  public Slice valueSlice() {
    return dataIterator.valueSlice();
  }

  @Override
  public byte[] valueCopy() {
    return dataIterator.valueCopy();
  }

  @Override
  public void close() {
    dataIterator = null;
    if (blockIterator != null) {
      keepSpare(blockIterator);
      blockIterator = null;
    }
    dataBlock = null;
    readaheadBuffer = null;
    if (ownsReference) {
      ownsReference = false;
      table.release();
    }
  }

  /**
   * Points {@link #dataIterator} at block {@link #blockIndex}, or null past either end. The caller
   * positions it next; staying on the same block keeps its iterator and skips the cache lookup.
   */
  private void loadDataBlock() {
    if (blockIndex < 0 || blockIndex >= index.size()) {
      dataIterator = null;
      return;
    }
    long offset = index.offset(blockIndex);
    if (dataBlock == null || offset != dataBlockOffset) {
      long end = offset + index.blockSize(blockIndex) + TableFormat.BLOCK_TRAILER_SIZE;
      if (!readaheadBufferMade) {
        readaheadBufferMade = true;
        readaheadBuffer = table.newReadahead(!fillCache); // fillCache false: a compaction input
        if (readaheadBuffer != null) {
          readaheadBuffer.restart(forwardSeek);
        }
      }
      if (readaheadBuffer != null) {
        int next = blockIndex + 1;
        readaheadBuffer.onBlock(offset, end, next < index.size()
            ? index.offset(next) + index.blockSize(next) + TableFormat.BLOCK_TRAILER_SIZE : -1);
      }
      dataBlock = table.readDataBlock(blockIndex, fillCache, readaheadBuffer, false);
      dataBlockOffset = offset;
      // Only blocks read in place from the mapping: a block from the block cache (a compressed
      // one) does not touch the mapping, so there is nothing to fault in ahead of it.
      if (dataBlock.isView() && readahead.onBlockRead(blockIndex, end)) {
        table.prefetch(readahead.requestOffset(), readahead.requestLength());
      }
      dataIterator = table.heapIterator(dataBlock, blockIndex, blockIterator != null ? blockIterator : takeSpare());
      blockIterator = dataIterator;
    } else if (dataIterator == null) {
      dataIterator = table.heapIterator(dataBlock, blockIndex, blockIterator);
      blockIterator = dataIterator;
    }
  }

  /** Rejects a malformed key at the new position; called at the end of every positioning method. */
  /** One of this thread's spare block iterators, or null if it has none; a point lookup uses one too. */
  static InternalIterator takeSpare() {
    InternalIterator[] spares = SPARE_BLOCK_ITERATORS.get();
    for (int i = 0; i < SPARES; i++) {
      InternalIterator spare = spares[i];
      if (spare != null) {
        spares[i] = null;
        return spare;
      }
    }
    return null;
  }

  /** Keeps {@code it}, no longer used, as a spare of this thread (dropped if it has {@link #SPARES}). */
  static void keepSpare(InternalIterator it) {
    InternalIterator[] spares = SPARE_BLOCK_ITERATORS.get();
    for (int i = 0; i < SPARES; i++) {
      if (spares[i] == null) {
        spares[i] = it;
        return;
      }
    }
  }

  private void checkKey() {
    if (dataIterator != null && dataIterator.isValid() && !wellFormed(dataIterator.keySlice())) {
      throw new CorruptionException(table.fileName(), dataBlockOffset, "malformed internal key in data block");
    }
  }

  private static boolean wellFormed(Slice key) {
    return InternalKey.isWellFormed(key.array(), key.offset(), key.length());
  }

  private void skipExhaustedBlocks() {
    while (dataIterator != null && !dataIterator.isValid()) {
      blockIndex++;
      loadDataBlock();
      if (dataIterator != null) {
        dataIterator.seekToFirst();
      }
    }
  }

  private void skipExhaustedBlocksBackward() {
    while (dataIterator != null && !dataIterator.isValid()) {
      blockIndex--;
      loadDataBlock();
      if (dataIterator != null) {
        dataIterator.seekToLast();
      }
    }
  }
}
