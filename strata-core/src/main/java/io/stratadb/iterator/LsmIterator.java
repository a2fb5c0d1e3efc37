package io.stratadb.iterator;

import io.stratadb.Bound;
import io.stratadb.DbIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;

/**
 * The user-facing iterator: turns the merged stream of internal entries into live user keys at one
 * sequence number (LevelDB's {@code db/db_iter.cc}, mini-lsm's {@code LsmIterator} plus {@code
 * FusedIterator}). It skips entries newer than its sequence number, returns only the newest
 * version of each user key, hides keys whose newest version is a tombstone, and applies the bounds.
 *
 * <p>Not thread-safe. Implements the {@link DbIterator} contract, including {@link
 * IllegalStateException} on misuse and after close.
 */
public final class LsmIterator implements DbIterator {

  /** Tells whether the owning database is still open. */
  public interface OpenCheck {
    /** @throws IllegalStateException (a {@code DbClosedException}) if the database was closed */
    void ensureOpen();
  }

  private final InternalIterator inner;
  private final long sequence;
  private final Bound lower;
  private final Bound upper;
  private final Runnable onClose;
  private final OpenCheck openCheck;
  private boolean closed;
  private boolean valid;
  private byte[] key;
  private byte[] value;

  /**
   * @param inner merged internal entries (closed with this iterator)
   * @param sequence entries with a higher sequence number are invisible
   * @param lower lower bound on user keys
   * @param upper upper bound on user keys
   * @param onClose releases what the iterator pins (memtables, SSTables); called once
   * @param openCheck checks that the database is still open
   */
  public LsmIterator(
      InternalIterator inner, long sequence, Bound lower, Bound upper, Runnable onClose, OpenCheck openCheck) {
    this.inner = inner;
    this.sequence = sequence;
    this.lower = lower;
    this.upper = upper;
    this.onClose = onClose;
    this.openCheck = openCheck;
  }

  @Override
  public void seekToFirst() {
    checkUsable();
    if (lower.isUnbounded()) {
      guarded(inner::seekToFirst);
    } else {
      byte[] start = lower.key();
      guarded(() -> inner.seek(InternalKey.forSeek(start, sequence)));
    }
    findNextVisible(null);
  }

  @Override
  public void seek(byte[] target) {
    checkUsable();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    byte[] start = lower.admitsAsLower(target) ? target : lower.key();
    guarded(() -> inner.seek(InternalKey.forSeek(start, sequence)));
    findNextVisible(null);
  }

  @Override
  public boolean isValid() {
    checkUsable();
    return valid;
  }

  @Override
  public byte[] key() {
    checkPositioned();
    return key.clone();
  }

  @Override
  public byte[] value() {
    checkPositioned();
    return value.clone();
  }

  @Override
  public void next() {
    checkPositioned();
    byte[] current = key;
    guarded(inner::next);
    findNextVisible(current);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      valid = false;
      try {
        inner.close();
      } finally {
        onClose.run();
      }
    }
  }

  /**
   * Moves {@code inner} to the newest visible live version of the next user key greater than
   * {@code skipUserKey} (or of any key when null).
   */
  private void findNextVisible(byte[] skipUserKey) {
    byte[] skip = skipUserKey;
    valid = false;
    try {
      while (inner.isValid()) {
        byte[] ikey = inner.key();
        if (!upper.isUnbounded() && !upper.admitsAsUpper(InternalKey.userKey(ikey))) {
          return; // checked before the sequence, so newer entries past the bound end the scan too
        }
        if (InternalKey.sequence(ikey) <= sequence) {
          if (skip == null || InternalKey.compareUserKey(ikey, skip) > 0) {
            byte[] userKey = InternalKey.userKey(ikey);
            if (!lower.admitsAsLower(userKey)) {
              skip = userKey;
            } else if (InternalKey.type(ikey) == ValueType.DELETE) {
              skip = userKey;
            } else {
              key = userKey;
              value = inner.value();
              valid = true;
              return;
            }
          }
        }
        inner.next();
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
  }

  private void guarded(Runnable move) {
    try {
      move.run();
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("iterator is closed");
    }
    openCheck.ensureOpen();
  }

  private void checkPositioned() {
    checkUsable();
    if (!valid) {
      throw new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
