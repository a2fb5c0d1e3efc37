package io.stratadb.cli.stress;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The crash test's check after a kill (RocksDB db_crashtest.py's verification step): replays one
 * cycle's {@link StressLog} over the expected state from before the cycle, then reads every key of
 * the checked range from the reopened database and requires, per key:
 *
 * <ul>
 *   <li>the value of the last acknowledged write of the key (a process kill loses nothing the JVM
 *       handed to the OS, synced or not), or
 *   <li>the value of the write of that key that was in flight (logged as begun, never
 *       acknowledged) when the child died: it may or may not have reached the WAL.
 * </ul>
 *
 * <p>Anything else is a violation: a lost acknowledged write, a stale or foreign value, a deleted
 * key come back, a key that was never written, {@code get} and a scan disagreeing, or an in-flight
 * write batch applied to some of its keys but not others. The child holds a key's lock from a
 * write's {@code B} line to its {@code A} line, so at most one write per key is in flight and the
 * log orders the writes of each key.
 *
 * <p>Stateless; thread-safe as far as the database is (run it with no other writer).
 */
final class StressVerifier {
  private StressVerifier() {}

  /**
   * The outcome of one verification.
   *
   * @param state the verified state: the expected state of the next cycle
   * @param violations what was wrong, in key order (empty when recovery was correct)
   * @param keysVerified keys read and checked
   * @param keysPresent of those, keys present in the database
   * @param acknowledged writes acknowledged during the cycle
   * @param synced of those, writes that asked for an fsync
   * @param inFlight writes begun but neither acknowledged nor aborted when the child died
   * @param aborted writes that failed without applying anything (transaction conflicts)
   */
  record Result(StressExpectedState state, List<StressViolation> violations, int keysVerified, int keysPresent,
      long acknowledged, long synced, int inFlight, long aborted) {}

  /** What the log says about one key. */
  private static final class KeyHistory {
    /** The tag of its last acknowledged write, or the expected state's; null for absent. */
    String acked;
    /** The write that set {@link #acked}, or null if it comes from the expected state. */
    StressOp ackedBy;
    /** The write of the key in flight at the kill, or null. */
    StressOp inFlight;
  }

  /**
   * Verifies the keys starting with {@code prefix} in {@code db}.
   *
   * @param cycle the cycle (1-based), for the violations
   * @param before the expected state before the cycle; not modified
   * @param events the cycle's log ({@link StressLogReader}), in order
   * @param db the reopened database
   * @param prefix the checked keys' prefix ({@link StressValues#KEY_PREFIX} or {@link
   *     StressValues#COUNTER_PREFIX}); every key of the database with it is checked
   * @param keySpace keys checked by {@code get} even if neither written nor found by the scan (the
   *     whole key space), so that a key is also checked on the point-lookup path
   * @param valueSize the run's value size, to rebuild expected values
   * @throws IllegalStateException if the log is inconsistent in itself (an ack of an op never begun)
   */
  static Result verify(int cycle, StressExpectedState before, List<StressLogReader.Event> events, Db db,
      String prefix, java.util.Collection<String> keySpace, int valueSize) {
    List<StressViolation> violations = new ArrayList<>();
    Map<String, KeyHistory> keys = new HashMap<>();
    for (Map.Entry<String, String> e : before.asMap().entrySet()) {
      keys.computeIfAbsent(e.getKey(), k -> new KeyHistory()).acked = e.getValue();
    }
    Map<Long, StressOp> open = new LinkedHashMap<>();
    long acknowledged = 0;
    long synced = 0;
    long aborted = 0;
    for (StressLogReader.Event event : events) {
      switch (event.type()) {
        case BEGIN -> {
          StressOp op = event.op();
          if (open.put(op.id(), op) != null) {
            throw new IllegalStateException("op " + op.id() + " begun twice");
          }
          for (String key : op.writes().keySet()) {
            KeyHistory h = keys.computeIfAbsent(key, k -> new KeyHistory());
            if (h.inFlight != null) {
              violations.add(new StressViolation(cycle, key, "one write in flight", "two: " + h.inFlight.describe()
                  + " and " + op.describe(), "the child broke its key locking; the log cannot order them"));
            }
            h.inFlight = op;
          }
        }
        case ACK, ABORT -> {
          StressOp op = open.remove(event.id());
          if (op == null) {
            throw new IllegalStateException("op " + event.id() + " ended but never begun");
          }
          boolean ack = event.type() == StressLogReader.Type.ACK;
          for (Map.Entry<String, String> w : op.writes().entrySet()) {
            KeyHistory h = keys.get(w.getKey());
            if (h.inFlight == op) {
              h.inFlight = null;
            }
            if (ack) {
              h.acked = w.getValue();
              h.ackedBy = op;
            }
          }
          if (ack) {
            acknowledged++;
            synced += op.sync() ? 1 : 0;
          } else {
            aborted++;
          }
        }
        default -> throw new IllegalStateException("unexpected event " + event.type());
      }
    }

    TreeMap<String, byte[]> scanned = scan(db, prefix);
    TreeSet<String> all = new TreeSet<>(scanned.keySet());
    all.addAll(keys.keySet());
    all.addAll(keySpace);
    StressExpectedState after = new StressExpectedState();
    int present = 0;
    for (String key : all) {
      byte[] found = scanned.get(key);
      present += found == null ? 0 : 1;
      byte[] got = db.get(key.getBytes(StandardCharsets.US_ASCII));
      if (!Arrays.equals(found, got)) {
        violations.add(new StressViolation(cycle, key, "scan: " + StressValues.describe(key, found, valueSize),
            "get: " + StressValues.describe(key, got, valueSize), "get and scan disagree"));
      }
      KeyHistory h = keys.getOrDefault(key, new KeyHistory());
      if (Arrays.equals(found, StressValues.valueOrNull(key, h.acked, valueSize))) {
        after.set(key, h.acked);
      } else if (h.inFlight != null
          && Arrays.equals(found, StressValues.valueOrNull(key, h.inFlight.writes().get(key), valueSize))) {
        after.set(key, h.inFlight.writes().get(key));
      } else {
        violations.add(new StressViolation(cycle, key, describeExpected(key, h),
            StressValues.describe(key, found, valueSize), problem(h, found)));
        after.set(key, h.acked);
      }
    }
    checkAtomicity(cycle, open.values(), keys, after, violations);
    return new Result(after, violations, all.size(), present, acknowledged, synced, open.size(), aborted);
  }

