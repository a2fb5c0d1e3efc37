package io.stratadb.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stratadb.cli.StrataVersion;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of {@code strata bench --larger-than-memory}: per phase and engine ops/sec, p50,
 * p99 and p99.9 latency, device bytes read per operation, keys not found and the reader's memory
 * limit and peak, with StrataDB's ratio to each peer and readrandom's to the device's own rate;
 * then per engine the fill's write stalls and their time, the compaction backlog at the last put
 * and the time it took to settle, disk size and deleted files held. Printed as a table
 * and written as {@code larger-than-memory.csv} (a row per phase and engine) and {@code
 * larger-than-memory.json} (everything). Not thread-safe; filled by the benchmark's thread.
 */
final class LargeReport {
  private final List<BenchEngine.Kind> engines;
  private final long num;
  private final int keySize;
  private final int valueSize;
  private final LargerThanMemoryOptions options;
  private final BenchSettings settings;
  private final int threads;
  private final List<LargePhaseResult> rows = new ArrayList<>();
  private final Map<BenchEngine.Kind, LargeFill.Outcome> fills = new EnumMap<>(BenchEngine.Kind.class);
  private final Map<BenchEngine.Kind, List<LargeReadPhase.Outcome>> reads = new EnumMap<>(BenchEngine.Kind.class);
  private final Map<BenchEngine.Kind, Long> finalDisk = new EnumMap<>(BenchEngine.Kind.class);
  private DeviceProbe.Rate device = new DeviceProbe.Rate(0, 0, 0, "not measured (--device-probe 0)");

  /** An empty report of a run with these parameters; {@code engines} has StrataDB first. */
  LargeReport(List<BenchEngine.Kind> engines, long num, int keySize, int valueSize, LargerThanMemoryOptions options,
      BenchSettings settings, int threads) {
    this.engines = List.copyOf(engines);
    this.num = num;
    this.keySize = keySize;
    this.valueSize = valueSize;
    this.options = options;
    this.settings = settings;
    this.threads = threads;
  }

  /** Records {@code kind}'s fill. */
  void fill(BenchEngine.Kind kind, LargeFill.Outcome fill) {
    fills.put(kind, fill);
    rows.add(fill.result());
  }

  /** Records one of {@code kind}'s read phases. */
  void read(BenchEngine.Kind kind, LargeReadPhase.Outcome read) {
    reads.computeIfAbsent(kind, k -> new ArrayList<>()).add(read);
    rows.add(read.result());
  }

  /** Records the device's measured rate. */
  void device(DeviceProbe.Rate rate) {
    device = rate;
  }

  /** The device's rate, or a rate saying it was not measured. */
  DeviceProbe.Rate device() {
    return device;
  }

  /** Records the engine's directory size in bytes after the read phases. */
  void finalDiskBytes(BenchEngine.Kind kind, long bytes) {
    finalDisk.put(kind, bytes);
  }

  /** The rows: fills first, then the read phases, in the order they ran. */
  List<LargePhaseResult> rows() {
    return List.copyOf(rows);
  }

  /** The row of {@code workload} on {@code engine}, or null. */
  LargePhaseResult row(String workload, BenchEngine.Kind engine) {
    return rows.stream().filter(r -> r.workload().equals(workload) && r.engine().equals(engine.label()))
        .findFirst().orElse(null);
  }

  /** One progress line, e.g. {@code readrandom : 7906 ops/sec; p50 112 us ...}. */
  String line(LargePhaseResult r) {
    return String.format(Locale.ROOT, "%-10s : %9.0f ops/sec; p50 %.1f us, p99 %.1f us, p99.9 %.1f us; %d ops, "
        + "%d not found; disk bytes/op %s (process %s)%s", r.workload(), r.opsPerSec(), r.p50Micros(),
        r.p99Micros(), r.p999Micros(), r.done(), r.notFound(), perOp(r.readBytesPerOp()),
        perOp(r.processReadBytesPerOp()),
        r.peakMemoryBytes() < 0 ? "" : String.format("; reader peak %d MiB", r.peakMemoryBytes() >> 20));
  }

