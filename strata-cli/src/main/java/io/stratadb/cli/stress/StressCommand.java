package io.stratadb.cli.stress;

import io.stratadb.cli.CliCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code strata stress}: the crash test of issue 5, after RocksDB's db_stress driven by
 * db_crashtest.py, with Badger's bank test as {@code --mode bank}. Runs {@code --cycles} cycles;
 * in each, a child JVM works on the database with {@code --threads} threads and is killed with
 * SIGKILL after a random delay, then this process reopens the database and verifies it against
 * the child's log of acknowledged writes ({@link StressRun}, {@link StressCycle}).
 *
 * <p>Prints the seed first (random unless {@code --seed}), one line per cycle, and a summary;
 * exit code 0 when no violation was found, 1 otherwise, with the first violations. Without {@code
 * --db} the database and the expected-state files live in a new directory under {@code
 * ./strata-data-stress}, removed at the end unless {@code --keep} is given or a violation was
 * found; with {@code --db DIR} (new or empty) the database stays, and the files go to {@code
 * DIR-expected}, removed when the run passes.
 *
 * <p>Not thread-safe: one instance runs one command.
 */
@Command(name = "stress", description = "Crash test: kill a child process working on the database with SIGKILL, "
    + "again and again, and verify after each recovery that no acknowledged write was lost.")
public final class StressCommand extends CliCommand {

  /** The parent of the temporary run directories. */
  static final Path DEFAULT_BASE = Path.of("./strata-data-stress");

  /** Violations printed in full at the end. */
  private static final int SHOWN_VIOLATIONS = 10;

  @Option(names = "--db", paramLabel = "DIR", description = "Database directory, new or empty; kept at the end "
      + "(default: a new directory under ./strata-data-stress, removed at the end unless --keep).")
  Path dir;

  @Option(names = "--keep", description = "Keep the temporary directory at the end.")
  boolean keep;

  @Option(names = "--mode", paramLabel = "ops|bank", defaultValue = "ops", converter = StressMode.Converter.class,
      description = "ops: random operations checked key by key; bank: transfers between accounts as "
          + "transactions, the total checked (default: ${DEFAULT-VALUE}).")
  StressMode mode;

  @Option(names = "--cycles", defaultValue = "10", description = "Kill-and-verify cycles (default: ${DEFAULT-VALUE}).")
  int cycles;

  @Option(names = "--threads", defaultValue = "4", description = "Worker threads in the child "
      + "(default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--keys", defaultValue = "10000", description = "Key space; accounts in bank mode "
      + "(default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--value-size", paramLabel = "BYTES", defaultValue = "100",
      description = "Value size (default: ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--sync-percent", paramLabel = "PERCENT", defaultValue = "5",
      description = "Share of writes made with sync=true (default: ${DEFAULT-VALUE}).")
  int syncPercent;

  @Option(names = "--kill-min-ms", paramLabel = "MS", defaultValue = "200",
      description = "Shortest time a child runs before SIGKILL, in ms (default: ${DEFAULT-VALUE}).")
  long killMinMs;

  @Option(names = "--kill-max-ms", paramLabel = "MS", defaultValue = "1500",
      description = "Longest time a child runs before SIGKILL, in ms (default: ${DEFAULT-VALUE}).")
  long killMaxMs;

  @Option(names = "--seed", description = "Seed of the run: the children's seeds and the kill delays "
      + "(default: random, always printed).")
  Long seed;

