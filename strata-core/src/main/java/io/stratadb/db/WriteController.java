package io.stratadb.db;

/**
 * How long a write group waits while compaction is behind: RocksDB's {@code WriteController} and
 * the delay half of {@code ColumnFamilyData::RecalculateWriteStallConditions}. While L0 holds at
 * least the slowdown trigger's tables, or the pending compaction bytes pass the soft limit, writes
 * are held to a rate in bytes per second instead of each waiting a fixed time: a group waits only
 * once the bytes granted since the last refill (1 ms worth of the rate) are spent, and then for
 * as long as the rate needs for the excess, at least 1 ms (so waits are few and long enough for
 * the scheduler to honour).
 *
 * <p>The rate starts at the configured delayed write rate when a delay begins; each time the
 * pending compaction bytes are seen to grow while delayed it falls to 0.8 of itself (to 0.6 when
 * L0 is within two tables of the stop trigger), each time they shrink it rises by 1.25, never
 * above the configured rate nor below {@link #MIN_RATE}. Outside a delay writes are not held.
 *
 * <p>Not thread-safe: only the write leader calls it (see {@link WriteQueue}).
 */
final class WriteController {
  /** The slowest rate a delay falls to, in bytes per second (RocksDB's {@code kMinWriteRate}). */
  static final long MIN_RATE = 16 << 10;
  /** Credit is refilled per this period, and no wait is shorter, in ns (1 ms). */
  static final long REFILL_NANOS = 1_000_000;
  private static final double SLOWER = 0.8;
  private static final double NEAR_STOP_SLOWER = 0.6;
  private static final double FASTER = 1 / SLOWER;

  private final long maxRate;
  private final int l0Slowdown;
  private final int l0Stop;
  private final long softPendingBytes;

  /** Whether writes are held to {@link #rate}. */
  private boolean delayed;
  /** The current rate while delayed, in bytes per second. */
  private double rate;
  /** Bytes that may still be written without waiting. */
  private long credit;
  /** When credit is next refilled (nanoTime); meaningful while delayed. */
  private long nextRefill;
  /** The pending compaction bytes last seen, to tell growth from shrinkage. */
  private long lastPending = -1;

  /**
   * @param maxRate the delayed write rate: the rate a delay starts at, bytes per second, at least
   *     {@link #MIN_RATE}
   * @param l0Slowdown L0 tables at which writes are delayed
   * @param l0Stop L0 tables at which writes stop (near it the rate falls faster)
   * @param softPendingBytes pending compaction bytes at which writes are delayed
   * @throws IllegalArgumentException if {@code maxRate} is below {@link #MIN_RATE}
   */
  WriteController(long maxRate, int l0Slowdown, int l0Stop, long softPendingBytes) {
    if (maxRate < MIN_RATE) {
      throw new IllegalArgumentException("delayed write rate " + maxRate + " is below " + MIN_RATE + " bytes/s");
    }
    this.maxRate = maxRate;
    this.l0Slowdown = l0Slowdown;
    this.l0Stop = l0Stop;
    this.softPendingBytes = softPendingBytes;
  }

  /**
   * How long a write group of {@code bytes} must wait before it is written, in ns (0: not at all),
   * given the current L0 table count and pending compaction bytes; the wait is charged as if it
   * happened.
   *
   * @param now {@code System.nanoTime()} or a test's clock
   */
  long delayNanos(int l0Files, long pendingBytes, long bytes, long now) {
    if (!needsDelay(l0Files, pendingBytes)) {
      delayed = false;
      lastPending = pendingBytes;
      return 0;
    }
    if (!delayed) {
      delayed = true;
      rate = maxRate;
      credit = 0;
      nextRefill = now;
    } else if (pendingBytes > lastPending) {
      rate = Math.max(MIN_RATE, rate * (l0Files >= l0Stop - 2 ? NEAR_STOP_SLOWER : SLOWER));
    } else if (pendingBytes < lastPending) {
      rate = Math.min(maxRate, rate * FASTER);
    }
    lastPending = pendingBytes;
    if (credit >= bytes) {
      credit -= bytes;
      return 0;
    }
    if (now - nextRefill >= 0) {
      long elapsed = now - nextRefill + REFILL_NANOS;
      credit += (long) Math.ceil(elapsed / 1e9 * rate);
      nextRefill = now + REFILL_NANOS;
      if (credit >= bytes) {
        credit -= bytes;
        return 0;
      }
    }
    long overBudget = bytes - credit;
    credit = 0;
    nextRefill += (long) (overBudget / rate * 1e9);
    return Math.max(nextRefill - now, REFILL_NANOS);
  }

  /** Whether writes are delayed at this L0 table count and pending compaction bytes. */
  boolean needsDelay(int l0Files, long pendingBytes) {
    return l0Files >= l0Slowdown || pendingBytes >= softPendingBytes;
  }

  /** The current rate while delayed, bytes per second; the configured rate otherwise. */
  double rate() {
    return delayed ? rate : maxRate;
  }
}
