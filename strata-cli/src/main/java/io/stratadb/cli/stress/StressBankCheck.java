package io.stratadb.cli.stress;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.ReadOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bank test's invariant (Badger's bank test): reading all accounts at one point in time finds
 * exactly {@code keys} accounts, each well-formed, summing to {@code keys * }{@link
 * StressSettings#INITIAL_BALANCE}, after any number of transfers and kills. Used by the child's
 * checker thread at snapshots and by the parent after each recovery. Stateless; thread-safe.
 */
final class StressBankCheck {
  private StressBankCheck() {}

  /**
   * The outcome of one check.
   *
   * @param accounts accounts found
   * @param total their sum (malformed ones count 0)
   * @param violations what was wrong: empty when the invariant held
   */
  record Result(int accounts, long total, List<StressViolation> violations) {}

  /**
   * Reads every account at {@code at} and checks the invariant.
   *
   * @param cycle the cycle, for the violations
   * @param db the database
   * @param at where to read (a snapshot, or the newest data)
   * @param settings the run's settings
   */
  static Result check(int cycle, Db db, ReadOptions at, StressSettings settings) {
    List<StressViolation> violations = new ArrayList<>();
    byte[] lower = StressValues.ACCOUNT_PREFIX.getBytes(StandardCharsets.US_ASCII);
    byte[] upper = lower.clone();
    upper[upper.length - 1]++;
    int accounts = 0;
    long total = 0;
    try (DbIterator it = db.scan(Bound.inclusive(lower), Bound.exclusive(upper), at)) {
      for (; it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.ISO_8859_1);
        String tag = StressValues.tagOf(key, it.value(), settings.valueSize());
        int index = key.length() == StressValues.account(0).length() ? parseIndex(key) : -1;
        if (index < 0 || index >= settings.keys() || !StressValues.account(index).equals(key)) {
          violations.add(new StressViolation(cycle, key, "no such account", "present", "unknown account"));
        } else if (tag == null || !tag.matches("\\d+")) {
          violations.add(new StressViolation(cycle, key, "a balance", StressValues.describe(key, it.value(),
              settings.valueSize()), "malformed account value"));
        } else {
          total += Long.parseLong(tag);
        }
        accounts++;
      }
    }
    if (accounts != settings.keys()) {
      violations.add(new StressViolation(cycle, "accounts", Integer.toString(settings.keys()),
          Integer.toString(accounts), "accounts appeared or vanished"));
    }
    if (total != settings.bankTotal()) {
      violations.add(new StressViolation(cycle, "total", Long.toString(settings.bankTotal()), Long.toString(total),
          "the total of all accounts changed"));
    }
    return new Result(accounts, total, violations);
  }

  /** The index of an account key, or -1. */
  private static int parseIndex(String key) {
    try {
      return Integer.parseInt(key.substring(StressValues.ACCOUNT_PREFIX.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
