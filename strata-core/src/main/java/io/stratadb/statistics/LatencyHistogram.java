package io.stratadb.statistics;

import io.stratadb.LatencyStats;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The latency distribution of one kind of operation: an HdrHistogram {@link Recorder} that any
 * number of threads record into without locks (wait-free), drained into a cumulative histogram
 * when read. Values are recorded in nanoseconds with two significant digits (1% resolution) and
 * reported in microseconds. The histograms resize as needed, so no latency is ever rejected.
 *
 * <p>Thread-safe: {@link #recordNanos} from any thread; {@link #snapshot} and {@link #reset}
 * serialise on this object's monitor (which guards {@code total} and {@code interval}).
 */
public final class LatencyHistogram {
  private static final int SIGNIFICANT_DIGITS = 2;
  private static final double NANOS_PER_MICRO = 1000.0;

  private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
  /** Everything recorded before the last drain. Guarded by this. */
  private final Histogram total = new Histogram(SIGNIFICANT_DIGITS);
  /** The recorder's last interval histogram, recycled on the next drain. Guarded by this. */
  private Histogram interval;

  /** Records one operation that took {@code nanos} nanoseconds (negative counts as 0). */
  public void recordNanos(long nanos) {
    recorder.recordValue(Math.max(0, nanos));
  }

  /** The distribution of everything recorded since creation or the last {@link #reset()}. */
  public synchronized LatencyStats snapshot() {
    interval = recorder.getIntervalHistogram(interval);
    total.add(interval);
    long count = total.getTotalCount();
    if (count == 0) {
      return LatencyStats.EMPTY;
    }
    return new LatencyStats(count, total.getMean() / NANOS_PER_MICRO, micros(50), micros(95), micros(99),
        micros(99.9), total.getMaxValue() / NANOS_PER_MICRO);
  }

  private double micros(double percentile) {
    return total.getValueAtPercentile(percentile) / NANOS_PER_MICRO;
  }

  /** Forgets everything recorded so far; operations racing with the reset may land on either side. */
  public synchronized void reset() {
    recorder.reset();
    total.reset();
  }
}
