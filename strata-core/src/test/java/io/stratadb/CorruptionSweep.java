package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;

import io.stratadb.admin.VerifyReport;
import io.stratadb.env.MemoryFileSystem;
import io.stratadb.admin.DbAdmin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * TEST ONLY: damages one file of a {@link PristineDb} at a time (a flipped byte or a cut at a
 * record or block boundary or an arbitrary length), opens the copy and reads every key with
 * {@code get} and everything with a scan, and classifies the outcome:
 *
 * <ul>
 *   <li><b>detected</b>: open or a read threw {@link CorruptionException} (or a {@link
 *       StrataIOException} caused by one) naming the damaged file and an offset inside it, and
 *       every read that did succeed returned correct data;
 *   <li><b>harmless</b>: every read returned exactly the pristine content, or, for damage in the
 *       WAL only, the content after a prefix of the WAL's batches that keeps every batch lying
 *       wholly before the damage (a torn tail of unsynced writes, dropped as a crash would);
 *   <li><b>failure</b>: anything else: wrong data, another exception (NullPointerException,
 *       ArrayIndexOutOfBoundsException, OutOfMemoryError...), or a corruption error naming the
 *       wrong file or an impossible offset.
 * </ul>
 *
 * Not thread-safe.
 */
final class CorruptionSweep {

  /** The four kinds of file swept. */
  enum Kind {
    CURRENT, MANIFEST, WAL, SST;

    static Kind of(String name) {
      if (name.equals("CURRENT")) {
        return CURRENT;
      }
      if (name.startsWith("MANIFEST-")) {
        return MANIFEST;
      }
      if (name.endsWith(".log")) {
        return WAL;
      }
      if (name.endsWith(".sst")) {
        return SST;
      }
      return null;
    }
  }

  /**
   * How much to try.
   *
   * @param everyByteUpTo files up to this size get every byte flipped and every length cut
   * @param flipSamples flipped bytes sampled per kind of file larger than that (WAL, SST)
   * @param cutSamples arbitrary cut lengths sampled per large file kind, besides the boundaries
   * @param verifyEvery run {@link DbAdmin#verify} on every n-th damaged copy too (1 = all), and check
   *     that it reports damage exactly when opening and reading did
   * @param repairEvery run {@link DbAdmin#repair} on every n-th damaged copy too, and check that the
   *     repaired database opens, reads without error and verifies clean, and, when only CURRENT or
   *     the manifest was damaged (repair does not read them), holds exactly the pristine content
   */
  record Plan(int everyByteUpTo, int flipSamples, int cutSamples, int verifyEvery, int repairEvery) {}

  /**
   * One damaged copy: {@code file} with byte {@code position} XORed with {@code mask}, or, when
   * {@code mask} is 0, cut to {@code position} bytes.
   */
  record Trial(String file, Kind kind, long position, int mask) {
    /** The {@code mask} of a trial that deletes the file. */
    static final int DELETE = -1;
    /** The {@code mask} of a trial that leaves the file as it is and adds a copy, {@link #STRAY}: moved into {@code lost/} at open. */
    static final int STRAY_COPY = -2;
    /** The name of the stray copy: a manifest numbered beyond anything the history handed out. */
    static final String STRAY = "MANIFEST-900000";

    String what() {
      if (mask == DELETE) {
        return "deleted";
      }
      if (mask == STRAY_COPY) {
        return "copied as a stray " + STRAY;
      }
      return mask == 0 ? "cut to " + position + " bytes" : "flip byte " + position + " (xor " + mask + ")";
    }

    /** The damaged content, or null when the trial deletes the file. */
    byte[] damage(byte[] pristine) {
      if (mask == DELETE) {
        return null;
      }
      if (mask == STRAY_COPY) {
        return pristine;
      }
      if (mask == 0) {
        return Arrays.copyOf(pristine, (int) position);
      }
      byte[] damaged = pristine.clone();
      damaged[(int) position] ^= (byte) mask;
      return damaged;
    }
  }

