package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {

  @TempDir Path tmp;

  @Test
  void statsShowsLevelsAndCounters() throws IOException {
    Path db = tmp.resolve("db");
    // About 6 MB: more than one 4 MiB write buffer, so at least one SSTable exists (and reopening
    // flushes the recovered memtable anyway).
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 30_000; i++) {
      sb.append(String.format("key%08d\t%s%n", i, "x".repeat(200)));
    }
    Path f = Files.writeString(tmp.resolve("in.tsv"), sb);
    assertEquals(0, CliRunner.runOn(db, "load", f.toString(), "--no-progress").exitCode());

    CliRunner.Result r = CliRunner.runOn(db, "stats");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().startsWith("Level  Files   Size(MB)"), r.out());
    assertTrue(r.out().contains("\n  L0 "), r.out());
    assertTrue(r.out().contains("\n  L1 "), r.out());
    assertTrue(r.out().contains("Memtable:"), r.out());
    assertTrue(r.out().contains("Immutable memtables:"), r.out());
    assertTrue(r.out().contains("Last sequence:       30000\n"), r.out());
    assertTrue(r.out().contains("Flushes:"), r.out());
    assertTrue(r.out().contains("Compactions:"), r.out());
    assertTrue(r.out().contains("Write stalls:"), r.out());
    Matcher sum = Pattern.compile("\n  Sum +(\\d+) +[0-9.]+ +(\\d+)\n").matcher(r.out());
    assertTrue(sum.find(), r.out());
    assertTrue(Integer.parseInt(sum.group(1)) >= 1, "at least one SSTable: " + r.out());
    assertTrue(Long.parseLong(sum.group(2)) > 0, r.out());
  }

  @Test
  void compactionReportOnRequest() {
    Path db = tmp.resolve("db");
    CliRunner.runOn(db, "put", "k", "v");
    CliRunner.Result r = CliRunner.runOn(db, "stats", "--compaction");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("** Compaction Stats"), r.out());
  }

  @Test
  void statsOfMissingDatabaseFails() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("none"), "stats");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no database"), r.err());
  }
}
