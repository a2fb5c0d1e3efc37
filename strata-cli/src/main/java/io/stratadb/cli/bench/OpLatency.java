package io.stratadb.cli.bench;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The latency of one benchmark run's operations: its percentiles, in nanoseconds, read from an
 * HdrHistogram of three significant digits (so each figure is within 0.1% of the true value). An
 * operation is what the workload counts: a put, a get, a delete, one entry of a scan (its {@code
 * next}), one seek with its iterator created, positioned, read for 11 entries and closed, one
 * committed transaction with its retries. Each thread takes one {@link System#nanoTime()} per
 * operation and records the time since its previous operation ended ({@link BenchThread#opDone()}),
 * so the figure also holds the loop's own few nanoseconds. Immutable.
 *
 * @param count operations recorded
 * @param p50Nanos the median
 * @param p99Nanos the 99th percentile
 * @param p999Nanos the 99.9th percentile
 * @param maxNanos the slowest operation
 */
record OpLatency(long count, long p50Nanos, long p99Nanos, long p999Nanos, long maxNanos) {

  /** No operation recorded. */
  static final OpLatency NONE = new OpLatency(0, 0, 0, 0, 0);

  /** The longest latency a histogram tracks; a slower operation is recorded as this. */
  static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.HOURS.toNanos(1);

  /** A new, empty histogram of nanoseconds for one thread (about 270 KB). Not thread-safe. */
  static Histogram newHistogram() {
    return new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
  }

  /** The percentiles of {@code histogram} (nanoseconds), or {@link #NONE} if it is empty. */
  static OpLatency of(Histogram histogram) {
    if (histogram.getTotalCount() == 0) {
      return NONE;
    }
    return new OpLatency(histogram.getTotalCount(), histogram.getValueAtPercentile(50),
        histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
  }

  /**
   * A report line, e.g. {@code latency us: p50 1.23, p99 4.56, p99.9 31.2, max 1,234}, or {@code
   * latency us: not recorded} if nothing was.
   */
  String line() {
    if (count == 0) {
      return "latency us: not recorded";
    }
    return String.format(Locale.ROOT, "latency us: p50 %s, p99 %s, p99.9 %s, max %s", micros(p50Nanos),
        micros(p99Nanos), micros(p999Nanos), micros(maxNanos));
  }

  /** {@code nanos} in microseconds for a report: two decimals below 10, one below 100, else whole. */
  static String micros(double nanos) {
    double us = nanos / 1000.0;
    return us < 10 ? String.format(Locale.ROOT, "%.2f", us)
        : us < 100 ? String.format(Locale.ROOT, "%.1f", us) : String.format(Locale.ROOT, "%,.0f", us);
  }
}
