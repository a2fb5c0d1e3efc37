package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanCommandTest {

  @TempDir Path db;

  @BeforeEach
  void fill() {
    // Put out of order, then delete one: the scan must come back sorted without it.
    for (String k : new String[] {"d", "a", "c", "e", "b", "f"}) {
      assertEquals(0, CliRunner.runOn(db, "put", k, "v-" + k).exitCode());
    }
    assertEquals(0, CliRunner.runOn(db, "delete", "e").exitCode());
  }

  @Test
  void scanPrintsEverythingInOrder() {
    CliRunner.Result r = CliRunner.runOn(db, "scan");
    assertEquals(0, r.exitCode());
    assertEquals("a\tv-a\nb\tv-b\nc\tv-c\nd\tv-d\nf\tv-f\n", r.out());
  }

  @Test
  void fromIsInclusiveAndToIsExclusive() {
    assertEquals("b\tv-b\nc\tv-c\n", CliRunner.runOn(db, "scan", "--from", "b", "--to", "d").out());
    assertEquals("d\tv-d\nf\tv-f\n", CliRunner.runOn(db, "scan", "--from", "cc").out());
    assertEquals("a\tv-a\n", CliRunner.runOn(db, "scan", "--to", "b").out());
    assertEquals("", CliRunner.runOn(db, "scan", "--from", "x").out());
  }

  @Test
  void limitStopsEarly() {
    assertEquals("b\tv-b\nc\tv-c\n", CliRunner.runOn(db, "scan", "--from", "b", "--limit", "2").out());
    assertEquals("", CliRunner.runOn(db, "scan", "--limit", "0").out());
    assertEquals(5, CliRunner.runOn(db, "scan", "--limit", "100").outLines().length);
  }

  @Test
  void negativeLimitIsAUsageError() {
    CliRunner.Result r = CliRunner.runOn(db, "scan", "--limit", "-1");
    assertEquals(2, r.exitCode());
    assertEquals("", r.out());
  }
}