  /** Counts for one kind of file. */
  static final class Tally {
    int tried;
    int detected;
    int harmlessExact;
    int harmlessTailLost;
    int failed;
    int verified;
    int repaired;

    int harmless() {
      return harmlessExact + harmlessTailLost;
    }
  }

  private final PristineDb pristine;
  private final MemoryFileSystem fs;
  private final Path dir;
  private final Random random;
  private final Map<Kind, Tally> tallies = new EnumMap<>(Kind.class);
  private final List<String> failures = new ArrayList<>();
  private final Map<String, Integer> failureKinds = new LinkedHashMap<>();
  private final List<FileLayouts.Span> walRecords;
  private final String walName;

  CorruptionSweep(PristineDb pristine, MemoryFileSystem fs, Path dir, long seed) {
    this.pristine = pristine;
    this.fs = fs;
    this.dir = dir;
    this.random = new Random(seed);
    for (Kind k : Kind.values()) {
      tallies.put(k, new Tally());
    }
    String wal = null;
    for (String name : pristine.files.keySet()) {
      if (Kind.of(name) == Kind.WAL) {
        if (wal != null) {
          throw new IllegalStateException("expected one WAL, found " + wal + " and " + name);
        }
        wal = name;
      }
    }
    walName = wal;
    walRecords = FileLayouts.logRecords(pristine.files.get(wal));
    if (walRecords.size() != pristine.walStates.size() - 1) {
      throw new IllegalStateException("WAL holds " + walRecords.size() + " records, history says "
          + (pristine.walStates.size() - 1));
    }
  }

  /** Builds every trial of {@code plan}, in a fixed order for the seed. */
  List<Trial> trials(Plan plan) {
    List<Trial> out = new ArrayList<>();
    Map<Kind, List<String>> byKind = new EnumMap<>(Kind.class);
    for (String name : pristine.files.keySet()) {
      Kind kind = Kind.of(name);
      if (kind != null) {
        byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(name);
      }
    }
    for (Map.Entry<Kind, List<String>> e : byKind.entrySet()) {
      Kind kind = e.getKey();
      List<String> names = e.getValue();
      // flips
      long total = 0;
      for (String name : names) {
        total += pristine.files.get(name).length;
      }
      for (String name : names) {
        byte[] content = pristine.files.get(name);
        TreeSet<Integer> positions = new TreeSet<>();
        if (content.length <= plan.everyByteUpTo()) {
          for (int p = 0; p < content.length; p++) {
            positions.add(p);
          }
        } else {
          int share = (int) Math.max(1, (long) plan.flipSamples() * content.length / total);
          while (positions.size() < Math.min(share, content.length)) {
            positions.add(random.nextInt(content.length));
          }
          if (kind == Kind.WAL || kind == Kind.MANIFEST) {
            for (FileLayouts.Span span : FileLayouts.logRecords(content)) {
              for (int p = 0; p < 7; p++) {
                positions.add((int) span.start() + p); // every header of a record's first fragment
              }
            }
          }
        }
        for (int p : positions) {
          out.add(new Trial(name, kind, p, 1 + random.nextInt(255)));
        }
      }
      // cuts
      for (String name : names) {
        byte[] content = pristine.files.get(name);
        TreeSet<Long> lengths = new TreeSet<>();
        if (content.length <= plan.everyByteUpTo()) {
          for (long n = 0; n < content.length; n++) {
            lengths.add(n);
          }
        } else {
          if (kind == Kind.SST) {
            lengths.addAll(FileLayouts.tableBoundaries(content));
          } else {
            for (FileLayouts.Span span : FileLayouts.logRecords(content)) {
              lengths.add(span.start());
            }
          }
          int share = (int) Math.max(1, (long) plan.cutSamples() * content.length / total);
          for (int i = 0; i < share; i++) {
            lengths.add((long) random.nextInt(content.length));
          }
        }
        lengths.remove((long) content.length);
        for (long n : lengths) {
          out.add(new Trial(name, kind, n, 0));
        }
      }
      if (kind == Kind.CURRENT) {
        // A lost CURRENT (a stray rm, a partial restore) must be refused, never replaced.
        out.add(new Trial(names.get(0), kind, 0, Trial.DELETE));
      }
      if (kind == Kind.MANIFEST) {
        // A stray manifest (a restore gone wrong) changes nothing and is moved aside, never deleted.
        out.add(new Trial(names.get(0), kind, 0, Trial.STRAY_COPY));
      }
    }
    return out;
  }

