package io.stratadb.cli.stress;

import io.stratadb.Db;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The crash test's loop (db_crashtest.py's {@code blackbox_crash_main}): runs {@link StressCycle}s
 * on one database, each starting from the state the previous one verified, printing one line per
 * cycle, until all are done or one finds a violation. The seed fixes every child's seed and every
 * kill delay (thread scheduling and the instant the kill lands still vary from run to run). Not
 * thread-safe: one run at a time per instance.
 */
final class StressRun {
  private final StressSettings settings;
  private final Path db;
  private final Path work;
  private final PrintWriter out;

  /**
   * The totals of a run.
   *
   * @param cyclesRun cycles started
   * @param cyclesPassed cycles whose verification found nothing wrong
   * @param acknowledged writes (transfers, in bank mode) acknowledged in all cycles
   * @param synced of those, writes with {@code sync=true}
   * @param inFlight writes in flight at the kills
   * @param aborted transactions that conflicted and were retried (bank mode)
   * @param keysVerified keys read and checked after the kills, summed over the cycles
   * @param violations every violation found (the run stops after the first failing cycle)
   */
  record Summary(int cyclesRun, int cyclesPassed, long acknowledged, long synced, long inFlight, long aborted,
      long keysVerified, List<StressViolation> violations) {}

  /**
   * Creates a run.
   *
   * @param settings the run's settings
   * @param db the database directory (new or empty)
   * @param work the directory for the cycles' state, log and stderr files (exists)
   * @param out where the per-cycle lines go
   */
  StressRun(StressSettings settings, Path db, Path work, PrintWriter out) {
    this.settings = settings;
    this.db = db;
    this.work = work;
    this.out = out;
  }

  /**
   * Runs up to {@code cycles} cycles.
   *
   * @param cycles how many, at least 1
   * @param seed the run's seed
   * @param killMinMs shortest time a child runs before SIGKILL, in milliseconds
   * @param killMaxMs longest, in milliseconds ({@code >= killMinMs})
   * @return the totals
   * @throws IOException if a file cannot be written or read, or a child cannot be started
   * @throws InterruptedException if interrupted (the running child is killed)
   */
  Summary run(int cycles, long seed, long killMinMs, long killMaxMs) throws IOException, InterruptedException {
    Random random = new Random(seed);
    if (settings.mode() == StressMode.BANK) {
      openAccounts();
    }
    StressExpectedState state = new StressExpectedState();
    int passed = 0;
    long acknowledged = 0;
    long synced = 0;
    long inFlight = 0;
    long aborted = 0;
    long keysVerified = 0;
    List<StressViolation> violations = new ArrayList<>();
    int cycle = 0;
    while (cycle < cycles) {
      cycle++;
      long childSeed = random.nextLong();
      long killAfterMs = killMinMs + (long) (random.nextDouble() * (killMaxMs - killMinMs + 1));
      StressCycle.Result r = StressCycle.run(settings, db, work, cycle, childSeed, killAfterMs, state);
      out.println(line(r, cycles));
      out.flush();
      violations.addAll(r.violations());
      if (r.verification() != null) {
        acknowledged += r.verification().acknowledged();
        synced += r.verification().synced();
        inFlight += r.verification().inFlight();
        aborted += r.verification().aborted();
        keysVerified += r.verification().keysVerified() + (r.bank() == null ? 0 : r.bank().accounts());
      }
      if (!r.violations().isEmpty()) {
        break;
      }
      passed++;
      state = r.nextState();
    }
    return new Summary(cycle, passed, acknowledged, synced, inFlight, aborted, keysVerified, violations);
  }

  /** Creates every account with {@link StressSettings#INITIAL_BALANCE}, in one synced batch. */
  private void openAccounts() {
    try (Db d = Db.open(db, StressSettings.engineOptions())) {
      WriteBatch batch = new WriteBatch();
      String balance = Long.toString(StressSettings.INITIAL_BALANCE);
      for (int i = 0; i < settings.keys(); i++) {
        String key = StressValues.account(i);
        batch.put(key.getBytes(StandardCharsets.US_ASCII), StressValues.value(key, balance, settings.valueSize()));
      }
      d.write(batch, WriteOptions.syncWrites());
    }
  }

  /** The cycle's line: how the child ended, what was acknowledged, what was verified. */
  private String line(StressCycle.Result r, int cycles) {
    StringBuilder s = new StringBuilder("cycle ").append(r.cycle()).append('/').append(cycles).append(": ");
    if (r.child().killed()) {
      s.append("killed after ").append(r.child().ranMs()).append(" ms");
    } else {
      s.append("child exited by itself with code ").append(r.child().exitCode());
    }
    StressVerifier.Result v = r.verification();
    if (v != null) {
      boolean bank = r.bank() != null;
      s.append("; ").append(v.acknowledged()).append(bank ? " transfers" : " writes").append(" acknowledged (")
          .append(v.synced()).append(" synced)");
      if (bank) {
        s.append(", ").append(v.aborted()).append(" conflicts retried");
      }
      s.append(", ").append(v.inFlight()).append(" in flight; ");
      if (bank) {
        s.append(r.bank().accounts()).append(" accounts total ").append(r.bank().total()).append(", ")
            .append(v.keysVerified()).append(" counters verified");
      } else {
        s.append(v.keysVerified()).append(" keys verified, ").append(v.keysPresent()).append(" present");
      }
      if (!r.tables().isEmpty()) {
        s.append("; tables ").append(r.tables());
      }
    } else {
      s.append("; not verified");
    }
    return s.append("; ").append(r.violations().size()).append(" violations").toString();
  }
}
