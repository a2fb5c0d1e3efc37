package io.stratadb.cli.stress;

import io.stratadb.Db;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The bank-mode child's checker thread (Badger's bank test checker): every {@value #PERIOD_MS} ms
 * it reads all accounts at a snapshot, while transfers run, and logs the first broken invariant
 * ({@link StressBankCheck}) as {@code V} lines, then stops. Not thread-safe: one instance per
 * thread. {@link #run()} throws on a database or log failure, which the child treats as fatal.
 */
final class StressBankChecker implements Runnable {
  /** Pause between checks, in milliseconds. */
  static final long PERIOD_MS = 20;

  private final Db db;
  private final StressLog log;
  private final StressSettings settings;

  /**
   * Creates the checker.
   *
   * @param db the database
   * @param log the expected-state log, for violations
   * @param settings the run's settings
   */
  StressBankChecker(Db db, StressLog log, StressSettings settings) {
    this.db = db;
    this.log = log;
    this.settings = settings;
  }

  /** Checks until the process dies or a check fails. */
  @Override
  public void run() {
    try {
      while (true) {
        Thread.sleep(PERIOD_MS);
        StressBankCheck.Result result;
        try (Snapshot snapshot = db.getSnapshot()) {
          result = StressBankCheck.check(0, db, ReadOptions.snapshot(snapshot), settings);
        }
        if (!result.violations().isEmpty()) {
          for (StressViolation v : result.violations()) {
            log.violation(v.key(), v.expected().replace(' ', '_'), v.found().replace(' ', '_'),
                v.problem() + " (at a snapshot, while transfers ran)");
          }
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
