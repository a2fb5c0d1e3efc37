package io.stratadb.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The results of {@code strata bench --compare [--rounds N]}: one row per round, workload and
 * engine. Printed as a table of the median ops/sec over the rounds with StrataDB's ratio of
 * medians to each peer (and, over several rounds, each cell's min-max range), then disk size
 * (after the last round) and write amplification (median of the rounds') per engine, then a
 * table of each workload's latency per operation (p50, p99, p99.9, max) and GC pauses per engine
 * (medians over the rounds). Written as
 * {@code results.csv} (every round's rows), {@code summary.csv} (the medians), {@code
 * settings.csv} (the run's settings), {@code results.json} (all three) and a chart of the medians
 * {@code results.png} ({@link BenchChart}). Not thread-safe; filled by the benchmark's main thread.
 */
final class BenchComparison {

  /**
   * One workload run on one engine in one round.
   *
   * @param round the round, from 1
   * @param result the measurements
   * @param writtenBytes bytes the process wrote from just after the engine opened until it closed
   *     again (the close included, the open not), or -1
   * @param costs page faults, garbage collections and CPU time of the process over the same window
   */
  record Row(int round, BenchEngine.Kind engine, BenchResult result, long writtenBytes, ProcessCosts costs) {}

  private final List<BenchEngine.Kind> engines;
  /** The run's settings (name to value), in the order they are reported. */
  private final Map<String, Object> settings;
  private final List<Row> rows = new ArrayList<>();
  private final Map<BenchEngine.Kind, Long> diskBytes = new EnumMap<>(BenchEngine.Kind.class);

  BenchComparison(List<BenchEngine.Kind> engines) {
    this(engines, Map.of());
  }

  /** @param settings the run's settings (e.g. {@code num}, {@code valueSize}), reported in the files and the chart */
  BenchComparison(List<BenchEngine.Kind> engines, Map<String, Object> settings) {
    this.engines = List.copyOf(engines);
    this.settings = new LinkedHashMap<>(settings);
  }

  void add(Row row) {
    rows.add(row);
  }

  /** Records the engine's directory size in bytes, measured after the last round. */
  void diskBytes(BenchEngine.Kind engine, long bytes) {
    diskBytes.put(engine, bytes);
  }

  /** The number of rounds run: the highest round of any row, 1 if there is none. */
  int rounds() {
    return rows.stream().mapToInt(Row::round).max().orElse(1);
  }

  private Set<String> workloads() {
    return BenchResult.workloadNames(rows.stream().map(Row::result));
  }

  /** Ops/sec of {@code workload} on {@code engine} over the rounds, or null if it never ran. */
  RoundStats opsPerSec(String workload, BenchEngine.Kind engine) {
    return stats(workload, engine, BenchResult::opsPerSec);
  }

  /** {@code figure} of {@code workload}'s results on {@code engine} over the rounds, or null if it never ran. */
  RoundStats stats(String workload, BenchEngine.Kind engine, ToDoubleFunction<BenchResult> figure) {
    double[] values = rows.stream()
        .filter(r -> r.engine() == engine && r.result().workload().benchName().equals(workload))
        .mapToDouble(r -> figure.applyAsDouble(r.result())).toArray();
    return values.length == 0 ? null : RoundStats.of(values);
  }

  /** The latency table's figures: name, and how to read it from a result (ns, or a count, or ms). */
  private static final List<Map.Entry<String, ToDoubleFunction<BenchResult>>> TAIL = List.of(
      Map.entry("p50", r -> r.latency().p50Nanos()), Map.entry("p99", r -> r.latency().p99Nanos()),
      Map.entry("p99.9", r -> r.latency().p999Nanos()), Map.entry("max", r -> r.latency().maxNanos()),
      Map.entry("gc pauses", r -> r.gcPauses().count()), Map.entry("gc ms", r -> r.gcPauses().millis()));

  /**
   * Prints per workload and engine the operations' latency in us (p50, p99, p99.9, max) and the
   * GC pauses during the run (count, ms); over several rounds, each figure is its median over the
   * rounds.
   */
  void printLatency(PrintWriter out) {
    int rounds = rounds();
    out.println(rounds > 1
        ? "Latency per operation in us and GC pauses during the workload, each the median of " + rounds + " rounds"
        : "Latency per operation in us and GC pauses during the workload");
    StringBuilder head = new StringBuilder(String.format("%-13s %-9s", "workload", "engine"));
    TAIL.forEach(f -> head.append(String.format(" %9s", f.getKey())));
    out.println(head);
    for (String w : workloads()) {
      for (BenchEngine.Kind e : engines) {
        if (opsPerSec(w, e) == null) {
          continue;
        }
        StringBuilder line = new StringBuilder(String.format("%-13s %-9s", w, e.label()));
        for (int i = 0; i < TAIL.size(); i++) {
          double median = stats(w, e, TAIL.get(i).getValue()).median();
          line.append(String.format(" %9s", i < 4 ? OpLatency.micros(median) : String.format("%.0f", median)));
        }
        out.println(line);
      }
    }
  }

  /** Median StrataDB ops/sec over the peer's median for {@code workload}, or NaN if either did not run. */
  double ratio(String workload, BenchEngine.Kind peer) {
    RoundStats strata = opsPerSec(workload, engines.get(0));
    RoundStats other = opsPerSec(workload, peer);
    return strata == null || other == null ? Double.NaN : strata.median() / other.median();
  }

  /** Prints the ops/sec table with ratios, disk sizes and write amplification. */
  void print(PrintWriter out) {
    int rounds = rounds();
    Map<String, List<String>> cells = new LinkedHashMap<>();
    int width = 12;
    for (String w : workloads()) {
      List<String> line = new ArrayList<>();
      for (BenchEngine.Kind e : engines) {
        RoundStats s = opsPerSec(w, e);
        line.add(s == null ? "n/a"
            : rounds > 1 ? String.format("%.0f (%s)", s.median(), s.range()) : String.format("%.0f", s.median()));
        width = Math.max(width, line.get(line.size() - 1).length());
      }
      cells.put(w, line);
    }
    out.println("------------------------------------------------");
    out.println(rounds > 1
        ? "Comparison: median ops/sec of " + rounds + " rounds (min-max); ratio = median stratadb / median peer "
            + "(above 1: StrataDB faster)"
        : "Comparison: ops/sec per engine; ratio = stratadb / peer (above 1: StrataDB faster)");
    StringBuilder head = new StringBuilder(String.format("%-13s", "workload"));
    String column = " %" + width + "s";
    engines.forEach(e -> head.append(String.format(column, e.label())));
    engines.stream().skip(1).forEach(e -> head.append(String.format(" %11s", "vs " + e.label())));
    out.println(head);
    for (String w : workloads()) {
      StringBuilder line = new StringBuilder(String.format("%-13s", w));
      for (String cell : cells.get(w)) {
        line.append(String.format(column, cell));
      }
      for (BenchEngine.Kind e : engines.subList(1, engines.size())) {
        double ratio = ratio(w, e);
        line.append(Double.isNaN(ratio) ? String.format(" %11s", "n/a") : String.format(" %10.2fx", ratio));
      }
      out.println(line);
    }
    StringBuilder disk = new StringBuilder(String.format("%-13s", "disk MB"));
    StringBuilder amp = new StringBuilder(String.format("%-13s", "write amp"));
    for (BenchEngine.Kind e : engines) {
      disk.append(String.format(" %" + width + ".1f", diskBytes.getOrDefault(e, 0L) / 1048576.0));
      double wa = writeAmplification(e);
      amp.append(wa < 0 ? String.format(column, "n/a") : String.format(" %" + width + ".2f", wa));
    }
    out.println(rounds > 1 ? disk + "  (after the last round)" : disk.toString());
    out.println(amp + "  (bytes the process wrote during all workloads / user bytes written"
        + (rounds > 1 ? "; median of the rounds)" : ")"));
    for (BenchEngine.Kind e : engines) {
      if (e.uncountedWrites() != null) {
        out.println("  " + e.label() + " write amp n/a: " + e.uncountedWrites());
      }
    }
    out.println("------------------------------------------------");
    printLatency(out);
    out.flush();
  }

  /**
   * The engine's write amplification: the median over the rounds of each round's bytes written
   * during all its workloads (so the compactions a write workload leaves to the reads after it, and
   * seek compactions, count) over the user bytes of its write workloads; -1 if unknown in any round
   * or if nothing was written.
   */
  double writeAmplification(BenchEngine.Kind engine) {
    List<Double> perRound = writeAmplificationPerRound(engine);
    if (perRound.isEmpty() || perRound.contains(-1.0)) {
      return -1;
    }
    return RoundStats.of(perRound.stream().mapToDouble(Double::doubleValue).toArray()).median();
  }

  /** Each round's write amplification of the engine, in round order, -1 where unknown. */
  private List<Double> writeAmplificationPerRound(BenchEngine.Kind engine) {
    List<Double> perRound = new ArrayList<>();
    for (int round = 1; round <= rounds(); round++) {
      long written = 0;
      long user = 0;
      boolean known = true;
      for (Row r : rows) {
        if (r.round() == round && r.engine() == engine) {
          known &= r.writtenBytes() >= 0;
          written += r.writtenBytes();
          user += r.result().workload().writes() ? r.result().bytes() : 0;
        }
      }
      perRound.add(!known || user == 0 ? -1.0 : (double) written / user);
    }
    return perRound;
  }

  /**
   * Writes {@code results.csv} (a row per round, workload and engine, with a {@code round}
   * column), {@code summary.csv} (a row per workload and engine: median, min and max ops/sec over
   * the rounds and StrataDB's ratio of medians), {@code results.json} (both, as {@code results}
   * and {@code median}, plus per-engine disk size and write amplification) and {@code
   * results.png} (the medians) into {@code dir}.
   *
   * @return the paths written
   * @throws IOException if a file cannot be written
   */
  List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("results.csv");
    StringBuilder sb = new StringBuilder("workload,engine,ops_per_sec,mb_per_sec,micros_per_op,operations,found,"
        + "written_bytes,round,minor_faults,gc_count,gc_ms,cpu_seconds,p50_us,p99_us,p999_us,max_us,gc_pauses,"
        + "gc_pause_ms\n");
    List<Map<String, Object>> json = new ArrayList<>();
    for (Row r : rows) {
      BenchResult b = r.result();
      double mbPerSec = b.bytes() / 1048576.0 / Math.max(b.wallSeconds(), 1e-9);
      double micros = b.threadSeconds() * 1e6 / Math.max(b.done(), 1);
      ProcessCosts c = r.costs();
      OpLatency l = b.latency();
      sb.append(String.format(Locale.ROOT, "%s,%s,%.1f,%.2f,%.3f,%d,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%d%n",
          b.workload().benchName(), r.engine().label(), b.opsPerSec(), mbPerSec, micros, b.done(), b.found(),
          r.writtenBytes(), r.round(), c.minorFaults(), c.collections(), c.gcMillis(),
          c.cpuNanos() < 0 ? -1.0 : c.cpuNanos() / 1e9, l.p50Nanos() / 1e3, l.p99Nanos() / 1e3, l.p999Nanos() / 1e3,
          l.maxNanos() / 1e3, b.gcPauses().count(), b.gcPauses().millis()));
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("round", r.round());
      o.put("workload", b.workload().benchName());
      o.put("engine", r.engine().label());
      o.put("opsPerSec", b.opsPerSec());
      o.put("mbPerSec", mbPerSec);
      o.put("microsPerOp", micros);
      o.put("operations", b.done());
      o.put("found", b.found());
      o.put("writtenBytes", r.writtenBytes());
      o.put("minorFaults", r.costs().minorFaults());
      o.put("gcCount", r.costs().collections());
      o.put("gcMillis", r.costs().gcMillis());
      o.put("cpuSeconds", r.costs().cpuNanos() < 0 ? -1.0 : r.costs().cpuNanos() / 1e9);
      o.put("p50Micros", l.p50Nanos() / 1e3);
      o.put("p99Micros", l.p99Nanos() / 1e3);
      o.put("p999Micros", l.p999Nanos() / 1e3);
      o.put("maxMicros", l.maxNanos() / 1e3);
      o.put("gcPauses", b.gcPauses().count());
      o.put("gcPauseMillis", b.gcPauses().millis());
      json.add(o);
    }
    Files.writeString(csv, sb);
    Path summary = dir.resolve("summary.csv");
    StringBuilder sum = new StringBuilder("workload,engine,rounds,median_ops_per_sec,min_ops_per_sec,"
        + "max_ops_per_sec,stratadb_ratio,p50_us,p99_us,p999_us,max_us,gc_pauses,gc_pause_ms\n");
    List<Map<String, Object>> medians = new ArrayList<>();
    for (String w : workloads()) {
      for (BenchEngine.Kind e : engines) {
        RoundStats s = opsPerSec(w, e);
        if (s == null) {
          continue;
        }
        double ratio = ratio(w, e);
        double[] tail = TAIL.stream().mapToDouble(f -> stats(w, e, f.getValue()).median()).toArray();
        sum.append(String.format(Locale.ROOT, "%s,%s,%d,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%.1f,%.1f%n", w,
            e.label(), s.rounds(), s.median(), s.min(), s.max(), ratio, tail[0] / 1e3, tail[1] / 1e3, tail[2] / 1e3,
            tail[3] / 1e3, tail[4], tail[5]));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("workload", w);
        o.put("engine", e.label());
        o.put("rounds", s.rounds());
        o.put("opsPerSec", s.median());
        o.put("minOpsPerSec", s.min());
        o.put("maxOpsPerSec", s.max());
        if (!Double.isNaN(ratio)) {
          o.put("stratadbRatio", ratio);
        }
        o.put("p50Micros", tail[0] / 1e3);
        o.put("p99Micros", tail[1] / 1e3);
        o.put("p999Micros", tail[2] / 1e3);
        o.put("maxMicros", tail[3] / 1e3);
        o.put("gcPauses", tail[4]);
        o.put("gcPauseMillis", tail[5]);
        medians.add(o);
      }
    }
    Files.writeString(summary, sum);
    Path settingsCsv = dir.resolve("settings.csv");
    StringBuilder set = new StringBuilder("setting,value\n");
    settings.forEach((k, v) -> set.append(k).append(',').append(v).append('\n'));
    set.append("rounds,").append(rounds()).append('\n');
    Files.writeString(settingsCsv, set);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("settings", settings);
    doc.put("rounds", rounds());
    doc.put("results", json);
    doc.put("median", medians);
    Map<String, Object> engineTotals = new LinkedHashMap<>();
    for (BenchEngine.Kind e : engines) {
      Map<String, Object> totals = new LinkedHashMap<>();
      totals.put("diskBytes", diskBytes.getOrDefault(e, 0L));
      totals.put("writeAmplification", writeAmplification(e));
      totals.put("writeAmplificationPerRound", writeAmplificationPerRound(e));
      engineTotals.put(e.label(), totals);
    }
    doc.put("engines", engineTotals);
    Path jsonFile = dir.resolve("results.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), doc);
    Path png = dir.resolve("results.png");
    writeChart(png);
    return List.of(csv, summary, settingsCsv, jsonFile, png);
  }

  /** The settings as one line, {@code name=value} separated by blanks, for the chart's header. */
  private String settingsLine() {
    StringBuilder line = new StringBuilder();
    settings.forEach((k, v) -> line.append(line.length() == 0 ? "" : "  ").append(k).append('=').append(v));
    return line.toString();
  }

  private void writeChart(Path png) throws IOException {
    int rounds = rounds();
    List<BenchChart.Panel> panels = new ArrayList<>();
    for (String w : workloads()) {
      List<BenchChart.Bar> bars = new ArrayList<>();
      for (BenchEngine.Kind e : engines) {
        RoundStats s = opsPerSec(w, e);
        bars.add(new BenchChart.Bar(e.label(), s == null ? Double.NaN : s.median()));
      }
      panels.add(new BenchChart.Panel(w, bars));
    }
    String title = rounds > 1
        ? "strata bench --compare: median operations per second of " + rounds + " rounds (higher is better)"
        : "strata bench --compare: operations per second (higher is better)";
    BenchChart.write(png, title, settingsLine(), panels);
  }
}
