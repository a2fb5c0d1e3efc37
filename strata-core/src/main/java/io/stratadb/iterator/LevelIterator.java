package io.stratadb.iterator;

import io.stratadb.key.InternalKey;
import io.stratadb.key.SortedKeys;
import io.stratadb.util.Slice;
import java.util.function.IntFunction;

/**
 * Iterates a sorted run: several SSTables whose key ranges do not overlap, in key order, in both
 * directions (LevelDB's {@code LevelFileNumIterator} under a two-level iterator, RocksDB's {@code
 * LevelIterator}). Tables are opened lazily, one at a time; a seek binary-searches the tables'
 * largest keys, and stepping past either end of a table opens its neighbour.
 *
 * <p>Not thread-safe. Closing it closes the open table iterator.
 */
public final class LevelIterator implements InternalIterator {
  private final SortedKeys largestKeys;
  private final IntFunction<InternalIterator> openTable;
  private int tableIndex = -1;
  private InternalIterator table;

  /**
   * @param largestKeys the largest internal key of each table, ascending
   * @param openTable opens the iterator of the i-th table; the returned iterator is closed here
   */
  public LevelIterator(SortedKeys largestKeys, IntFunction<InternalIterator> openTable) {
    this.largestKeys = largestKeys;
    this.openTable = openTable;
  }

  @Override
  public boolean isValid() {
    return table != null && table.isValid();
  }

  @Override
  public void seekToFirst() {
    open(0);
    if (table != null) {
      table.seekToFirst();
    }
    skipExhaustedTables();
  }

  @Override
  public void seek(byte[] target) {
    open(firstTableEndingAtOrAfter(target));
    if (table != null) {
      table.seek(target);
    }
    skipExhaustedTables();
  }

  @Override
  public void seekToLast() {
    open(largestKeys.size() - 1);
    if (table != null) {
      table.seekToLast();
    }
    skipExhaustedTablesBackward();
  }

  @Override
  public void seekForPrev(byte[] target) {
    // The first table ending at or after target holds the answer unless all of its keys are
    // greater; then the previous table's last key is it. Past the last table, the last key is.
    int index = Math.min(firstTableEndingAtOrAfter(target), largestKeys.size() - 1);
    open(index);
    if (table != null) {
      table.seekForPrev(target);
    }
    skipExhaustedTablesBackward();
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    table.next();
    skipExhaustedTables();
  }

  @Override
  public void prev() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    table.prev();
    skipExhaustedTablesBackward();
  }

  @Override
  public byte[] key() {
    return table.key();
  }

  @Override
  public byte[] value() {
    return table.value();
  }

  @Override
  public Slice keySlice() {
    return table.keySlice();
  }

  @Override
  public Slice valueSlice() {
    return table.valueSlice();
  }

  @Override
  public byte[] valueCopy() {
    return table.valueCopy();
  }

  @Override
  public void close() {
    if (table != null) {
      table.close();
      table = null;
    }
  }

  /** Index of the first table whose largest key is {@code >= target}; the table count if none. */
  private int firstTableEndingAtOrAfter(byte[] target) {
    return largestKeys.firstAtOrAfter(target);
  }

  /** Makes table {@code index} the open one; none when the index is outside the run. */
  private void open(int index) {
    if (index == tableIndex && table != null) {
      return;
    }
    close();
    tableIndex = index;
    if (index >= 0 && index < largestKeys.size()) {
      table = openTable.apply(index);
    }
  }

  private void skipExhaustedTables() {
    while (table != null && !table.isValid()) {
      open(tableIndex + 1);
      if (table != null) {
        table.seekToFirst();
      }
    }
  }

  private void skipExhaustedTablesBackward() {
    while (table != null && !table.isValid()) {
      open(tableIndex - 1);
      if (table != null) {
        table.seekToLast();
      }
    }
  }
}