  /**
   * Adds a violation for every in-flight write of several keys that recovery applied to some of
   * them but not to others: a batch or transaction is all or nothing, also across a crash. Keys
   * where the write would not change the value say nothing and are skipped.
   */
  private static void checkAtomicity(int cycle, Iterable<StressOp> inFlight, Map<String, KeyHistory> keys,
      StressExpectedState after, List<StressViolation> violations) {
    for (StressOp op : inFlight) {
      List<String> applied = new ArrayList<>();
      List<String> notApplied = new ArrayList<>();
      for (Map.Entry<String, String> w : op.writes().entrySet()) {
        String previous = keys.get(w.getKey()).acked;
        String now = after.get(w.getKey());
        if (Objects.equals(w.getValue(), previous)) {
          continue;
        }
        if (Objects.equals(now, w.getValue())) {
          applied.add(w.getKey());
        } else if (Objects.equals(now, previous)) {
          notApplied.add(w.getKey());
        }
      }
      if (!applied.isEmpty() && !notApplied.isEmpty()) {
        violations.add(new StressViolation(cycle, op.describe(), "all or none of its " + op.writes().size()
            + " writes", "applied to " + applied + ", not to " + notApplied, "in-flight " + op.kind()
            + " recovered partially"));
      }
    }
  }

  /** Every key with {@code prefix} and its value, read by one forward scan. */
  private static TreeMap<String, byte[]> scan(Db db, String prefix) {
    TreeMap<String, byte[]> found = new TreeMap<>();
    byte[] lower = prefix.getBytes(StandardCharsets.US_ASCII);
    byte[] upper = lower.clone();
    upper[upper.length - 1]++;
    try (DbIterator it = db.scan(Bound.inclusive(lower), Bound.exclusive(upper))) {
      for (; it.isValid(); it.next()) {
        found.put(new String(it.key(), StandardCharsets.ISO_8859_1), it.value());
      }
    }
    return found;
  }

  /** {@code c3o17 (put op 17 (sync) acknowledged) or c3o20 (batch op 20 in flight)}. */
  private static String describeExpected(String key, KeyHistory h) {
    String what = h.acked == null ? "absent" : h.acked;
    String why = h.ackedBy != null ? h.ackedBy.describe() + " acknowledged"
        : h.acked != null ? "verified after the previous cycle" : "never written";
    String text = what + " (" + why + ")";
    if (h.inFlight != null) {
      String tag = h.inFlight.writes().get(key);
      text += " or " + (tag == null ? "absent" : tag) + " (" + h.inFlight.describe() + " in flight)";
    }
    return text;
  }

  /** Names what went wrong with a key that holds neither allowed value. */
  private static String problem(KeyHistory h, byte[] found) {
    if (found == null) {
      if (h.ackedBy == null) {
        return "lost a write verified after the previous cycle";
      }
      return h.ackedBy.sync() ? "lost an acknowledged synced write" : "lost an acknowledged write";
    }
    if (h.inFlight != null) {
      return "wrong value: neither the acknowledged nor the in-flight write";
    }
    if (h.acked != null) {
      return "wrong value: not the last acknowledged write";
    }
    return h.ackedBy != null ? "deleted key came back"
        : "present although absent before the cycle (never written, or deleted earlier) and not written since";
  }
}
