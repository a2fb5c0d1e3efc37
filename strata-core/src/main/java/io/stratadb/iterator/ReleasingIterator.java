package io.stratadb.iterator;

import io.stratadb.util.Slice;
/**
 * Delegates to another {@link InternalIterator} and runs a release action once, when closed
 * (LevelDB's {@code Iterator::RegisterCleanup}); used to drop a pinned version's reference when
 * the iterator over its tables closes.
 *
 * <p>Not thread-safe, like the iterator it wraps. Closing is idempotent: the action runs once.
 */
public final class ReleasingIterator implements InternalIterator {
  private final InternalIterator inner;
  private Runnable release;

  /**
   * @param inner the iterator to delegate to; closed by {@link #close()}
   * @param release runs once, after {@code inner} is closed
   */
  public ReleasingIterator(InternalIterator inner, Runnable release) {
    this.inner = inner;
    this.release = release;
  }

  @Override
  public boolean isValid() {
    return inner.isValid();
  }

  @Override
  public void seekToFirst() {
    inner.seekToFirst();
  }

  @Override
  public void seek(byte[] target) {
    inner.seek(target);
  }

  @Override
  public void next() {
    inner.next();
  }

  @Override
  public void seekToLast() {
    inner.seekToLast();
  }

  @Override
  public void seekForPrev(byte[] target) {
    inner.seekForPrev(target);
  }

  @Override
  public void prev() {
    inner.prev();
  }

  @Override
  public byte[] key() {
    return inner.key();
  }

  @Override
  public byte[] value() {
    return inner.value();
  }

  @Override
  public Slice keySlice() {
    return inner.keySlice();
  }

  @Override
  public Slice valueSlice() {
    return inner.valueSlice();
  }

  @Override
  public void close() {
    if (release == null) {
      return;
    }
    Runnable action = release;
    release = null;
    try {
      inner.close();
    } finally {
      action.run();
    }
  }
}
