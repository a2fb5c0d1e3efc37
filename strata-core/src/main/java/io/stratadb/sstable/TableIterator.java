package io.stratadb.sstable;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;

/**
 * Two-level iterator over an SSTable: the index block iterator picks the data block, whose own
 * iterator yields the entries (LevelDB's {@code table/two_level_iterator.cc}). Not thread-safe.
 */
final class TableIterator implements InternalIterator {
  private final TableReader table;
  private final InternalIterator indexIterator;
  private InternalIterator dataIterator;

  TableIterator(TableReader table, InternalIterator indexIterator) {
    this.table = table;
    this.indexIterator = indexIterator;
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
  }

  @Override
  public void seek(byte[] target) {
    indexIterator.seek(target);
    loadDataBlock();
    if (dataIterator != null) {
      dataIterator.seek(target);
    }
    skipExhaustedBlocks();
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    dataIterator.next();
    skipExhaustedBlocks();
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
    dataIterator = table.readDataBlock(handle).iterator(InternalKey::compare);
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
}
