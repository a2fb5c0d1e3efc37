package io.stratadb.iterator;

import io.stratadb.key.InternalKey;

/**
 * Merges two sorted iterators without a heap (mini-lsm's {@code TwoMergeIterator}), in both
 * directions; used to put the memtables in front of the SSTables. On equal keys {@code newer} wins
 * and {@code older}'s entry is skipped. Switching direction repositions the source that is not
 * current with one seek, as LevelDB's {@code table/merger.cc} does for each child.
 *
 * <p>Not thread-safe; closing it closes both.
 */
public final class TwoMergingIterator implements InternalIterator {
  private final InternalIterator newer;
  private final InternalIterator older;
  private boolean useNewer;
  private boolean forward = true;

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
    forward = true;
    chooseForward();
  }

  @Override
  public void seek(byte[] target) {
    newer.seek(target);
    older.seek(target);
    forward = true;
    chooseForward();
  }

  @Override
  public void seekToLast() {
    newer.seekToLast();
    older.seekToLast();
    forward = false;
    chooseBackward();
  }

  @Override
  public void seekForPrev(byte[] target) {
    newer.seekForPrev(target);
    older.seekForPrev(target);
    forward = false;
    chooseBackward();
  }

  @Override
  public void next() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    if (!forward) {
      // The other source is at or before the current key: move it to the first entry after it.
      byte[] key = key();
      InternalIterator other = useNewer ? older : newer;
      other.seek(key);
      if (other.isValid() && InternalKey.compare(other.key(), key) == 0) {
        other.next();
      }
      forward = true;
    }
    (useNewer ? newer : older).next();
    chooseForward();
  }

  @Override
  public void prev() {
    if (!isValid()) {
      throw new IllegalStateException("iterator is not valid");
    }
    if (forward) {
      // The other source is after the current key: move it to the last entry before it.
      byte[] key = key();
      InternalIterator other = useNewer ? older : newer;
      other.seekForPrev(key);
      if (other.isValid() && InternalKey.compare(other.key(), key) == 0) {
        other.prev();
      }
      forward = false;
    }
    (useNewer ? newer : older).prev();
    chooseBackward();
  }

  /** Picks the smaller key; an older entry equal to the newer one is skipped. */
  private void chooseForward() {
    while (newer.isValid() && older.isValid()) {
      int c = InternalKey.compare(newer.key(), older.key());
      if (c != 0) {
        useNewer = c < 0;
        return;
      }
      older.next();
    }
    useNewer = newer.isValid();
  }

  /** Picks the larger key; an older entry equal to the newer one is skipped. */
  private void chooseBackward() {
    while (newer.isValid() && older.isValid()) {
      int c = InternalKey.compare(newer.key(), older.key());
      if (c != 0) {
        useNewer = c > 0;
        return;
      }
      older.prev();
    }
    useNewer = newer.isValid();
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
