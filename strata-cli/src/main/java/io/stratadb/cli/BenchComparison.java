package io.stratadb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The results of {@code strata bench --compare}: one row per workload and engine, printed as a
 * table of ops/sec with StrataDB's ratio to each peer, then disk size and write amplification per
 * engine, and written as {@code results.csv}, {@code results.json} and a bar chart {@code
 * results.png} (XChart). Not thread-safe; filled by the benchmark's main thread.
 */
final class BenchComparison {

  /**
   * One workload run on one engine.
   *
   * @param result the measurements
   * @param writtenBytes bytes the process wrote while the engine ran it (open to close), or -1
   */
  record Row(BenchEngine.Kind engine, BenchResult result, long writtenBytes) {}

  private final List<BenchEngine.Kind> engines;
  private final List<Row> rows = new ArrayList<>();
  private final Map<BenchEngine.Kind, Long> diskBytes = new EnumMap<>(BenchEngine.Kind.class);

  BenchComparison(List<BenchEngine.Kind> engines) {
    this.engines = List.copyOf(engines);
  }

  void add(Row row) {
    rows.add(row);
  }

  void diskBytes(BenchEngine.Kind engine, long bytes) {
    diskBytes.put(engine, bytes);
  }

  private Set<String> workloads() {
    Set<String> names = new LinkedHashSet<>();
    rows.forEach(r -> names.add(r.result().workload().benchName()));
    return names;
  }

  private Row find(String workload, BenchEngine.Kind engine) {
    for (Row r : rows) {
      if (r.engine() == engine && r.result().workload().benchName().equals(workload)) {
        return r;
      }
    }
    return null;
  }

  private static double opsPerSec(BenchResult r) {
    return r.done() / Math.max(r.wallSeconds(), 1e-9);
  }

  /** Prints the ops/sec table with ratios, disk sizes and write amplification. */
  void print(PrintWriter out) {
    out.println("------------------------------------------------");
    out.println("Comparison: ops/sec per engine; ratio = stratadb / peer (above 1: StrataDB faster)");
    StringBuilder head = new StringBuilder(String.format("%-13s", "workload"));
    engines.forEach(e -> head.append(String.format(" %12s", e.label())));
    engines.stream().skip(1).forEach(e -> head.append(String.format(" %11s", "vs " + e.label())));
    out.println(head);
    for (String w : workloads()) {
      StringBuilder line = new StringBuilder(String.format("%-13s", w));
      for (BenchEngine.Kind e : engines) {
        Row r = find(w, e);
        line.append(r == null ? String.format(" %12s", "n/a") : String.format(" %12.0f", opsPerSec(r.result())));
      }
      Row strata = find(w, engines.get(0));
      for (BenchEngine.Kind e : engines.subList(1, engines.size())) {
        Row peer = find(w, e);
        line.append(strata == null || peer == null ? String.format(" %11s", "n/a")
            : String.format(" %10.2fx", opsPerSec(strata.result()) / opsPerSec(peer.result())));
      }
      out.println(line);
    }
    StringBuilder disk = new StringBuilder(String.format("%-13s", "disk MB"));
    StringBuilder amp = new StringBuilder(String.format("%-13s", "write amp"));
    for (BenchEngine.Kind e : engines) {
      disk.append(String.format(" %12.1f", diskBytes.getOrDefault(e, 0L) / 1048576.0));
      double wa = writeAmplification(e);
      amp.append(wa < 0 ? String.format(" %12s", "n/a") : String.format(" %12.2f", wa));
    }
    out.println(disk);
    out.println(amp + "  (bytes the process wrote during write workloads / user bytes written)");
    out.flush();
  }

  /** Bytes written during the engine's write workloads over their user bytes; -1 if unknown. */
  double writeAmplification(BenchEngine.Kind engine) {
    long written = 0;
    long user = 0;
    for (Row r : rows) {
      if (r.engine() == engine && r.result().workload().writes()) {
        if (r.writtenBytes() < 0) {
          return -1;
        }
        written += r.writtenBytes();
        user += r.result().bytes();
      }
    }
    return user == 0 ? -1 : (double) written / user;
  }

  /**
   * Writes {@code results.csv}, {@code results.json} and {@code results.png} into {@code dir}.
   *
   * @return the paths written
   * @throws IOException if a file cannot be written
   */
  List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("results.csv");
    StringBuilder sb = new StringBuilder("workload,engine,ops_per_sec,mb_per_sec,micros_per_op,operations,found,"
        + "written_bytes\n");
    List<Map<String, Object>> json = new ArrayList<>();
    for (Row r : rows) {
      BenchResult b = r.result();
      double mbPerSec = b.bytes() / 1048576.0 / Math.max(b.wallSeconds(), 1e-9);
      double micros = b.threadSeconds() * 1e6 / Math.max(b.done(), 1);
      sb.append(String.format(Locale.ROOT, "%s,%s,%.1f,%.2f,%.3f,%d,%d,%d%n", b.workload().benchName(),
          r.engine().label(), opsPerSec(b), mbPerSec, micros, b.done(), b.found(), r.writtenBytes()));
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("workload", b.workload().benchName());
      o.put("engine", r.engine().label());
      o.put("opsPerSec", opsPerSec(b));
      o.put("mbPerSec", mbPerSec);
      o.put("microsPerOp", micros);
      o.put("operations", b.done());
      o.put("found", b.found());
      o.put("writtenBytes", r.writtenBytes());
      json.add(o);
    }
    Files.writeString(csv, sb);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("results", json);
    Map<String, Object> engineTotals = new LinkedHashMap<>();
    for (BenchEngine.Kind e : engines) {
      engineTotals.put(e.label(), Map.of("diskBytes", diskBytes.getOrDefault(e, 0L),
          "writeAmplification", writeAmplification(e)));
    }
    doc.put("engines", engineTotals);
    Path jsonFile = dir.resolve("results.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), doc);
    Path png = dir.resolve("results.png");
    writeChart(png);
    return List.of(csv, jsonFile, png);
  }

  private void writeChart(Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(600)
        .title("strata bench --compare: operations per second").xAxisTitle("workload").yAxisTitle("ops/sec")
        .build();
    List<String> names = new ArrayList<>(workloads());
    for (BenchEngine.Kind e : engines) {
      List<Double> values = new ArrayList<>();
      for (String w : names) {
        Row r = find(w, e);
        values.add(r == null ? 0.0 : opsPerSec(r.result()));
      }
      chart.addSeries(e.label(), names, values);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
