package io.stratadb.admin;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.TableReader;
import java.util.List;

/**
 * Iterates forward over the entries of the good blocks a {@link TableScan} found in a table,
 * skipping the bad ones, for {@link DbRepairer}'s merge. The blocks were read and validated by the
 * scan, so their entries ascend. Forward only: {@link #seek}, {@link #seekToLast}, {@link
 * #seekForPrev} and {@link #prev} throw {@link UnsupportedOperationException}. Owns one reference
 * to the table, released by {@link #close()}. Not thread-safe.
 */
final class SalvagedTableIterator implements InternalIterator {
  private final TableReader table;
  private final List<TableReader.IndexEntry> blocks;
  private int block = -1;
  private InternalIterator current;
  private boolean closed;

  /**
   * @param table an open table; its reference now belongs to this iterator
   * @param blocks the good blocks, in table order
   */
  SalvagedTableIterator(TableReader table, List<TableReader.IndexEntry> blocks) {
    this.table = table;
    this.blocks = blocks;
  }

  @Override
  public boolean isValid() {
    return current != null && current.isValid();
  }

  @Override
  public void seekToFirst() {
    block = -1;
    current = null;
    advanceBlock();
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    current.next();
    if (!current.isValid()) {
      advanceBlock();
    }
  }

  private void advanceBlock() {
    while (++block < blocks.size()) {
      current = table.readDataBlock(blocks.get(block).handle()).iterator(InternalKey.COMPARATOR);
      current.seekToFirst();
      if (current.isValid()) {
        return;
      }
    }
    current = null;
  }

  @Override
  public byte[] key() {
    return current.key();
  }

  @Override
  public byte[] value() {
    return current.value();
  }

  @Override
  public void seek(byte[] target) {
    throw new UnsupportedOperationException("forward only");
  }

  @Override
  public void seekToLast() {
    throw new UnsupportedOperationException("forward only");
  }

  @Override
  public void seekForPrev(byte[] target) {
    throw new UnsupportedOperationException("forward only");
  }

  @Override
  public void prev() {
    throw new UnsupportedOperationException("forward only");
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      current = null;
      table.release();
    }
  }
}
