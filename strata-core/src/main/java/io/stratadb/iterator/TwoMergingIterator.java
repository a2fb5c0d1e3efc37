package io.stratadb.iterator;

import io.stratadb.key.InternalKey;

/**
 * Merges two sorted iterators without a heap (mini-lsm's {@code TwoMergeIterator}); used to put
 * the memtables in front of the SSTables. On equal keys {@code newer} wins and {@code older}'s
 * entry is skipped. Not thread-safe; closing it closes both.
 */
public final class TwoMergingIterator implements InternalIterator {
  private final InternalIterator newer;
  private final InternalIterator older;
  private boolean useNewer;

  /** @param newer the source that wins ties; @param older the other source */
  public TwoMergingIterator(InternalIterator newer, InternalIterator older) {
    this.newer = newer;
    this.older = older;
  }

  @Override
  public boolean isValid() {
    return newer.isValid() || older.isValid();
  }

  @Override
  public void seekToFirst() {
    newer.seekToFirst();
    older.seekToFirst();
    choose();
  }

  @Override
  public void seek(byte[] target) {
    newer.seek(target);
    older.seek(target);
    choose();
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    if (useNewer) {
      newer.next();
    } else {
      older.next();
    }
    choose();
  }

  private void choose() {
    if (newer.isValid() && older.isValid()) {
      int c = InternalKey.compare(newer.key(), older.key());
      if (c == 0) {
        older.next();
        choose();
        return;
      }
      useNewer = c < 0;
    } else {
      useNewer = newer.isValid();
    }
  }

  @Override
  public byte[] key() {
    return useNewer ? newer.key() : older.key();
  }

  @Override
  public byte[] value() {
    return useNewer ? newer.value() : older.value();
  }

  @Override
  public void close() {
    newer.close();
    older.close();
  }
}
