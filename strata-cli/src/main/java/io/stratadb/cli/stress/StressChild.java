package io.stratadb.cli.stress;

import io.stratadb.Db;
import io.stratadb.cli.CliLogging;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The child process of {@code strata stress} (RocksDB's db_stress under db_crashtest.py): opens
 * the database, starts the worker threads, prints {@code ready} on stdout and runs until the
 * parent kills it with SIGKILL. It never ends on its own but in error:
 *
 * <ul>
 *   <li>exit code {@value #EXIT_WORKER_FAILED} when a worker thread throws (the stack trace is on
 *       stderr): a database call failed;
 *   <li>{@value #EXIT_NOT_KILLED} when it was not killed within {@code --max-life-ms};
 *   <li>{@value #EXIT_ORPHANED} when its stdin reaches end of file: the parent died, so it stops
 *       rather than run forever;
 *   <li>1 when the database cannot be opened, 2 for bad arguments (picocli's codes).
 * </ul>
 *
 * <p>Not part of the {@code strata} command set: the parent starts it as {@code java -cp
 * <classpath> io.stratadb.cli.stress.StressChild <options>}. Not thread-safe: one instance per process.
 */
@Command(name = "stress-child", description = "The child process of strata stress (not for direct use).")
final class StressChild implements Callable<Integer> {

  /** A worker thread failed. */
  static final int EXIT_WORKER_FAILED = 3;
  /** The child outlived {@code --max-life-ms}. */
  static final int EXIT_NOT_KILLED = 4;
  /** The parent went away (stdin closed). */
  static final int EXIT_ORPHANED = 5;

  /** What the child prints on stdout once its workers run. */
  static final String READY = "ready";

  @Option(names = "--db", required = true, description = "Database directory.")
  Path db;

  @Option(names = "--log", required = true, description = "Expected-state log to append to.")
  Path log;

  @Option(names = "--state", required = true, description = "Expected state before this cycle.")
  Path state;

  @Option(names = "--mode", required = true, converter = StressMode.Converter.class, description = "ops or bank.")
  StressMode mode;

  @Option(names = "--cycle", required = true, description = "Cycle number, 1-based (goes into value tags).")
  int cycle;

  @Option(names = "--seed", required = true, description = "Seed of this cycle.")
  long seed;

  @Option(names = "--threads", required = true, description = "Worker threads.")
  int threads;

  @Option(names = "--keys", required = true, description = "Key space or accounts.")
  int keys;

  @Option(names = "--value-size", required = true, description = "Value size in bytes.")
  int valueSize;

  @Option(names = "--sync-percent", required = true, description = "Share of synced writes.")
  int syncPercent;

  @Option(names = "--max-life-ms", required = true, description = "Exit with code 4 after this long.")
  long maxLifeMs;

  /** Creates the command; picocli fills in its options. */
  StressChild() {}

  /** Runs the child; exits the JVM with its exit code (it normally dies by SIGKILL first). */
  public static void main(String[] args) {
    CliLogging.installLogManager();
    CliLogging.configure(Level.WARNING, true);
    System.exit(new CommandLine(new StressChild()).execute(args));
  }

  /**
   * Opens the database and runs the workers until killed.
   *
   * @return never normally; see the class comment for the exit codes
   * @throws Exception if the database or the log cannot be opened
   */
  @Override
  public Integer call() throws Exception {
    StressSettings settings = new StressSettings(mode, threads, keys, valueSize, syncPercent);
    startDaemon("stress-orphan-watch", StressChild::haltWhenStdinCloses);
    startDaemon("stress-lifetime", () -> haltAfter(maxLifeMs));
    Db database = Db.open(db, StressSettings.engineOptions());
    StressLog out = StressLog.open(log);
    AtomicLong opIds = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    if (mode == StressMode.OPS) {
      StressExpectedState expected = StressExpectedState.load(state);
      StressKeyLocks locks = new StressKeyLocks(keys);
      for (int t = 0; t < threads; t++) {
        workers.add(worker("stress-ops-" + t, new StressOpsWorker(database, out, expected, locks, settings, cycle,
            opIds, threadSeed(t))));
      }
    } else {
      for (int t = 0; t < threads; t++) {
        workers.add(worker("stress-bank-" + t, new StressBankWorker(database, out, settings, t, opIds,
            threadSeed(t))));
      }
      workers.add(worker("stress-bank-checker", new StressBankChecker(database, out, settings)));
    }
    workers.forEach(Thread::start);
    System.out.println(READY);
    System.out.flush();
    for (Thread w : workers) {
      w.join();
    }
    return 0;
  }

  /** The seed of worker {@code t}: distinct per thread and per cycle. */
  private long threadSeed(int t) {
    return seed * 31 + t * 0x9E3779B97F4A7C15L;
  }

  /** A worker thread running {@code body} that halts the process with the stack trace if it throws. */
  private static Thread worker(String name, Runnable body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        die(name + " failed", e);
      }
    }, name);
    return t;
  }

  /** Starts a daemon thread. */
  private static void startDaemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Prints {@code message} and the stack trace of {@code e} on stderr and halts with {@value
   * #EXIT_WORKER_FAILED} (no shutdown hooks: the database must not be closed cleanly either).
   */
  static void die(String message, Throwable e) {
    PrintStream err = System.err;
    err.println("stress child: " + message + ": " + e);
    e.printStackTrace(err);
    err.flush();
    Runtime.getRuntime().halt(EXIT_WORKER_FAILED);
  }

  /** Blocks reading stdin; halts with {@value #EXIT_ORPHANED} at end of file. */
  private static void haltWhenStdinCloses() {
    InputStream in = System.in;
    try {
      while (in.read() >= 0) {
        // The parent writes nothing: only end of file (its death) matters.
      }
    } catch (IOException e) {
      // Treated as end of file.
    }
    System.err.println("stress child: stdin closed, the parent is gone; stopping");
    Runtime.getRuntime().halt(EXIT_ORPHANED);
  }

  /** Sleeps {@code millis} ms, then halts with {@value #EXIT_NOT_KILLED}. */
  private static void haltAfter(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      return;
    }
    System.err.println("stress child: not killed within " + millis + " ms; stopping");
    Runtime.getRuntime().halt(EXIT_NOT_KILLED);
  }
}
