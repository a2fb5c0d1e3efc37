package io.stratadb.cli.bench;

import org.HdrHistogram.Histogram;

/**
 * The measurements of one phase of {@code strata bench --larger-than-memory} on one engine: the
 * fill, or a read phase run in its own JVM. Immutable; serialised to JSON (Jackson) between the
 * reading JVM and the benchmark.
 *
 * @param workload {@code fillrandom}, {@code readrandom} or {@code seekrandom}
 * @param engine the engine's label ({@link BenchEngine.Kind#label()})
 * @param threads threads that ran it
 * @param done operations done
 * @param found reads or seeks that found their key (for the fill: keys written)
 * @param seconds wall-clock time from the first thread's start to the last one's finish, in s
 * @param p50Micros median latency of one operation, in microseconds
 * @param p99Micros 99th percentile latency, in microseconds
 * @param p999Micros 99.9th percentile latency, in microseconds
 * @param readBytes bytes the benchmark threads themselves read from the device during the phase
 *     ({@code read_bytes} of each one's {@code /proc/thread-self/io}: their reads, read-ahead and
 *     page faults), or -1 where unknown
 * @param processReadBytes bytes the whole process read from the device during the phase ({@code
 *     /proc/self/io}: background compactions included), or -1 where unknown
 * @param memoryLimitBytes the memory cgroup limit the reading JVM ran under, or -1 if none
 * @param peakMemoryBytes the cgroup's peak usage (heap, off-heap and page cache), or -1
 * @param cacheDropped whether the page cache was dropped just before the phase
 */
record LargePhaseResult(String workload, String engine, int threads, long done, long found, double seconds,
    double p50Micros, double p99Micros, double p999Micros, long readBytes, long processReadBytes, long memoryLimitBytes,
    long peakMemoryBytes, boolean cacheDropped) {

  /** A new histogram of operation latencies in nanoseconds (auto-resizing, 3 significant digits). */
  static Histogram histogram() {
    return new Histogram(3);
  }

  /** A result with the percentiles of {@code latencyNanos} and no memory figures yet. */
  static LargePhaseResult of(String workload, String engine, int threads, long done, long found, double seconds,
      Histogram latencyNanos, long readBytes, long processReadBytes) {
    return new LargePhaseResult(workload, engine, threads, done, found, seconds,
        latencyNanos.getValueAtPercentile(50) / 1e3, latencyNanos.getValueAtPercentile(99) / 1e3,
        latencyNanos.getValueAtPercentile(99.9) / 1e3, readBytes, processReadBytes, -1, -1, false);
  }

  /** This result with the reading JVM's memory limit, peak usage and cache state. */
  LargePhaseResult withMemory(long limitBytes, long peakBytes, boolean dropped) {
    return new LargePhaseResult(workload, engine, threads, done, found, seconds, p50Micros, p99Micros, p999Micros,
        readBytes, processReadBytes, limitBytes, peakBytes, dropped);
  }

  /** Operations per second of wall-clock time. */
  double opsPerSec() {
    return done / Math.max(seconds, 1e-9);
  }

  /** Operations that did not find their key (all keys were written, so any is a wrong answer). */
  long notFound() {
    return done - found;
  }

  /** Device bytes the benchmark threads read per operation, or -1 where unknown. */
  double readBytesPerOp() {
    return readBytes < 0 ? -1 : (double) readBytes / Math.max(done, 1);
  }

  /** Device bytes the whole process read per operation, or -1 where unknown. */
  double processReadBytesPerOp() {
    return processReadBytes < 0 ? -1 : (double) processReadBytes / Math.max(done, 1);
  }
}
