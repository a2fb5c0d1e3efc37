package io.stratadb.cli.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One crash-test cycle end to end, including the ways it must fail. */
class StressCycleTest {
  private static final StressSettings SETTINGS = new StressSettings(StressMode.OPS, 2, 200, 50, 10);

  @TempDir Path tmp;

  /** A real kill passes; then a verified key deleted behind the test's back is reported by the next cycle. */
  @Test
  void aKeyLostBetweenCyclesIsReportedByTheNextOne() throws Exception {
    Path db = tmp.resolve("db");
    Path work = Files.createDirectories(tmp.resolve("work"));
    StressCycle.Result first = StressCycle.run(SETTINGS, db, work, 1, 11, 300, new StressExpectedState());
    assertEquals(List.of(), first.violations());
    assertTrue(first.child().killed());
    assertEquals(137, first.child().exitCode(), "128 + SIGKILL");
    StressExpectedState state = first.nextState();
    assertFalse(state.presentKeys().isEmpty(), "the child wrote before the kill");
    try (java.util.stream.Stream<Path> files = Files.list(work)) {
      assertEquals(0, files.count(), "a passing cycle leaves no files");
    }

    // Lose every verified key behind the test's back, as a recovery bug would. The next child may
    // legitimately rewrite some of them before its kill, so not every one is reported, but in its
    // 100 ms it cannot rewrite them all, and only deleted keys may be reported lost.
    java.util.Set<String> lost = new java.util.HashSet<>(state.presentKeys());
    try (Db d = Db.open(db, StressSettings.engineOptions())) {
      for (String key : lost) {
        d.delete(key.getBytes(StandardCharsets.US_ASCII));
      }
    }
    StressCycle.Result second = StressCycle.run(SETTINGS, db, work, 2, 12, 100, state);
    List<StressViolation> reported = second.violations().stream()
        .filter(x -> x.problem().equals("lost a write verified after the previous cycle")).toList();
    assertFalse(reported.isEmpty(), "lost keys not reported: " + second.violations());
    for (StressViolation v : reported) {
      assertTrue(lost.contains(v.key()), v.describe());
      assertEquals("absent", v.found(), v.describe());
    }
    assertTrue(Files.exists(work.resolve("state-000002.txt")), "a failing cycle keeps its files");
    assertTrue(Files.exists(work.resolve("ops-000002.log")));
  }

  /** A child that fails on its own is not "killed", and its stderr is kept for the report. */
  @Test
  void aChildThatEndsByItselfIsReported() throws Exception {
    Path missing = tmp.resolve("no-such-state.txt");
    List<String> args = List.of("--db", tmp.resolve("db").toString(), "--log", tmp.resolve("ops.log").toString(),
        "--state", missing.toString(), "--mode", "ops", "--cycle", "1", "--seed", "1", "--threads", "1", "--keys",
        "10", "--value-size", "10", "--sync-percent", "0", "--max-life-ms", "60000");
    StressChildProcess.Outcome o = StressChildProcess.run(args, tmp.resolve("child.err"), 100);
    assertFalse(o.killed());
    assertEquals(1, o.exitCode(), "picocli's code for an exception");
    assertTrue(o.stderrTail().contains("NoSuchFileException"), o.stderrTail());
  }
}
