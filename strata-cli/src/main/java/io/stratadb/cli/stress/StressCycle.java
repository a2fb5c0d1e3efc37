package io.stratadb.cli.stress;

import io.stratadb.Db;
import io.stratadb.DbStats;
import io.stratadb.ReadOptions;
import io.stratadb.StrataException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One cycle of the crash test (one iteration of db_crashtest.py's loop): saves the expected state,
 * runs a {@link StressChild} on the database until it is killed, then reopens the database in
 * this process (which runs recovery) and verifies it against the child's log ({@link
 * StressVerifier}; in bank mode also {@link StressBankCheck}). The files of a cycle ({@code
 * state-N.txt}, {@code ops-N.log}, {@code child-N.err} in the work directory) are deleted when it
 * passes and kept when it fails. Stateless; thread-safe as long as no two cycles share a database.
 */
final class StressCycle {
  private StressCycle() {}

  /** Extra life a child gets beyond its kill delay before it stops by itself, in milliseconds. */
  private static final long GRACE_MS = 60_000;

  /**
   * The outcome of a cycle.
   *
   * @param cycle its number, 1-based
   * @param child what happened to the child process
   * @param verification the per-key verification; null if the log was corrupt or the database could
   *     not be reopened
   * @param bank the bank invariant check in bank mode, else null
   * @param tables the database's SSTables per level after recovery ({@code L0:1 L1:4}), or empty
   * @param violations everything wrong (child's own findings, a child that was not killed, a failed
   *     reopen, the verifications'): empty when the cycle passed
   */
  record Result(int cycle, StressChildProcess.Outcome child, StressVerifier.Result verification,
      StressBankCheck.Result bank, String tables, List<StressViolation> violations) {

    /** The state the next cycle expects: the verified one. */
    StressExpectedState nextState() {
      return verification.state();
    }
  }

  /**
   * Runs cycle {@code cycle}.
   *
   * @param settings the run's settings
   * @param db the database directory
   * @param work the directory for the cycle's state, log and stderr files
   * @param cycle the cycle number, 1-based
   * @param seed the child's seed for this cycle
   * @param killAfterMs how long the child runs once ready before SIGKILL, in milliseconds
   * @param before the expected state before the cycle
   * @throws IOException if the files cannot be written or read, or the child cannot be started
   * @throws InterruptedException if interrupted while the child runs (it is killed)
   */
  static Result run(StressSettings settings, Path db, Path work, int cycle, long seed, long killAfterMs,
      StressExpectedState before) throws IOException, InterruptedException {
    String n = String.format("%06d", cycle);
    Path state = work.resolve("state-" + n + ".txt");
    Path log = work.resolve("ops-" + n + ".log");
    Path stderr = work.resolve("child-" + n + ".err");
    before.save(state, "expected state before cycle " + cycle + " (mode " + settings.mode().label() + ")");
    Files.deleteIfExists(log);
    List<String> args = List.of("--db", db.toString(), "--log", log.toString(), "--state", state.toString(),
        "--mode", settings.mode().label(), "--cycle", Integer.toString(cycle), "--seed", Long.toString(seed),
        "--threads", Integer.toString(settings.threads()), "--keys", Integer.toString(settings.keys()),
        "--value-size", Integer.toString(settings.valueSize()),
        "--sync-percent", Integer.toString(settings.syncPercent()),
        "--max-life-ms", Long.toString(StressChildProcess.READY_TIMEOUT_MS + killAfterMs + GRACE_MS));
    StressChildProcess.Outcome child = StressChildProcess.run(args, stderr, killAfterMs);

    List<StressViolation> violations = new ArrayList<>();
    if (!child.killed()) {
      violations.add(new StressViolation(cycle, "child", "killed by SIGKILL while running",
          "exit code " + child.exitCode(), "the child ended by itself; its stderr ends with:\n" + child.stderrTail()));
    }
    StressLogReader.Contents contents;
    try {
      contents = StressLogReader.read(log, cycle);
    } catch (IllegalStateException e) {
      violations.add(new StressViolation(cycle, "log", "well-formed", e.getMessage(), "the child's log is corrupt"));
      return new Result(cycle, child, null, null, "", violations);
    }
    violations.addAll(contents.violations());
    StressVerifier.Result verification = null;
    StressBankCheck.Result bank = null;
    String tables = "";
    try (Db reopened = Db.open(db, StressSettings.engineOptions())) {
      String prefix = settings.mode() == StressMode.OPS ? StressValues.KEY_PREFIX : StressValues.COUNTER_PREFIX;
      verification = StressVerifier.verify(cycle, before, contents.events(), reopened, prefix, keySpace(settings),
          settings.valueSize());
      violations.addAll(verification.violations());
      if (settings.mode() == StressMode.BANK) {
        bank = StressBankCheck.check(cycle, reopened, ReadOptions.defaults(), settings);
        violations.addAll(bank.violations());
      }
      tables = tables(reopened);
    } catch (StrataException e) {
      violations.add(new StressViolation(cycle, "database", "reopens and reads after the kill", e.toString(),
          "recovery or a read failed"));
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      violations.add(new StressViolation(cycle, "database", "reopens and verifies after the kill", trace.toString(),
          "unexpected exception (a bug in recovery, a read or the verifier)"));
    }
    if (violations.isEmpty()) {
      Files.deleteIfExists(state);
      Files.deleteIfExists(log);
      Files.deleteIfExists(stderr);
    }
    return new Result(cycle, child, verification, bank, tables, violations);
  }

  /** SSTables per non-empty level: {@code L0:1 L1:4}. */
  private static String tables(Db db) {
    StringBuilder s = new StringBuilder();
    for (DbStats.LevelStats level : db.stats().levels()) {
      if (level.files() > 0) {
        s.append(s.length() == 0 ? "" : " ").append('L').append(level.level()).append(':').append(level.files());
      }
    }
    return s.toString();
  }

  /** The keys checked one by one: every ops-mode key, or every bank-mode transfer counter. */
  static List<String> keySpace(StressSettings settings) {
    List<String> keys = new ArrayList<>();
    if (settings.mode() == StressMode.OPS) {
      for (int i = 0; i < settings.keys(); i++) {
        keys.add(StressValues.key(i));
      }
    } else {
      for (int t = 0; t < settings.threads(); t++) {
        keys.add(StressValues.counter(t));
      }
    }
    return keys;
  }
}
