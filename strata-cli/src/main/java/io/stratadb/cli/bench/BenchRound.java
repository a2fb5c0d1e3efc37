package io.stratadb.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One round of {@code strata bench}: every workload once on every engine, as a single run does.
 * The key seeds start again at the first seed (workload i uses {@code firstSeed + i * threads} on
 * every engine, so every engine draws the same keys), and a fill workload starts from an empty
 * database (db_bench's {@code fresh_db}). Two orders ({@link Mode}):
 *
 * <ul>
 *   <li>{@link Mode#KEEP_OPEN}, the default: each engine in turn runs the whole list, opened
 *       before its first workload and closed after its last (with several engines), as an
 *       application's process keeps its database open from writing to reading; a fill workload
 *       closes and empties it and opens it again. The reads see what the writes left in memtables
 *       and L0, and a write workload's background work runs on into the workloads after it.
 *   <li>{@link Mode#REOPEN}: workload by workload, interleaved across the engines, each engine
 *       opened before every workload and (with several engines) closed after it, so no engine's
 *       background work overlaps another's run, and every read starts from a freshly opened
 *       database.
 * </ul>
 *
 * Each run's measurements go to the caller as a {@link BenchComparison.Row}, whose bytes written
 * and process costs cover the run and, where the engine is closed after it, the close. Not
 * thread-safe; used by the benchmark's main thread.
 */
final class BenchRound {

  /** The order of a round; see the class comment. */
  enum Mode {
    KEEP_OPEN, REOPEN
  }

  /** Opens an engine of a kind on a directory: {@link BenchEngine.Kind#open(Path, BenchSettings, long)}. */
  @FunctionalInterface
  interface Opener {
    /**
     * Opens (creating if missing) an engine of {@code kind} on {@code dir}.
     *
     * @throws IOException if the engine cannot open the directory
     */
    BenchEngine open(BenchEngine.Kind kind, Path dir) throws IOException;
  }

  private final Mode mode;
  private final List<BenchEngine.Kind> engines;
  private final Path path;
  private final Opener opener;
  private final long firstSeed;
  private final Map<BenchEngine.Kind, BenchEngine> open;
  private final PrintWriter out;

  /**
   * @param path the database directory; with several engines each has its subdirectory named
   *     by its label
   * @param opener opens the engines, e.g. with the run's settings
   * @param open the engines open between runs, shared with the caller, which closes what is left
   *     (a single engine stays open at the end of a round, for the final report)
   */
  BenchRound(Mode mode, List<BenchEngine.Kind> engines, Path path, Opener opener, long firstSeed,
      Map<BenchEngine.Kind, BenchEngine> open, PrintWriter out) {
    this.mode = mode;
    this.engines = List.copyOf(engines);
    this.path = path;
    this.opener = opener;
    this.firstSeed = firstSeed;
    this.open = open;
    this.out = out;
  }

  /**
   * Runs the round.
   *
   * @param round the round's number, from 1, for the rows
   * @param results receives every run's row, in the order they ran
   * @throws IOException if an engine cannot open or a directory cannot be prepared
   * @throws InterruptedException if interrupted while a workload runs
   */
  void run(int round, List<BenchWorkload> workloads, BenchConfig config, Consumer<BenchComparison.Row> results)
      throws IOException, InterruptedException {
    boolean comparing = engines.size() > 1;
    if (mode == Mode.REOPEN) {
      for (int i = 0; i < workloads.size(); i++) {
        for (BenchEngine.Kind kind : engines) {
          runOne(round, workloads.get(i), kind, config, seed(i, config), comparing, results);
        }
      }
      return;
    }
    for (BenchEngine.Kind kind : engines) {
      for (int i = 0; i < workloads.size(); i++) {
        // Closed after the last run before a fresh database or the end of its list, so the close's
        // bytes count with the run that left them.
        boolean closeAfter = comparing && !runsOnSameDb(kind, workloads.subList(i + 1, workloads.size()));
        runOne(round, workloads.get(i), kind, config, seed(i, config), closeAfter, results);
      }
    }
  }

  private long seed(int index, BenchConfig config) {
    return firstSeed + (long) index * config.threads();
  }

  /** Whether the first of {@code rest} that runs on {@code kind} keeps its database (is no fill). */
  private static boolean runsOnSameDb(BenchEngine.Kind kind, List<BenchWorkload> rest) {
    for (BenchWorkload w : rest) {
      if (skipReason(w, kind) == null) {
        return !w.freshDb();
      }
    }
    return false;
  }

  /** Why {@code w} does not run on {@code kind}, or null if it does. */
  private static String skipReason(BenchWorkload w, BenchEngine.Kind kind) {
    if (w == BenchWorkload.TXN && kind != BenchEngine.Kind.STRATADB) {
      return "StrataDB transactions only";
    }
    if (w == BenchWorkload.READREVERSE && !kind.supportsReverse()) {
      return "its iterators only move forward";
    }
    return null;
  }

  private void runOne(int round, BenchWorkload w, BenchEngine.Kind kind, BenchConfig config, long seed,
      boolean closeAfter, Consumer<BenchComparison.Row> results) throws IOException, InterruptedException {
    boolean comparing = engines.size() > 1;
    String skip = skipReason(w, kind);
    if (skip != null) {
      out.printf("%-9s %-12s : n/a (%s)%n", kind.label(), w.benchName(), skip);
      return;
    }
    Path engineDir = comparing ? path.resolve(kind.label()) : path;
    BenchEngine engine = open.get(kind);
    if (engine == null || w.freshDb() || mode == Mode.REOPEN) {
      if (engine != null) {
        open.remove(kind).close();
      }
      BenchCommand.reset(kind, engineDir, w.freshDb());
      engine = opener.open(kind, engineDir);
      open.put(kind, engine);
    }
    long writtenBefore = IoCounters.writtenBytes();
    ProcessCosts costsBefore = ProcessCosts.now();
    BenchResult result = BenchRunner.run(w, engine, config, seed);
    String shape = w.writes() ? engine.shape() : "";
    if (closeAfter) {
      open.remove(kind).close();
    }
    long writtenAfter = IoCounters.writtenBytes();
    ProcessCosts costs = ProcessCosts.now().since(costsBefore);
    boolean countable = writtenBefore >= 0 && writtenAfter >= 0 && kind.uncountedWrites() == null;
    results.accept(new BenchComparison.Row(round, kind, result, countable ? writtenAfter - writtenBefore : -1, costs));
    String indent = String.format("%-" + (comparing ? 22 : 12) + "s : ", "");
    out.println(comparing ? String.format("%-9s %s", kind.label(), result.line()) : result.line());
    out.println(indent + result.latencyLine());
    if (comparing) {
      out.println(indent + costs.line());
    }
    if (!shape.isEmpty()) {
      out.println(indent + shape);
    }
    out.flush();
  }
}