  /**
   * Runs the crash test.
   *
   * @return 0 when every cycle passed, 1 when a violation was found
   * @throws IOException if the directories or files cannot be made, or a child cannot start
   * @throws InterruptedException if interrupted
   */
  @Override
  protected int run() throws IOException, InterruptedException {
    StressSettings settings = settings();
    long runSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    boolean temporary = dir == null;
    Path runDir = temporary ? createTemp() : null;
    Path db = temporary ? runDir.resolve("db") : dir;
    Path work = temporary ? runDir.resolve("expected") : expectedDirOf(db);
    requireEmpty(db);
    requireEmpty(work);
    Files.createDirectories(db);
    Files.createDirectories(work);
    PrintWriter out = out();
    out.printf("strata stress: mode %s, %d cycles, %d threads, %d %s, values %d bytes, %d%% synced writes, "
        + "kill after %d..%d ms%n", mode.label(), cycles, threads, keys, mode == StressMode.OPS ? "keys" : "accounts",
        valueSize, syncPercent, killMinMs, killMaxMs);
    out.printf("seed: %d (replay with --seed %d)%n", runSeed, runSeed);
    out.printf("database: %s%s%n", db, temporary ? " (temporary, removed at the end unless --keep or a violation)"
        : "");
    out.flush();
    long start = System.nanoTime();
    StressRun.Summary summary = new StressRun(settings, db, work, out).run(cycles, runSeed, killMinMs, killMaxMs);
    double seconds = (System.nanoTime() - start) / 1e9;
    printSummary(out, summary, runSeed, seconds);
    boolean passed = summary.violations().isEmpty();
    if (passed && temporary && !keep) {
      deleteTree(runDir);
      deleteIfEmpty(DEFAULT_BASE);
    } else if (passed && !temporary) {
      deleteIfEmpty(work);
    } else {
      out.println("kept " + (temporary ? runDir : db + " and " + work) + (passed ? "" : " for inspection"));
    }
    out.flush();
    return passed ? 0 : EXIT_FAILURE;
  }

  /** The settings, after checking the options that are not checked by {@link StressSettings}. */
  private StressSettings settings() {
    if (cycles < 1) {
      throw usageError("--cycles must be at least 1, got " + cycles);
    }
    if (killMinMs < 0 || killMaxMs < killMinMs || killMaxMs > 3_600_000) {
      throw usageError("need 0 <= --kill-min-ms <= --kill-max-ms <= 3600000, got " + killMinMs + " and "
          + killMaxMs);
    }
    try {
      return new StressSettings(mode, threads, keys, valueSize, syncPercent);
    } catch (IllegalArgumentException e) {
      throw usageError(e.getMessage());
    }
  }

  /** The totals and, if any, the first violations. */
  private void printSummary(PrintWriter out, StressRun.Summary s, long runSeed, double seconds) {
    boolean bank = mode == StressMode.BANK;
    out.println("------------------------------------------------");
    out.printf("cycles survived: %d of %d run%n", s.cyclesPassed(), s.cyclesRun());
    out.printf("acknowledged:    %d %s (%d synced), %d in flight at the kills%s%n", s.acknowledged(),
        bank ? "transfers" : "writes", s.synced(), s.inFlight(), bank ? ", " + s.aborted() + " conflicts retried" : "");
    out.printf("keys verified:   %d%n", s.keysVerified());
    out.printf("violations:      %d%n", s.violations().size());
    out.printf("seed:            %d%n", runSeed);
    out.printf("wall time:       %.1f s%n", seconds);
    List<StressViolation> v = s.violations();
    if (!v.isEmpty()) {
      out.println("first violations:");
      for (StressViolation violation : v.subList(0, Math.min(SHOWN_VIOLATIONS, v.size()))) {
        out.println("  " + violation.describe());
      }
    }
  }

  /** {@code DIR-expected}, next to the database directory {@code DIR}. */
  static Path expectedDirOf(Path db) {
    Path absolute = db.toAbsolutePath().normalize();
    Path name = absolute.getFileName();
    return absolute.resolveSibling((name == null ? "db" : name.toString()) + "-expected");
  }

  /** A new directory {@code stress-NNNN} under {@link #DEFAULT_BASE}. */
  private static Path createTemp() throws IOException {
    Files.createDirectories(DEFAULT_BASE);
    return Files.createTempDirectory(DEFAULT_BASE, "stress-");
  }

  /**
   * Refuses a directory that holds anything: the crash test must know every write in it.
   *
   * @throws IllegalArgumentException if {@code dir} exists and is not an empty directory
   */
  private static void requireEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(dir + " exists and is not a directory");
    }
    try (Stream<Path> list = Files.list(dir)) {
      if (list.findAny().isPresent()) {
        throw new IllegalArgumentException(dir + " is not empty: the crash test needs a new database, "
            + "as it must know every write in it");
      }
    }
  }

  /** Deletes {@code root}, a directory this command created, with everything under it. */
  private static void deleteTree(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }

  /** Deletes {@code dir} if it is an empty directory. */
  private static void deleteIfEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> list = Files.list(dir)) {
      if (list.findAny().isPresent()) {
        return;
      }
    }
    Files.deleteIfExists(dir);
  }
}
