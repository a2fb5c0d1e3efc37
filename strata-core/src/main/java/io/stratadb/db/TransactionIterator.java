package io.stratadb.db;

import io.stratadb.DbIterator;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;

/**
 * A transaction's view of a range: its buffered writes merged over an iterator at its snapshot,
 * in both directions. On equal keys the buffered write wins; a buffered delete hides the key. The
 * buffered writes are the copy taken when the iterator was created (already cut to the range's
 * bounds). Moving forward both sources rest at or after the current key; moving backward, at or
 * before it; a change of direction re-positions them around it (as LevelDB's merging iterator).
 *
 * <p>Not thread-safe, like every {@link DbIterator}.
 */
final class TransactionIterator implements DbIterator {
  private final NavigableMap<byte[], byte[]> writes;
  private final DbIterator snapshot;
  private Map.Entry<byte[], byte[]> write;
  private byte[] key;
  private byte[] value;
  private boolean forward = true;
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
    settleForward();
  }

  @Override
  public void seekToLast() {
    checkOpen();
    snapshot.seekToLast();
    write = writes.lastEntry();
    settleBackward();
  }

  @Override
  public void seekForPrev(byte[] target) {
    checkOpen();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    snapshot.seekForPrev(target);
    write = writes.floorEntry(target);
    settleBackward();
  }

  @Override
  public void seek(byte[] target) {
    checkOpen();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    snapshot.seek(target);
    write = writes.ceilingEntry(target);
    settleForward();
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
    if (!forward) {
      snapshot.seek(current);
    }
    if (snapshot.isValid() && Arrays.equals(snapshot.key(), current)) {
      snapshot.next();
    }
    write = writes.higherEntry(current);
    settleForward();
  }

  @Override
  public void prev() {
    checkPositioned();
    byte[] current = key;
    if (forward) {
      snapshot.seekForPrev(current);
    }
    if (snapshot.isValid() && Arrays.equals(snapshot.key(), current)) {
      snapshot.prev();
    }
    write = writes.lowerEntry(current);
    settleBackward();
  }

  /** Positions on the smaller of the two sources' keys, skipping buffered deletes. */
  private void settleForward() {
    forward = true;
    while (true) {
      boolean fromSnapshot = snapshot.isValid();
      if (write == null && !fromSnapshot) {
        clear();
        return;
      }
      int c = write == null ? 1 : !fromSnapshot ? -1 : Arrays.compareUnsigned(write.getKey(), snapshot.key());
      if (c > 0) {
        take(snapshot.key(), snapshot.value());
        return;
      }
      if (write.getValue() != DbTransaction.DELETED) {
        take(write.getKey(), write.getValue().clone());
        return;
      }
      if (c == 0) {
        snapshot.next();
      }
      write = writes.higherEntry(write.getKey());
    }
  }

  /** Positions on the larger of the two sources' keys, skipping buffered deletes. */
  private void settleBackward() {
    forward = false;
    while (true) {
      boolean fromSnapshot = snapshot.isValid();
      if (write == null && !fromSnapshot) {
        clear();
        return;
      }
      int c = write == null ? -1 : !fromSnapshot ? 1 : Arrays.compareUnsigned(write.getKey(), snapshot.key());
      if (c < 0) {
        take(snapshot.key(), snapshot.value());
        return;
      }
      if (write.getValue() != DbTransaction.DELETED) {
        take(write.getKey(), write.getValue().clone());
        return;
      }
      if (c == 0) {
        snapshot.prev();
      }
      write = writes.lowerEntry(write.getKey());
    }
  }

  private void take(byte[] k, byte[] v) {
    key = k;
    value = v;
  }

  private void clear() {
    key = null;
    value = null;
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
