package io.stratadb.iterator;

import io.stratadb.Bound;
import io.stratadb.DbIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
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
    /** @throws IllegalStateException (a {@code DbClosedException}) if the database was closed */
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
  private final Runnable onClose;
  private final OpenCheck openCheck;
  private boolean closed;
  private boolean valid;
  private boolean forward = true;
  private byte[] key;
  private byte[] value;

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
    maybeRefresh();
    forward = true;
    byte[] start = lower.admitsAsLower(target) ? target : lower.key();
    guarded(() -> inner.seek(InternalKey.forSeek(start, sequence)));
    findNextVisible(null);
  }

  @Override
  public void seekToLast() {
    checkUsable();
    maybeRefresh();
    forward = false;
    guarded(this::positionAtUpperEnd);
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
    if (upper.admitsAsUpper(target)) {
      guarded(() -> inner.seekForPrev(afterEveryVersionOf(target)));
    } else {
      guarded(this::positionAtUpperEnd);
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
    maybeRefresh();
    byte[] current = key;
    if (forward) {
      guarded(inner::next);
    } else {
      // inner rests before the current key's entries: step into them; findNextVisible skips them.
      forward = true;
      guarded(() -> {
        if (inner.isValid()) {
          inner.next();
        } else {
          inner.seekToFirst();
        }
      });
    }
    findNextVisible(current);
  }

  @Override
  public void prev() {
    checkPositioned();
    maybeRefresh();
    if (forward) {
      // inner rests on the current key's entry: step back over every entry of that user key.
      byte[] current = key;
      guarded(() -> {
        do {
          inner.prev();
        } while (inner.isValid() && InternalKey.compareUserKey(inner.key(), current) >= 0);
      });
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
   * Moves {@code inner} forward to the newest visible live version of the next user key greater
   * than {@code skipUserKey} (or of any key when null), within the bounds (LevelDB's {@code
   * FindNextUserEntry}).
   */
  private void findNextVisible(byte[] skipUserKey) {
    byte[] skip = skipUserKey;
    valid = false;
    key = null;
    value = null;
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

  /**
   * Moves {@code inner} backward past every entry of the previous live user key, keeping that
   * key's newest visible version as the current entry (LevelDB's {@code FindPrevUserEntry}).
   * Entries of one user key are met oldest first, so the last visible one seen is the newest; a
   * visible entry of a smaller user key ends the scan once a live candidate is held. Leaves
   * {@code inner} on that smaller key's entry, before every entry of the result.
   */
  private void findPrevVisible() {
    valid = false;
    key = null;
    value = null;
    byte[] candidateKey = null;
    byte[] candidateValue = null;
    try {
      while (inner.isValid()) {
        byte[] ikey = inner.key();
        if (!lower.isUnbounded() && !lower.admitsAsLower(InternalKey.userKey(ikey))) {
          break; // checked before the sequence: everything further back is out of range
        }
        if (InternalKey.sequence(ikey) <= sequence
            && (upper.isUnbounded() || upper.admitsAsUpper(InternalKey.userKey(ikey)))) {
          if (candidateKey != null && InternalKey.compareUserKey(ikey, candidateKey) < 0) {
            break; // an older user key: the candidate is the newest visible version of its key
          }
          if (InternalKey.type(ikey) == ValueType.DELETE) {
            candidateKey = null; // hides the older versions met so far
            candidateValue = null;
          } else {
            candidateKey = InternalKey.userKey(ikey);
            candidateValue = inner.value();
          }
        }
        inner.prev();
      }
    } catch (RuntimeException e) {
      valid = false;
      throw e;
    }
    if (candidateKey != null) {
      key = candidateKey;
      value = candidateValue;
      valid = true;
    }
  }

  /** Positions {@code inner} on the last entry whose user key the upper bound admits. */
  private void positionAtUpperEnd() {
    if (upper.isUnbounded()) {
      inner.seekToLast();
    } else if (upper.isInclusive()) {
      inner.seekForPrev(afterEveryVersionOf(upper.key()));
    } else {
      inner.seekForPrev(beforeEveryVersionOf(upper.key()));
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
      byte[] current = key;
      guarded(() -> inner.seekForPrev(beforeEveryVersionOf(current)));
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
