package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionCommandsTest {
  @TempDir Path tmp;

  @Test
  void compactMergesL0AndKeepsTheData() {
    Path db = tmp.resolve("db");
    for (int i = 0; i < 3; i++) {
      assertEquals(0, CliRunner.runOn(db, "put", "k" + i, "v" + i).exitCode());
    }
    CliRunner.Result r = CliRunner.runOn(db, "compact");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Before:") && r.out().contains("After:"), r.out());
    String after = r.out().substring(r.out().indexOf("After:"));
    assertTrue(!after.contains("\n  L0 ") || after.matches("(?s).*\\n  L0\\s+0\\s.*"), after);
    assertEquals("v1", CliRunner.runOn(db, "get", "k1").out().trim());
  }

  @Test
  void compactTakesScansBoundsAndKeyEncodings() {
    Path db = tmp.resolve("db");
    for (int i = 0; i < 3; i++) {
      assertEquals(0, CliRunner.runOn(db, "put", "k" + i, "v" + i).exitCode());
    }
    CliRunner.Result hex = CliRunner.runOn(db, "compact", "--hex", "--from", "6b30", "--to", "6b32");
    assertEquals(0, hex.exitCode(), hex.err());
    assertEquals("v2", CliRunner.runOn(db, "get", "k2").out().trim());
    CliRunner.Result bad = CliRunner.runOn(db, "compact", "--hex", "--from", "zz");
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.err().contains("--from"), bad.err());
  }

  @Test
  void compactOfAMissingDatabaseFails() {
    assertNotEquals(0, CliRunner.runOn(tmp.resolve("none"), "compact").exitCode());
  }

  @Test
  void compactionSimPrintsStepsForEveryStrategy() {
    CliRunner.Result r = CliRunner.run("compaction-sim", "--strategy", "all", "--steps", "30", "--keys", "50000",
        "--flush-entries", "5000", "--every", "10");
    assertEquals(0, r.exitCode(), r.err());
    for (String name : new String[] {"leveled", "tiered", "simple-leveled"}) {
      assertTrue(r.out().contains("== " + name), r.out());
    }
    assertTrue(r.out().contains("step    30"), r.out());
    assertTrue(r.out().contains("W-Amp") && r.out().contains("S-Amp"), r.out());
    assertEquals(3, r.out().split("final: write amplification").length - 1);
  }

  @Test
  void unknownStrategyIsAnError() {
    CliRunner.Result r = CliRunner.run("compaction-sim", "--strategy", "fifo");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.err().contains("unknown compaction strategy"), r.err());
  }

  @Test
  void benchRunsWithEachStrategyAndReportsAmplification() {
    for (String strategy : new String[] {"leveled", "tiered", "simple-leveled"}) {
      CliRunner.Result r = CliRunner.run("bench", "--num", "3000", "--benchmarks", "fillrandom,readrandom",
          "--compaction", strategy, "--db", tmp.resolve(strategy).toString());
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().contains("compaction=" + strategy), r.out());
      assertTrue(r.out().contains("Compaction Stats [" + strategy + "]"), r.out());
      assertTrue(r.out().contains("space amplification"), r.out());
    }
  }
}