  /** Number of WAL batches wholly before {@code position}: the fewest a damaged WAL may keep. */
  private int walBatchesBefore(long position) {
    int n = 0;
    for (FileLayouts.Span span : walRecords) {
      if (span.end() <= position) {
        n++;
      }
    }
    return n;
  }

  /** What the reads of one damaged copy returned. */
  private static final class Observation {
    final Map<String, String> gets = new TreeMap<>();
    final List<Map.Entry<String, String>> scanned = new ArrayList<>();
    boolean scanCompleted;
    final List<Throwable> errors = new ArrayList<>();
  }

  /** Runs one trial and records its outcome. */
  void run(Trial trial, boolean verify) throws IOException {
    Map<String, byte[]> files = damagedCopy(trial);
    fs.restore(dir, files);
    Tally tally = tallies.get(trial.kind());
    tally.tried++;
    VerifyReport report = null;
    if (verify) {
      try {
        report = DbAdmin.verify(fs, dir); // before the open, which rewrites the manifest
      } catch (Throwable e) {
        fail(trial, "VERIFY THREW", e + "\n" + stack(e));
        return;
      }
      tally.verified++;
    }
    Observation seen = new Observation();
    Db db;
    try {
      db = Db.open(dir, pristine.options);
    } catch (Throwable e) {
      seen.errors.add(e);
      checkVerifier(trial, report, classify(trial, seen));
      checkNothingDeleted(trial, files.keySet());
      return;
    }
    try {
      for (String k : pristine.probeKeys) {
        try {
          byte[] v = db.get(b(k));
          seen.gets.put(k, v == null ? null : s(v));
        } catch (Throwable e) {
          seen.errors.add(e);
        }
      }
      try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
        for (; it.isValid(); it.next()) {
          seen.scanned.add(Map.entry(s(it.key()), s(it.value())));
        }
        seen.scanCompleted = true;
      } catch (Throwable e) {
        seen.errors.add(e);
      }
    } finally {
      try {
        db.close();
      } catch (Throwable e) {
        seen.errors.add(e);
      }
    }
    checkVerifier(trial, report, classify(trial, seen));
    if (trial.mask() == Trial.STRAY_COPY && !fs.exists(dir.resolve("lost").resolve(Trial.STRAY))) {
      fail(trial, "STRAY NOT MOVED ASIDE", Trial.STRAY + " is not in lost/ after open and close");
    }
  }

  /** Repairs the damaged copy of {@code trial} and checks the result (see {@link Plan#repairEvery}). */
  void repair(Trial trial) throws IOException {
    fs.restore(dir, damagedCopy(trial));
    try {
      DbAdmin.repair(dir, pristine.options);
      VerifyReport report = DbAdmin.verify(fs, dir);
      if (!report.isClean()) {
        fail(trial, "REPAIRED BUT DAMAGED", report.damage().toString());
        return;
      }
      try (Db db = Db.open(dir, pristine.options)) {
        TreeMap<String, String> byGets = pristine.readByGets(db);
        TreeMap<String, String> byScan = PristineDb.readByScan(db);
        boolean tablesAndWalIntact = trial.kind() == Kind.CURRENT || trial.kind() == Kind.MANIFEST;
        if (tablesAndWalIntact && (!byGets.equals(pristine.content()) || !byScan.equals(pristine.content()))) {
          fail(trial, "REPAIR LOST DATA", "CURRENT or manifest damage only, yet the content changed");
          return;
        }
      }
      tallies.get(trial.kind()).repaired++;
    } catch (Throwable e) {
      fail(trial, "REPAIR FAILED", e + "\n" + stack(e));
    }
  }

  /** The pristine files with {@code trial}'s damage applied (its file removed for a deletion). */
  private Map<String, byte[]> damagedCopy(Trial trial) {
    Map<String, byte[]> files = new TreeMap<>(pristine.files);
    byte[] damaged = trial.damage(pristine.files.get(trial.file()));
    if (damaged == null) {
      files.remove(trial.file());
    } else {
      files.put(trial.mask() == Trial.STRAY_COPY ? Trial.STRAY : trial.file(), damaged);
    }
    return files;
  }

  /** An open that failed must leave every file it found in place, for repair to salvage. */
  private void checkNothingDeleted(Trial trial, java.util.Set<String> before) throws IOException {
    java.util.Set<String> after = new java.util.HashSet<>(fs.listFileNames(dir));
    for (String name : before) {
      if (!after.contains(name)) {
        fail(trial, "FAILED OPEN DELETED FILES", name + " is gone after the refused open");
        return;
      }
    }
  }

  /** How a damaged copy read. */
  private enum Outcome { FAILED, DETECTED, HARMLESS }

  /**
   * {@code strata verify} must report damage exactly when opening and reading detected it, and
   * name the damaged file; harmless damage (a torn WAL tail) is at most a warning.
   */
  private void checkVerifier(Trial trial, VerifyReport report, Outcome outcome) {
    if (report == null || outcome == Outcome.FAILED) {
      return;
    }
    if (outcome == Outcome.DETECTED) {
      boolean namesFile = report.damage().stream()
          .anyMatch(f -> Path.of(f.file()).getFileName().toString().equals(trial.file()));
      if (!namesFile) {
        fail(trial, "VERIFY MISSED DAMAGE", "open and read detected it; verify reported " + report.damage());
      }
    } else if (!report.isClean()) {
      fail(trial, "VERIFY FALSE ALARM", "the copy read back correctly; verify reported " + report.damage());
    }
  }

  private Outcome classify(Trial trial, Observation seen) {
    Tally tally = tallies.get(trial.kind());
    List<TreeMap<String, String>> states = pristine.walStates;
    TreeMap<String, String> full = states.get(states.size() - 1);
    int fewest = trial.file().equals(walName) ? walBatchesBefore(trial.position()) : states.size() - 1;
    TreeMap<String, String> match = null;
    for (int j = states.size() - 1; j >= fewest && match == null; j--) {
      if (consistent(seen, states.get(j))) {
        match = states.get(j);
      }
    }
    if (match == null) {
      fail(trial, "WRONG DATA", describe(seen, full));
      return Outcome.FAILED;
    }
    if (!seen.errors.isEmpty()) {
      for (Throwable e : seen.errors) {
        String problem = detectionProblem(trial, e);
        if (problem != null) {
          fail(trial, problem.substring(0, problem.indexOf(':')), problem + "\n" + stack(e));
          return Outcome.FAILED;
        }
      }
      tally.detected++;
      return Outcome.DETECTED;
    } else if (match == full) {
      tally.harmlessExact++;
    } else {
      tally.harmlessTailLost++;
    }
    return Outcome.HARMLESS;
  }

  /** Whether every successful read agrees with {@code state}. */
  private static boolean consistent(Observation seen, TreeMap<String, String> state) {
    for (Map.Entry<String, String> g : seen.gets.entrySet()) {
      if (!java.util.Objects.equals(g.getValue(), state.get(g.getKey()))) {
        return false;
      }
    }
    List<Map.Entry<String, String>> expected = new ArrayList<>(state.entrySet());
    if (seen.scanned.size() > expected.size() || (seen.scanCompleted && seen.scanned.size() != expected.size())) {
      return false;
    }
    for (int i = 0; i < seen.scanned.size(); i++) {
      if (!seen.scanned.get(i).getKey().equals(expected.get(i).getKey())
          || !seen.scanned.get(i).getValue().equals(expected.get(i).getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Null if {@code e} is a proper corruption report for the trial's file, else what is wrong. */
  private String detectionProblem(Trial trial, Throwable e) {
    CorruptionException c = null;
    if (e instanceof CorruptionException ce) {
      c = ce;
    } else if (e instanceof StrataIOException) {
      for (Throwable t = e.getCause(); t != null && c == null; t = t.getCause()) {
        if (t instanceof CorruptionException ce) {
          c = ce;
        }
      }
    }
    if (c == null) {
      return "UNEXPECTED EXCEPTION: " + e;
    }
    String named = Path.of(c.file()).getFileName().toString();
    if (!named.equals(trial.file())) {
      return "NAMES ANOTHER FILE: " + named + " instead of " + trial.file() + ": " + c.getMessage();
    }
    long limit = pristine.files.get(trial.file()).length;
    if (c.offset() < 0 || c.offset() > limit) {
      return "BAD OFFSET: " + c.offset() + " for a file of " + limit + " bytes: " + c.getMessage();
    }
    if (!c.getMessage().contains(c.file()) || !c.getMessage().contains("offset " + c.offset())) {
      return "MESSAGE LACKS FILE OR OFFSET: " + c.getMessage();
    }
    return null;
  }

  private void fail(Trial trial, String kind, String detail) {
    tallies.get(trial.kind()).failed++;
    failureKinds.merge(kind, 1, Integer::sum);
    if (failures.size() < 25) {
      failures.add(trial.file() + " " + trial.what() + ": " + kind + ": " + detail);
    }
  }

  private static String describe(Observation seen, TreeMap<String, String> full) {
    StringBuilder sb = new StringBuilder();
    int shown = 0;
    for (Map.Entry<String, String> g : seen.gets.entrySet()) {
      String want = full.get(g.getKey());
      if (!java.util.Objects.equals(want, g.getValue()) && shown++ < 3) {
        sb.append("get ").append(g.getKey()).append(" = ").append(abbreviate(g.getValue()))
            .append(", pristine ").append(abbreviate(want)).append("; ");
      }
    }
    sb.append("scan returned ").append(seen.scanned.size()).append(" entries (pristine ").append(full.size())
        .append(")").append(seen.errors.isEmpty() ? "" : ", errors: " + seen.errors);
    return sb.toString();
  }

  private static String abbreviate(String s) {
    return s == null || s.length() < 40 ? s : s.substring(0, 37) + "...";
  }

  private static String stack(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append("    ").append(t).append('\n');
      StackTraceElement[] st = t.getStackTrace();
      for (int i = 0; i < Math.min(8, st.length); i++) {
        sb.append("      at ").append(st[i]).append('\n');
      }
    }
    return sb.toString();
  }

  /** Per kind of file: the counts. */
  Map<Kind, Tally> tallies() {
    return tallies;
  }

  /** The first failures, described. */
  List<String> failures() {
    return failures;
  }

  /** A table of the counts, for the log and the report. */
  String summary() {
    StringBuilder sb = new StringBuilder(String.format("%-9s %7s %9s %9s %11s %9s %9s %7s%n", "file", "tried",
        "detected", "harmless", "(tail lost)", "verified", "repaired", "FAILED"));
    Tally sum = new Tally();
    for (Map.Entry<Kind, Tally> e : tallies.entrySet()) {
      Tally t = e.getValue();
      sb.append(String.format("%-9s %7d %9d %9d %11d %9d %9d %7d%n", e.getKey(), t.tried, t.detected,
          t.harmless(), t.harmlessTailLost, t.verified, t.repaired, t.failed));
      sum.tried += t.tried;
      sum.detected += t.detected;
      sum.harmlessExact += t.harmlessExact;
      sum.harmlessTailLost += t.harmlessTailLost;
      sum.failed += t.failed;
      sum.verified += t.verified;
      sum.repaired += t.repaired;
    }
    sb.append(String.format("%-9s %7d %9d %9d %11d %9d %9d %7d%n", "total", sum.tried, sum.detected,
        sum.harmless(), sum.harmlessTailLost, sum.verified, sum.repaired, sum.failed));
    if (!failureKinds.isEmpty()) {
      sb.append("failures by kind: ").append(failureKinds).append('\n');
    }
    return sb.toString();
  }
}
