package io.stratadb;

/**
 * The latency distribution of one kind of operation since the database opened (or since the
 * statistics were last reset), in microseconds (recorded in nanoseconds, so sub-microsecond
 * operations show as fractions). Recorded only when {@link Options#statistics()}
 * is on; all zeros otherwise. Percentiles come from an HdrHistogram with two significant digits,
 * so each is within 1% of the exact value. Immutable; also an MXBean composite attribute.
 *
 * @param count operations recorded
 * @param meanMicros mean latency, in µs
 * @param p50Micros median latency, in µs
 * @param p95Micros 95th percentile, in µs
 * @param p99Micros 99th percentile, in µs
 * @param p999Micros 99.9th percentile, in µs
 * @param maxMicros largest latency recorded, in µs
 */
public record LatencyStats(long count, double meanMicros, double p50Micros, double p95Micros, double p99Micros,
    double p999Micros, double maxMicros) {

  /** No operation recorded. */
  public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0);

  /** {@return one line: {@code count=... mean=...us p50=... p95=... p99=... p99.9=... max=...}} */
  public String line() {
    return String.format("count=%d mean=%.1fus p50=%.1f p95=%.1f p99=%.1f p99.9=%.1f max=%.1f", count, meanMicros,
        p50Micros, p95Micros, p99Micros, p999Micros, maxMicros);
  }
}
