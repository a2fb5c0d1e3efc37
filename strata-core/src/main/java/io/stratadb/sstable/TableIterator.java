package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;

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
  private final InternalIterator indexIterator;
  private final boolean fillCache;
  private InternalIterator dataIterator;
  /** File offset of the data block {@link #dataIterator} reads. */
  private long dataBlockOffset;

  TableIterator(TableReader table, InternalIterator indexIterator, boolean fillCache) {
    this.table = table;
    this.indexIterator = indexIterator;
    this.fillCache = fillCache;
  }

  @Override
  public boolean isValid() {
    return dataIterator != null && dataIterator.isValid();
  }

  @Override
  public void seekToFirst() {
    indexIterator.seekToFirst();
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seekToFirst();
    }
    skipExhaustedBlocks();
    checkKey();
  }

  @Override
  public void seek(byte[] target) {
    indexIterator.seek(target);
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seek(target);
    }
    skipExhaustedBlocks();
    checkKey();
  }

  @Override
  public void seekToLast() {
    indexIterator.seekToLast();
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seekToLast();
    }
    skipExhaustedBlocksBackward();
    checkKey();
  }

  @Override
  public void seekForPrev(byte[] target) {
    // The index key of a block is its last key: the first block whose last key is >= target holds
    // the answer, or the block before it does when all of its keys are greater than target.
    indexIterator.seek(target);
    if (!indexIterator.isValid()) {
      indexIterator.seekToLast();
    }
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
  public void close() {
    dataIterator = null;
    indexIterator.close();
  }

  private void loadDataBlock() {
    if (!indexIterator.isValid()) {
      dataIterator = null;
      return;
    }
    BlockHandle handle = table.decodeHandle(indexIterator.value());
    dataIterator = table.readDataBlock(handle, fillCache).iterator(InternalKey::compare);
    dataBlockOffset = handle.offset();
  }

  /** Rejects a malformed key at the new position; called at the end of every positioning method. */
  private void checkKey() {
    if (dataIterator != null && dataIterator.isValid() && !InternalKey.isWellFormed(dataIterator.key())) {
      throw new CorruptionException(table.fileName(), dataBlockOffset, "malformed internal key in data block");
    }
  }

  private void skipExhaustedBlocks() {
    while (dataIterator != null && !dataIterator.isValid()) {
      indexIterator.next();
      loadDataBlock();
      if (dataIterator != null) {
        dataIterator.seekToFirst();
      }
    }
  }

  private void skipExhaustedBlocksBackward() {
    while (dataIterator != null && !dataIterator.isValid()) {
      indexIterator.prev();
      loadDataBlock();
      if (dataIterator != null) {
        dataIterator.seekToLast();
      }
    }
  }
}
