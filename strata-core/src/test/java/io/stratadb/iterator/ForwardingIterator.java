package io.stratadb.iterator;

import io.stratadb.util.Slice;

/**
 * TEST ONLY: an {@link InternalIterator} that forwards every call to another; test iterators
 * extend it and override only the calls they record or delay. Not thread-safe, as the iterator it
 * forwards to is not.
 */
public class ForwardingIterator implements InternalIterator {
  /** The iterator calls go to. */
  protected final InternalIterator delegate;

  public ForwardingIterator(InternalIterator delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean isValid() {
    return delegate.isValid();
  }

  @Override
  public void seekToFirst() {
    delegate.seekToFirst();
  }

  @Override
  public void seek(byte[] target) {
    delegate.seek(target);
  }

  @Override
  public void seekToLast() {
    delegate.seekToLast();
  }

  @Override
  public void seekForPrev(byte[] target) {
    delegate.seekForPrev(target);
  }

  @Override
  public void next() {
    delegate.next();
  }

  @Override
  public void prev() {
    delegate.prev();
  }

  @Override
  public byte[] key() {
    return delegate.key();
  }

  @Override
  public byte[] value() {
    return delegate.value();
  }

  @Override
  public Slice keySlice() {
    return delegate.keySlice();
  }

  @Override
  public Slice valueSlice() {
    return delegate.valueSlice();
  }

  @Override
  public byte[] valueCopy() {
    return delegate.valueCopy();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
