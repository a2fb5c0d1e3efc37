package io.stratadb.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata bench --larger-than-memory}: the database larger than the memory its reader may
 * use. For each engine in turn: fill {@code num} keys ({@link LargeFill}) and close. Then the
 * device's own random read rate over the databases' files ({@link DeviceProbe}), and for each read
 * phase ({@code readrandom}, {@code seekrandom}) and engine: drop the page cache and read in a
 * JVM held to the memory limit ({@link LargeReadPhase}). The results go to a {@link LargeReport}.
 * Not thread-safe; one run per instance.
 */
final class LargerThanMemory {
  /** The read phases, in order. */
  static final List<String> READ_PHASES = List.of("readrandom", "seekrandom");

  private final LargerThanMemoryOptions options;
  private final BenchSettings settings;
  private final String compaction;
  private final List<BenchEngine.Kind> engines;
  private final long num;
  private final int keySize;
  private final int valueSize;
  private final int threads;
  private final long firstSeed;

  /**
   * @param options the mode's options
   * @param settings the engines' settings (the mode's defaults already applied)
   * @param compaction the {@code --compaction} name for the reading JVM, or null for the default
   * @param engines StrataDB first, then the peers
   * @param num keys to fill and draw reads from
   * @param keySize key width, bytes
   * @param valueSize value size, bytes
   * @param threads reader threads
   * @param firstSeed seed of the fill's order; the read phases use the following seeds
   */
  LargerThanMemory(LargerThanMemoryOptions options, BenchSettings settings, String compaction,
      List<BenchEngine.Kind> engines, long num, int keySize, int valueSize, int threads, long firstSeed) {
    this.options = options;
    this.settings = settings;
    this.compaction = compaction;
    this.engines = List.copyOf(engines);
    this.num = num;
    this.keySize = keySize;
    this.valueSize = valueSize;
    this.threads = threads;
    this.firstSeed = firstSeed;
  }

  /**
   * Checks what the mode needs beyond {@code bench}'s own checks.
   *
   * @throws IllegalArgumentException naming the offending option
   */
  void validate(int rounds, boolean threadCounts) {
    if (rounds != 1 || threadCounts) {
      throw new IllegalArgumentException("--larger-than-memory runs once: drop --rounds and --thread-counts");
    }
    if (engines.contains(BenchEngine.Kind.LEVELDB)) {
      throw new IllegalArgumentException("--larger-than-memory compares with rocksdb only, got --compare leveldb");
    }
    if (options.memoryLimit <= options.readerHeap) {
      throw new IllegalArgumentException("--memory-limit (" + options.memoryLimit + " bytes) must be above "
          + "--reader-heap (" + options.readerHeap + " bytes): the heap lives inside the limit");
    }
    if (settings.blockCacheSize() >= options.readerHeap) {
      throw new IllegalArgumentException("--cache-size (" + settings.blockCacheSize() + " bytes) must be below "
          + "--reader-heap (" + options.readerHeap + " bytes): StrataDB's block cache is on the heap");
    }
    if (options.strataCacheSize != null && options.strataCacheSize >= options.memoryLimit) {
      throw new IllegalArgumentException("--strata-cache-size (" + options.strataCacheSize + " bytes) must be below "
          + "--memory-limit (" + options.memoryLimit + " bytes): the reader's budget lives inside the limit");
    }
    options.strataOptions(settings.strataOptions());
    for (String phase : options.readPhases) {
      if (!READ_PHASES.contains(phase)) {
        throw new IllegalArgumentException("--read-phases takes " + String.join(" and ", READ_PHASES) + ", got '"
            + phase + "'");
      }
    }
    if (num > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("--num must be at most " + (Integer.MAX_VALUE - 8) + " with "
          + "--larger-than-memory, got " + num);
    }
  }

