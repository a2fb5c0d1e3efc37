package io.stratadb.cli.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * The measurements of one benchmark run, merged over its threads as db_bench merges its {@code
 * Stats}: micros/op is the threads' summed time per operation (the latency one thread sees);
 * ops/sec and MB/s use the wall-clock time from the first thread's start to the last one's
 * finish. Immutable.
 *
 * @param workload what ran
 * @param done operations done, over all threads
 * @param found reads or seeks that found their key
 * @param bytes key and value bytes written or read
 * @param aborts transactions aborted by conflicts
 * @param threadSeconds the threads' elapsed times, summed, in seconds
 * @param wallSeconds wall-clock time of the run, in seconds
 * @param latency the measured threads' operations' latency, merged
 * @param gcPauses the JVM's GC pauses during the run
 */
record BenchResult(BenchWorkload workload, long done, long found, long bytes, long aborts, double threadSeconds,
    double wallSeconds, OpLatency latency, GcPauses gcPauses) {

  /** A result without latency or GC figures ({@link OpLatency#NONE}, {@link GcPauses#NONE}). */
  BenchResult(BenchWorkload workload, long done, long found, long bytes, long aborts, double threadSeconds,
      double wallSeconds) {
    this(workload, done, found, bytes, aborts, threadSeconds, wallSeconds, OpLatency.NONE, GcPauses.NONE);
  }

  /** Merges the counters and latency histograms of finished threads, with the run's GC pauses. */
  static BenchResult merge(BenchWorkload workload, List<BenchThread> threads, GcPauses gcPauses) {
    Histogram latency = OpLatency.newHistogram();
    long done = 0;
    long found = 0;
    long bytes = 0;
    long aborts = 0;
    double threadSeconds = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (BenchThread t : threads) {
      if (!t.measured) {
        continue;
      }
      done += t.done;
      found += t.found;
      bytes += t.bytes;
      aborts += t.aborts;
      latency.add(t.latency);
      threadSeconds += (t.finishNanos - t.startNanos) / 1e9;
      first = Math.min(first, t.startNanos);
      last = Math.max(last, t.finishNanos);
    }
    return new BenchResult(workload, done, found, bytes, aborts, threadSeconds, (last - first) / 1e9,
        OpLatency.of(latency), gcPauses);
  }

  /** The names of the workloads that ran, each once, in the order they first appear. */
  static Set<String> workloadNames(Stream<BenchResult> results) {
    return results.map(r -> r.workload().benchName()).collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** Operations per second of wall-clock time. */
  double opsPerSec() {
    return done / Math.max(wallSeconds, 1e-9);
  }

  /** The line under {@link #line()}: latency percentiles and GC pauses. */
  String latencyLine() {
    return latency.line() + "; " + gcPauses.line();
  }

  /**
   * The db_bench report line, e.g. {@code fillseq      :       1.234 micros/op;    810372 ops/sec;
   * 89.6 MB/s}, with {@code (N of M found)} for random reads and seeks and without MB/s when no
   * bytes moved (deletes), and {@code (A aborts, P% of N attempts)} for transactions.
   */
  String line() {
    long ops = Math.max(done, 1);
    double wall = Math.max(wallSeconds, 1e-9);
    StringBuilder sb = new StringBuilder(String.format("%-12s : %11.3f micros/op; %9.0f ops/sec",
        workload.benchName(), threadSeconds * 1e6 / ops, done / wall));
    if (bytes > 0) {
      sb.append(String.format("; %6.1f MB/s", bytes / 1048576.0 / wall));
    }
    if (workload.reportsFound()) {
      sb.append(String.format(" (%d of %d found)", found, done));
    }
    if (workload == BenchWorkload.TXN) {
      sb.append(String.format(" (%d aborts, %.1f%% of %d attempts)", aborts, 100.0 * aborts / Math.max(1, done + aborts),
          done + aborts));
    }
    return sb.toString();
  }
}
