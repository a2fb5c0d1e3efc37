package io.stratadb.db;

import io.stratadb.DbIterator;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;

/**
 * A transaction's view of a range: its buffered writes merged over an iterator at its snapshot.
 * On equal keys the buffered write wins; a buffered delete hides the key. The buffered writes are
 * the copy taken when the iterator was created (already cut to the range's bounds).
 *
 * <p>Not thread-safe, like every {@link DbIterator}.
 */
final class TransactionIterator implements DbIterator {
  private final NavigableMap<byte[], byte[]> writes;
  private final DbIterator snapshot;
  private Map.Entry<byte[], byte[]> write;
  private byte[] key;
  private byte[] value;
  private boolean closed;

  /**
   * @param writes the buffered writes in the range, {@link DbTransaction#DELETED} marking deletes
   * @param snapshot an iterator over the same range at the transaction's snapshot; closed with
   *     this one
   */
  TransactionIterator(NavigableMap<byte[], byte[]> writes, DbIterator snapshot) {
    this.writes = writes;
    this.snapshot = snapshot;
  }

  @Override
  public void seekToFirst() {
    checkOpen();
    snapshot.seekToFirst();
    write = writes.firstEntry();
    settle();
  }

  @Override
  public void seek(byte[] target) {
    checkOpen();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    snapshot.seek(target);
    write = writes.ceilingEntry(target);
    settle();
  }

  @Override
  public boolean isValid() {
    checkOpen();
    return key != null;
  }

  @Override
  public byte[] key() {
    checkPositioned();
    return key;
  }

  @Override
  public byte[] value() {
    checkPositioned();
    return value;
  }

  @Override
  public void next() {
    checkPositioned();
    byte[] current = key;
    if (snapshot.isValid() && Arrays.equals(snapshot.key(), current)) {
      snapshot.next();
    }
    if (write != null && Arrays.equals(write.getKey(), current)) {
      write = writes.higherEntry(current);
    }
    settle();
  }

  /** Positions on the smaller of the two sources' keys, skipping buffered deletes. */
  private void settle() {
    while (true) {
      boolean fromSnapshot = snapshot.isValid();
      if (write == null && !fromSnapshot) {
        key = null;
        value = null;
        return;
      }
      int c = write == null ? 1 : !fromSnapshot ? -1 : Arrays.compareUnsigned(write.getKey(), snapshot.key());
      if (c > 0) {
        key = snapshot.key();
        value = snapshot.value();
        return;
      }
      if (write.getValue() != DbTransaction.DELETED) {
        key = write.getKey();
        value = write.getValue().clone();
        return;
      }
      if (c == 0) {
        snapshot.next();
      }
      write = writes.higherEntry(write.getKey());
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      snapshot.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("iterator is closed");
    }
  }

  private void checkPositioned() {
    checkOpen();
    if (key == null) {
      throw new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