  /**
   * Runs the mode on {@code path} (one subdirectory per engine, emptied first) and prints as it
   * goes; the report is printed and written to {@code resultsDir} at the end.
   *
   * @throws IOException if an engine, a directory or the reading JVM fails
   * @throws InterruptedException if interrupted
   */
  LargeReport run(Path path, Path resultsDir, PrintWriter out) throws IOException, InterruptedException {
    LargeReport report = new LargeReport(engines, num, keySize, valueSize, options, settings, threads);
    report.printHeader(out, path);
    int[] order = LargeFill.permutation(num, firstSeed);
    for (BenchEngine.Kind kind : engines) {
      Path dir = path.resolve(kind.label());
      if (options.reuseDb && Files.isRegularFile(dir.resolve("CURRENT"))) {
        out.printf("%-9s reusing the database in %s (--reuse-db): no fill%n", kind.label(), dir);
        continue;
      }
      BenchCommand.resetEngineDir(kind, dir);
      out.printf("%-9s fillrandom: %d keys, one thread ...%n", kind.label(), num);
      out.flush();
      BenchEngine engine = kind == BenchEngine.Kind.STRATADB
          ? StrataBenchEngine.open(dir, settings, options.strataOptions(settings.strataOptions()))
          : kind.open(dir, settings);
      LargeFill.Outcome fill = LargeFill.run(engine, dir, order, keySize, valueSize, options.compressibleValues);
      report.fill(kind, fill);
      out.printf("%-9s %s%n", kind.label(), report.line(fill.result()));
      out.printf("%-9s   backlog at the last put: %s; settled %s later: %s%n", "", fill.backlogAtEnd().line(),
          fill.settleSeconds() < 0 ? "not within the limit" : String.format("%.1f s", fill.settleSeconds()),
          fill.shape().isEmpty() ? "no level shape" : fill.shape());
      out.printf("%-9s   write stalls %s (%s ms); %.1f MiB on disk; deleted files held: %s while open, %s "
          + "after close%n", "", fill.writeStalls() < 0 ? "n/a" : fill.writeStalls(),
          fill.stallMillis() < 0 ? "n/a" : fill.stallMillis(), fill.diskBytes() / 1048576.0, fill.heldOpen().line(),
          fill.heldClosed().line());
      out.flush();
    }
    order = null;
    if (options.deviceProbeMs > 0) {
      out.println("device: random 4 KiB O_DIRECT reads at queue depth 1 ...");
      out.flush();
      List<Path> dirs = new ArrayList<>();
      engines.forEach(k -> dirs.add(path.resolve(k.label())));
      report.device(DeviceProbe.measure(dirs, options.deviceProbeMs / 1000.0));
      out.println("device: " + report.device().line());
    }
    long seed = firstSeed + 1;
    for (String phase : options.readPhases) {
      for (BenchEngine.Kind kind : engines) {
        out.printf("%-9s %s: %d thread(s), at most %d ms ...%n", kind.label(), phase, threads, options.durationMs);
        out.flush();
        List<String> args = LargeReadChild.arguments(kind, path.resolve(kind.label()), phase, num, keySize, threads,
            options.durationMs, seed, settings, compaction);
        if (kind == BenchEngine.Kind.STRATADB) {
          args.addAll(options.strataReadArguments());
        }
        LargeReadPhase.Outcome read = LargeReadPhase.run(args,
            kind == BenchEngine.Kind.STRATADB ? options.strataJvmOptions() : options.readerJvmOptions, options.readerHeap,
            options.memoryLimit, options.dropCaches, path, out);
        report.read(kind, read);
        out.printf("%-9s %s%n", kind.label(), report.line(read.result()));
        out.flush();
      }
      seed += threads;
    }
    for (BenchEngine.Kind kind : engines) {
      report.finalDiskBytes(kind, BenchDirectory.sizeOf(path.resolve(kind.label())));
    }
    report.print(out);
    for (Path written : report.write(resultsDir)) {
      out.println("wrote " + written);
    }
    out.flush();
    return report;
  }
}
