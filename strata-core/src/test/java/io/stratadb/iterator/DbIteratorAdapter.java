package io.stratadb.iterator;

import io.stratadb.DbIterator;

/**
 * TEST ONLY: presents a {@link DbIterator} as an {@link InternalIterator} over user keys, so that
 * {@link ModelWalk} can drive it (with an unsigned byte comparator). Closing it closes the
 * iterator.
 */
public final class DbIteratorAdapter implements InternalIterator {
  private final DbIterator it;

  /** @param it the iterator to drive */
  public DbIteratorAdapter(DbIterator it) {
    this.it = it;
  }

  @Override
  public boolean isValid() {
    return it.isValid();
  }

  @Override
  public void seekToFirst() {
    it.seekToFirst();
  }

  @Override
  public void seek(byte[] target) {
    it.seek(target);
  }

  @Override
  public void next() {
    it.next();
  }

  @Override
  public void seekToLast() {
    it.seekToLast();
  }

  @Override
  public void seekForPrev(byte[] target) {
    it.seekForPrev(target);
  }

  @Override
  public void prev() {
    it.prev();
  }

  @Override
  public byte[] key() {
    return it.key();
  }

  @Override
  public byte[] value() {
    return it.value();
  }

  @Override
  public void close() {
    it.close();
  }
}
