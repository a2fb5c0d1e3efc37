package io.stratadb.cli.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The results of {@code strata bench --thread-counts A,B,...}: StrataDB alone, each workload run at
 * each thread count, the counts interleaved within every round. Printed as a table of the median
 * ops/sec per workload and thread count over the rounds (with its min-max range) and, for every
 * count after the first, the median of the per-round ratios to the first count's ops/sec. The
 * ratio is paired by round because what it is for, group commit under {@code --sync}, rides on
 * the disk's sync latency, which drifts within minutes: a round's two runs share the same disk.
 * Not thread-safe; filled by the benchmark's main thread.
 */
final class BenchScaling {

  /**
   * One workload run at one thread count in one round.
   *
   * @param round the round, from 1
   * @param threads the thread count it ran with
   * @param result the measurements
   */
  record Row(int round, int threads, BenchResult result) {}

  private final List<Integer> threadCounts;
  private final List<Row> rows = new ArrayList<>();

  /** @param threadCounts the counts in the order they run; the first is every ratio's base */
  BenchScaling(List<Integer> threadCounts) {
    if (threadCounts.isEmpty()) {
      throw new IllegalArgumentException("no thread counts");
    }
    this.threadCounts = List.copyOf(threadCounts);
  }

  void add(Row row) {
    rows.add(row);
  }

  /** Ops/sec of {@code workload} at {@code threads} over the rounds, or null if it never ran. */
  RoundStats opsPerSec(String workload, int threads) {
    double[] values = rows.stream()
        .filter(r -> r.threads() == threads && r.result().workload().benchName().equals(workload))
        .mapToDouble(r -> r.result().opsPerSec()).toArray();
    return values.length == 0 ? null : RoundStats.of(values);
  }

  /**
   * Per round, ops/sec of {@code workload} at {@code threads} over ops/sec at the first thread
   * count, summarised over the rounds that ran both; null if none did.
   */
  RoundStats ratio(String workload, int threads) {
    int base = threadCounts.get(0);
    List<Double> ratios = new ArrayList<>();
    for (Row r : rows) {
      if (r.threads() != threads || !r.result().workload().benchName().equals(workload)) {
        continue;
      }
      for (Row b : rows) {
        if (b.round() == r.round() && b.threads() == base && b.result().workload() == r.result().workload()) {
          ratios.add(r.result().opsPerSec() / b.result().opsPerSec());
        }
      }
    }
    return ratios.isEmpty() ? null : RoundStats.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** Prints the table described in the class comment. */
  void print(PrintWriter out) {
    int rounds = rows.stream().mapToInt(Row::round).max().orElse(1);
    int base = threadCounts.get(0);
    out.println("------------------------------------------------");
    out.printf("Scaling: median ops/sec of %d round%s (min-max); ratio = median over the rounds of ops/sec at N threads "
        + "/ ops/sec at %d in the same round%n", rounds, rounds == 1 ? "" : "s", base);
    StringBuilder header = new StringBuilder(String.format("%-12s", "workload"));
    for (int t : threadCounts) {
      header.append(String.format(" %24s", t + (t == 1 ? " thread" : " threads")));
    }
    for (int t : threadCounts.subList(1, threadCounts.size())) {
      header.append(String.format(" %20s", t + " vs " + base));
    }
    out.println(header);
    for (String workload : workloads()) {
      StringBuilder line = new StringBuilder(String.format("%-12s", workload));
      for (int t : threadCounts) {
        RoundStats s = opsPerSec(workload, t);
        line.append(String.format(" %24s", s == null ? "n/a"
            : rounds == 1 ? String.format("%.0f", s.median()) : String.format("%.0f (%s)", s.median(), s.range())));
      }
      for (int t : threadCounts.subList(1, threadCounts.size())) {
        RoundStats s = ratio(workload, t);
        line.append(String.format(" %20s", s == null ? "n/a"
            : rounds == 1 ? String.format("%.2fx", s.median())
            : String.format("%.2fx (%.2f-%.2fx)", s.median(), s.min(), s.max())));
      }
      out.println(line);
    }
    out.flush();
  }

  private Set<String> workloads() {
    return BenchResult.workloadNames(rows.stream().map(Row::result));
  }
}