  /** Prints the run's parameters, as {@code bench}'s header, with the database directory {@code path}. */
  void printHeader(PrintWriter out, Path path) {
    out.printf("StrataDB:   version %s%n", StrataVersion.version());
    out.printf("Date:       %s%n", new Date());
    out.printf("CPU:        %d * %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"), System.getProperty("java.version"));
    out.printf("Mode:       larger than memory: %d keys of %d B, values %d B (%s), %.1f MiB raw%n", num, keySize,
        valueSize, options.compressibleValues ? "compress to half" : "incompressible",
        (double) (keySize + valueSize) * num / 1048576.0);
    out.printf("Reader:     JVM with -Xmx%dm in a memory cgroup of %d MiB (when allowed), %d thread(s), each read "
        + "phase at most %d ms, %s%n", options.readerHeap >> 20, options.memoryLimit >> 20, threads,
        options.durationMs, options.dropCaches ? "page cache dropped before it (when allowed)" : "page cache kept");
    out.printf("Options:    write_buffer_size=%d target_file_size=%s block_size=%d bloom_bits=%d cache_size=%d "
        + "compression=%s%n", settings.writeBufferSize(),
        settings.targetFileSize() > 0 ? Long.toString(settings.targetFileSize()) : "each engine's default",
        settings.blockSize(), settings.bloomBitsPerKey(), settings.blockCacheSize(),
        settings.compression().name().toLowerCase(Locale.ROOT));
    if (!options.strataReadArguments().isEmpty()) {
      out.printf("StrataDB reader: %s%n", String.join(" ", options.strataReadArguments()));
    }
    out.printf("Engines:    %s, each alone%n", String.join(", ", engines.stream().map(BenchEngine.Kind::label).toList()));
    out.printf("Database:   %s%n", path);
    out.println("------------------------------------------------");
    out.flush();
  }

  /** Prints the table of every row, then the per-engine totals. */
  void print(PrintWriter out) {
    out.println("------------------------------------------------");
    out.println("Larger than memory: " + device.line().replaceFirst("^", "device ceiling "));
    StringBuilder head = new StringBuilder(String.format("%-11s %-9s %10s %9s %9s %9s %11s %11s %9s %10s",
        "phase", "engine", "ops/sec", "p50 us", "p99 us", "p99.9 us", "disk B/op", "all B/op", "not found",
        "memory"));
    engines.stream().skip(1).forEach(e -> head.append(String.format(" %11s", "vs " + e.label())));
    head.append(String.format(" %10s", "vs device"));
    out.println(head);
    for (LargePhaseResult r : rows) {
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "%-11s %-9s %10.0f %9.1f %9.1f %9.1f %11s %11s %9d %10s", r.workload(), r.engine(), r.opsPerSec(),
          r.p50Micros(), r.p99Micros(), r.p999Micros(), perOp(r.readBytesPerOp()), perOp(r.processReadBytesPerOp()),
          r.notFound(), memory(r)));
      for (BenchEngine.Kind peer : engines.subList(1, engines.size())) {
        double ratio = ratio(r, peer);
        line.append(Double.isNaN(ratio) ? String.format(" %11s", "") : String.format(Locale.ROOT, " %10.2fx", ratio));
      }
      double vsDevice = r.workload().equals("readrandom") && device.reads() > 0
          ? r.opsPerSec() / device.readsPerSec() : Double.NaN;
      line.append(Double.isNaN(vsDevice) ? "" : String.format(Locale.ROOT, " %9.2fx", vsDevice));
      out.println(line);
    }
    out.printf("%-11s %-9s %12s %9s %11s %8s %8s %12s %12s %26s%n", "engine", "", "write stalls", "stall ms",
        "backlog MiB", "L0 end", "settle s", "disk MiB", "final MiB", "deleted held (open/closed/reader)");
    for (BenchEngine.Kind e : engines) {
      LargeFill.Outcome f = fills.get(e);
      if (f == null) {
        out.printf(Locale.ROOT, "%-11s %-9s %12s %9s %11s %8s %8s %12s %12.1f %26s%n", e.label(), "", "n/a", "n/a",
            "n/a", "n/a", "n/a", "n/a (reused)", finalDisk.getOrDefault(e, -1L) / 1048576.0, "n/a");
        continue;
      }
      long readerHeld = reads.getOrDefault(e, List.of()).stream().mapToLong(LargeReadPhase.Outcome::heldFiles)
          .max().orElse(-1);
      FillBacklog b = f.backlogAtEnd();
      out.printf(Locale.ROOT, "%-11s %-9s %12s %9s %11s %8s %8s %12.1f %12.1f %26s%n", e.label(), "",
          f.writeStalls() < 0 ? "n/a" : Long.toString(f.writeStalls()),
          f.stallMillis() < 0 ? "n/a" : Long.toString(f.stallMillis()),
          b.pendingBytes() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", b.pendingBytes() / 1048576.0),
          b.l0Files() < 0 ? "n/a" : Integer.toString(b.l0Files()),
          f.settleSeconds() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", f.settleSeconds()),
          f.diskBytes() / 1048576.0,
          finalDisk.getOrDefault(e, -1L) / 1048576.0, f.heldOpen().files().size() + "/" + f.heldClosed().files().size()
              + "/" + (readerHeld < 0 ? "n/a" : readerHeld));
    }
    out.println("disk B/op: device bytes the reading threads read per operation; all B/op: the whole reading JVM's "
        + "(background compaction included)");
    out.println("stall ms: time writers were delayed or stopped during the fill; backlog MiB, L0 end: estimated "
        + "pending compaction bytes and L0 tables at the last put; settle s: from the last put until no flush "
        + "or compaction was pending or running (untimed in the fill's ops/sec)");
    out.println("memory: the reader's cgroup limit/peak in MiB, \"none\" where it ran unlimited; ratio = stratadb "
        + "ops/sec / peer's; vs device = readrandom ops/sec / device reads/sec");
    out.flush();
  }

  /** A per-operation byte count, or n/a for a negative (unknown) one. */
  private static String perOp(double bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", bytes);
  }

  private static String memory(LargePhaseResult r) {
    if (r.workload().equals("fillrandom")) {
      return "-";
    }
    String limit = r.memoryLimitBytes() < 0 ? "none" : Long.toString(r.memoryLimitBytes() >> 20);
    return r.peakMemoryBytes() < 0 ? limit : limit + "/" + (r.peakMemoryBytes() >> 20);
  }

  /** StrataDB's ops/sec over the peer's for the row's workload; NaN for a peer's row or a missing one. */
  private double ratio(LargePhaseResult r, BenchEngine.Kind peer) {
    if (!r.engine().equals(engines.get(0).label())) {
      return Double.NaN;
    }
    LargePhaseResult other = row(r.workload(), peer);
    return other == null ? Double.NaN : r.opsPerSec() / other.opsPerSec();
  }

  /**
   * Writes {@code larger-than-memory.csv} and {@code larger-than-memory.json} into {@code dir}.
   *
   * @return the paths written
   * @throws IOException if a file cannot be written
   */
  List<Path> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("workload,engine,threads,ops_per_sec,p50_us,p99_us,p999_us,operations,"
        + "found,not_found,read_bytes_per_op,process_read_bytes_per_op,memory_limit_bytes,peak_memory_bytes,"
        + "cache_dropped,seconds\n");
    for (LargePhaseResult r : rows) {
      csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.1f,%.1f,%.1f,%.1f,%d,%d,%d,%.1f,%.1f,%d,%d,%s,%.3f%n",
          r.workload(), r.engine(), r.threads(), r.opsPerSec(), r.p50Micros(), r.p99Micros(), r.p999Micros(),
          r.done(), r.found(), r.notFound(), r.readBytesPerOp(), r.processReadBytesPerOp(), r.memoryLimitBytes(),
          r.peakMemoryBytes(),
          r.cacheDropped(), r.seconds()));
    }
    Path csvFile = dir.resolve("larger-than-memory.csv");
    Files.writeString(csvFile, csv);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("num", num);
    doc.put("keySize", keySize);
    doc.put("valueSize", valueSize);
    doc.put("threads", threads);
    doc.put("memoryLimitBytes", options.memoryLimit);
    doc.put("readerHeapBytes", options.readerHeap);
    doc.put("blockCacheBytes", settings.blockCacheSize());
    Map<String, Object> dev = new LinkedHashMap<>();
    dev.put("readsPerSec", device.readsPerSec());
    dev.put("reads", device.reads());
    dev.put("fileBytes", device.fileBytes());
    dev.put("note", device.reason());
    doc.put("device", dev);
    doc.put("results", rows);
    Map<String, Object> totals = new LinkedHashMap<>();
    for (BenchEngine.Kind e : engines) {
      LargeFill.Outcome f = fills.get(e);
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("reused", f == null);
      t.put("writeStalls", f == null ? -1 : f.writeStalls());
      t.put("writeStallMillis", f == null ? -1 : f.stallMillis());
      t.put("pendingCompactionBytesAtLastPut", f == null ? -1 : f.backlogAtEnd().pendingBytes());
      t.put("l0FilesAtLastPut", f == null ? -1 : f.backlogAtEnd().l0Files());
      t.put("settleSeconds", f == null ? -1 : f.settleSeconds());
      t.put("diskBytesAfterFill", f == null ? -1 : f.diskBytes());
      t.put("diskBytesAtEnd", finalDisk.getOrDefault(e, -1L));
      t.put("deletedHeldWhileOpen", f == null ? List.of() : f.heldOpen().files());
      t.put("deletedHeldAfterClose", f == null ? List.of() : f.heldClosed().files());
      t.put("deletedHeldByReader", reads.getOrDefault(e, List.of()).stream()
          .mapToLong(LargeReadPhase.Outcome::heldFiles).max().orElse(-1));
      totals.put(e.label(), t);
    }
    doc.put("engines", totals);
    Path jsonFile = dir.resolve("larger-than-memory.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(jsonFile.toFile(), doc);
    return List.of(csvFile, jsonFile);
  }
}
