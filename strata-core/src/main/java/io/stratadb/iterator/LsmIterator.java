package io.stratadb.iterator;

import io.stratadb.Bound;
import io.stratadb.DbIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.util.Slice;
import io.stratadb.util.UnsignedBytes;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The user-facing iterator: turns the merged stream of internal entries into live user keys at one
 * sequence number, in both directions (LevelDB's {@code db/db_iter.cc}, mini-lsm's {@code
 * LsmIterator} plus {@code FusedIterator}). It skips entries newer than its sequence number,
 * returns only the newest version of each user key, hides keys whose newest version is a
 * tombstone, and applies the bounds.
 *
 * <p>Directions, as LevelDB's {@code DBIter}: moving forward, {@code inner} rests on the entry
 * that produced the current key. Moving backward, {@code inner} rests before every entry of the
 * current key (on an older user key, or invalid), and the current key and value are the copies
 * kept by {@link #findPrevVisible()} ({@code FindPrevUserEntry}): a backward scan visits the
 * versions of a key oldest first and keeps the last visible one. Switching from forward to
 * backward steps {@code inner} back over the current key's entries; switching the other way steps
 * it forward into them and skips them.
 *
 * <p>Copies: entries are read in place ({@link InternalIterator#keySlice()}); the current user key
 * is kept in a reused buffer, and so is the value when moving backward, while moving forward the
 * value is read from {@code inner}, which rests on it. {@link #key()} and {@link #value()} each
 * hand out exactly one fresh array, so a step allocates nothing itself.
 *
 * <p>Auto refresh (RocksDB's iterator auto-refresh, mini-lsm's "foreground iterator"): built with
 * {@link IteratorSources} and an interval, the iterator re-opens its sources from the database's
 * current state when a positioning call finds the interval has passed, re-positions before the
 * current key at its own sequence number, and closes the old sources so the memtables and the
 * version they pinned can be freed. The caller must keep compaction from dropping versions visible
 * at the sequence (register it like a snapshot) for the iterator's lifetime.
 *
 * <p>Not thread-safe. Implements the {@link DbIterator} contract, including {@link
 * IllegalStateException} on misuse and after close.
 */
public final class LsmIterator implements DbIterator {

  /** Tells whether the owning database is still open. */
  public interface OpenCheck {
    /** @throws io.stratadb.DbClosedException if the database was closed */
    void ensureOpen();
  }

  /** Null when the iterator never refreshes. */
  private final IteratorSources sources;
  /** Refresh interval in nanoseconds; 0 never refreshes. */
  private final long refreshIntervalNanos;
  private final LongSupplier nanoClock;
  private long lastRefreshNanos;
  private InternalIterator inner;
  private final long sequence;
  private final Bound lower;
  private final Bound upper;
  /** The bounds' keys, copied once; null when unbounded. */
  private final byte[] lowerKey;
  private final byte[] upperKey;
  private final Runnable onClose;
  private final OpenCheck openCheck;
  private boolean closed;
  private boolean valid;
  private boolean forward = true;
  /**
   * The current user key is {@code keyBuffer[0, keyLength)}. While a forward scan skips, the same
   * buffer holds the user key being skipped.
   */
  private byte[] keyBuffer = new byte[32];
  private int keyLength;
  /** The current value when moving backward, {@code valueBuffer[0, valueLength)}. */
  private byte[] valueBuffer = new byte[128];
  private int valueLength;

  /**
   * An iterator over fixed sources.
   *
   * @param inner merged internal entries (closed with this iterator)
   * @param sequence entries with a higher sequence number are invisible
   * @param lower lower bound on user keys
   * @param upper upper bound on user keys
   * @param onClose releases what the iterator pins beyond {@code inner}; called once, after
   *     {@code inner} is closed
   * @param openCheck checks that the database is still open
   */
  public LsmIterator(
      InternalIterator inner, long sequence, Bound lower, Bound upper, Runnable onClose, OpenCheck openCheck) {
    this(null, inner, 0, System::nanoTime, sequence, lower, upper, onClose, openCheck);
  }

  /**
   * An auto-refreshing iterator: opens its first sources now, and new ones whenever {@link
   * #seekToFirst}, {@link #seek}, {@link #seekToLast}, {@link #seekForPrev}, {@link #next} or
   * {@link #prev} finds that {@code refreshIntervalNanos} have passed since the last opening.
   *
   * @param sources opens the merged internal entries of the current database state; each result
   *     is closed when replaced and at {@link #close()}
   * @param refreshIntervalNanos interval between refreshes, in nanoseconds; must be positive
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime}; tests pass fakes)
   * @param sequence entries with a higher sequence number are invisible; the caller keeps
   *     compaction from dropping versions visible at it until {@code onClose} runs
   * @param lower lower bound on user keys
   * @param upper upper bound on user keys
   * @param onClose releases the sequence's registration; called once, after the sources are closed
   * @param openCheck checks that the database is still open
   * @throws IllegalArgumentException if {@code refreshIntervalNanos <= 0}
   */
  public LsmIterator(IteratorSources sources, long refreshIntervalNanos, LongSupplier nanoClock,
      long sequence, Bound lower, Bound upper, Runnable onClose, OpenCheck openCheck) {
    this(sources, null, refreshIntervalNanos, nanoClock, sequence, lower, upper, onClose, openCheck);
  }

  private LsmIterator(IteratorSources sources, InternalIterator inner, long refreshIntervalNanos,
      LongSupplier nanoClock, long sequence, Bound lower, Bound upper, Runnable onClose, OpenCheck openCheck) {
    if (sources != null && refreshIntervalNanos <= 0) {
      throw new IllegalArgumentException("refresh interval must be positive: " + refreshIntervalNanos + " ns");
    }
    this.sources = sources;
    this.refreshIntervalNanos = sources == null ? 0 : refreshIntervalNanos;
    this.nanoClock = nanoClock;
    this.sequence = sequence;
    this.lower = lower;
    this.upper = upper;
    this.lowerKey = lower.isUnbounded() ? null : lower.key();
    this.upperKey = upper.isUnbounded() ? null : upper.key();
    this.onClose = onClose;
    this.openCheck = openCheck;
    this.inner = sources == null ? inner : sources.open();
    this.lastRefreshNanos = nanoClock.getAsLong();
  }

  @Override
  public void seekToFirst() {
    checkUsable();
    maybeRefresh();
    forward = true;
    try {
      if (lowerKey == null) {
        inner.seekToFirst();
      } else {
        inner.seek(InternalKey.forSeek(lowerKey, sequence));
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    findNextVisible(false);
  }

  @Override
  public void seek(byte[] target) {
    checkUsable();
    if (target == null) {
      throw new IllegalArgumentException("seek target must not be null");
    }
    maybeRefresh();
    forward = true;
    byte[] start = lower.admitsAsLower(target) ? target : lowerKey;
    try {
      inner.seek(InternalKey.forSeek(start, sequence));
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    findNextVisible(false);
  }

  @Override
  public void seekToLast() {
    checkUsable();
    maybeRefresh();
    forward = false;
    try {
      positionAtUpperEnd();
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    findPrevVisible();
  }

  @Override
  public void seekForPrev(byte[] target) {
    checkUsable();
    if (target == null) {
      throw new IllegalArgumentException("seekForPrev target must not be null");
    }
    maybeRefresh();
    forward = false;
    try {
      if (upper.admitsAsUpper(target)) {
        inner.seekForPrev(afterEveryVersionOf(target));
      } else {
        positionAtUpperEnd();
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    findPrevVisible();
  }

  @Override
  public boolean isValid() {
    checkUsable();
    return valid;
  }

  @Override
  public byte[] key() {
    checkPositioned();
    return Arrays.copyOf(keyBuffer, keyLength);
  }

  @Override
  public byte[] value() {
    checkPositioned();
    // Moving forward, inner rests on the entry that produced the current key.
    return forward ? inner.valueCopy() : Arrays.copyOf(valueBuffer, valueLength);
  }

  @Override
  public void next() {
    checkPositioned();
    maybeRefresh();
    try {
      if (forward) {
        inner.next();
      } else {
        // inner rests before the current key's entries: step into them; findNextVisible skips them.
        forward = true;
        if (inner.isValid()) {
          inner.next();
        } else {
          inner.seekToFirst();
        }
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    findNextVisible(true);
  }

  @Override
  public void prev() {
    checkPositioned();
    maybeRefresh();
    if (forward) {
      // inner rests on the current key's entry: step back over every entry of that user key.
      try {
        do {
          inner.prev();
        } while (inner.isValid() && compareUserKey(inner.keySlice()) >= 0);
      } catch (RuntimeException e) {
        valid = false;
        throw e;
      }
      forward = false;
    }
    findPrevVisible();
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
   * Moves {@code inner} forward to the newest visible live version of the next user key, within
   * the bounds (LevelDB's {@code FindNextUserEntry}); with {@code skipCurrent}, only user keys
   * greater than the current one ({@link #keyBuffer}) qualify.
   */
  private void findNextVisible(boolean skipCurrent) {
    boolean skipping = skipCurrent;
    valid = false;
    try {
      while (inner.isValid()) {
        Slice ikey = inner.keySlice();
        byte[] array = ikey.array();
        int offset = ikey.offset();
        int userLength = ikey.length() - InternalKey.TRAILER_BYTES;
        if (upperKey != null && !admitsAsUpper(array, offset, userLength)) {
          return; // checked before the sequence, so newer entries past the bound end the scan too
        }
        long trailer = InternalKey.trailer(array, offset, ikey.length());
        if ((trailer >>> 8) <= sequence
            && (!skipping || UnsignedBytes.compare(array, offset, userLength, keyBuffer, 0, keyLength) > 0)) {
          // A new user key: its newest visible version decides it; older ones are skipped.
          setKey(array, offset, userLength);
          if (lowerKey != null && !admitsAsLower(array, offset, userLength)) {
            skipping = true;
          } else if (ValueType.fromCode((int) (trailer & 0xff)) == ValueType.DELETE) {
            skipping = true;
          } else {
            valid = true;
            return;
          }
        }
        inner.next();
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
  }

  /**
   * Moves {@code inner} backward past every entry of the previous live user key, keeping that
   * key's newest visible version as the current entry (LevelDB's {@code FindPrevUserEntry}).
   * Entries of one user key are met oldest first, so the last visible one seen is the newest; a
   * visible entry of a smaller user key ends the scan once a live candidate is held. Leaves
   * {@code inner} on that smaller key's entry, before every entry of the result.
   */
  private void findPrevVisible() {
    valid = false;
    boolean candidate = false; // keyBuffer and valueBuffer hold a live candidate
    try {
      while (inner.isValid()) {
        Slice ikey = inner.keySlice();
        byte[] array = ikey.array();
        int offset = ikey.offset();
        int userLength = ikey.length() - InternalKey.TRAILER_BYTES;
        if (lowerKey != null && !admitsAsLower(array, offset, userLength)) {
          break; // checked before the sequence: everything further back is out of range
        }
        long trailer = InternalKey.trailer(array, offset, ikey.length());
        if ((trailer >>> 8) <= sequence && (upperKey == null || admitsAsUpper(array, offset, userLength))) {
          if (candidate && UnsignedBytes.compare(array, offset, userLength, keyBuffer, 0, keyLength) < 0) {
            break; // an older user key: the candidate is the newest visible version of its key
          }
          if (ValueType.fromCode((int) (trailer & 0xff)) == ValueType.DELETE) {
            candidate = false; // hides the older versions met so far
          } else {
            setKey(array, offset, userLength);
            setValue(inner.valueSlice());
            candidate = true;
          }
        }
        inner.prev();
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    valid = candidate;
  }

  private void setKey(byte[] array, int offset, int length) {
    if (length > keyBuffer.length) {
      keyBuffer = new byte[Math.max(length, 2 * keyBuffer.length)];
    }
    System.arraycopy(array, offset, keyBuffer, 0, length);
    keyLength = length;
  }

  private void setValue(Slice value) {
    int length = value.length();
    if (length > valueBuffer.length) {
      valueBuffer = new byte[Math.max(length, 2 * valueBuffer.length)];
    }
    System.arraycopy(value.array(), value.offset(), valueBuffer, 0, length);
    valueLength = length;
  }

  /** Compares the user key of the internal key {@code ikey} with the current user key. */
  private int compareUserKey(Slice ikey) {
    int offset = ikey.offset();
    return UnsignedBytes.compare(ikey.array(), offset, ikey.length() - InternalKey.TRAILER_BYTES, keyBuffer, 0, keyLength);
  }

  /** {@link Bound#admitsAsLower} on the user key {@code array[offset, offset + length)}. */
  private boolean admitsAsLower(byte[] array, int offset, int length) {
    int c = UnsignedBytes.compare(array, offset, length, lowerKey, 0, lowerKey.length);
    return lower.isInclusive() ? c >= 0 : c > 0;
  }

  /** {@link Bound#admitsAsUpper} on the user key {@code array[offset, offset + length)}. */
  private boolean admitsAsUpper(byte[] array, int offset, int length) {
    int c = UnsignedBytes.compare(array, offset, length, upperKey, 0, upperKey.length);
    return upper.isInclusive() ? c <= 0 : c < 0;
  }

  /** Positions {@code inner} on the last entry whose user key the upper bound admits. */
  private void positionAtUpperEnd() {
    if (upperKey == null) {
      inner.seekToLast();
    } else if (upper.isInclusive()) {
      inner.seekForPrev(afterEveryVersionOf(upperKey));
    } else {
      inner.seekForPrev(beforeEveryVersionOf(upperKey));
    }
  }

  /**
   * Re-opens the sources when the refresh interval has passed, re-positions before the current
   * key (the backward resting place, which does not depend on which entry produced the key), and
   * closes the old sources. If opening fails, the old sources stay, the iterator becomes invalid
   * and the error is thrown (the next positioning call tries again).
   */
  private void maybeRefresh() {
    if (refreshIntervalNanos == 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (now - lastRefreshNanos < refreshIntervalNanos) {
      return;
    }
    InternalIterator fresh;
    try {
      fresh = sources.open();
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    InternalIterator old = inner;
    inner = fresh;
    lastRefreshNanos = now;
    old.close();
    if (valid) {
      forward = false;
      try {
        inner.seekForPrev(beforeEveryVersionOf(Arrays.copyOf(keyBuffer, keyLength)));
      } catch (RuntimeException e) {
        valid = false;
        throw e;
      }
    }
  }

  /** The internal key that sorts after every entry of {@code userKey} (sequence 0, lowest type). */
  private static byte[] afterEveryVersionOf(byte[] userKey) {
    return InternalKey.encode(userKey, 0, ValueType.DELETE);
  }

  /**
   * The internal key that sorts before every entry of {@code userKey} (the largest sequence, the
   * highest type); no entry carries it, since sequence numbers stay below the maximum.
   */
  private static byte[] beforeEveryVersionOf(byte[] userKey) {
    return InternalKey.encode(userKey, InternalKey.MAX_SEQUENCE, ValueType.PUT);
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
