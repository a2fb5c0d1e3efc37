package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @TempDir Path tmp;

  @Test
  void demoRunsAndIsIdempotent() {
    Path db = tmp.resolve("strata-data");
    for (int run = 1; run <= 2; run++) {
      CliRunner.Result r = CliRunner.runOn(db, "demo");
      assertEquals(0, r.exitCode(), "run " + run + ": " + r.err());
      assertTrue(r.out().contains("put 100000 users"), r.out());
      assertTrue(r.out().contains("deleted 10000 users"), r.out());
      assertTrue(r.out().contains("get user:000000010 -> (not found)"), r.out());
      assertTrue(r.out().contains("user:000000101\t{\"id\":101,"), r.out());
      assertTrue(r.out().contains("... 90 keys in the range"), r.out());
      assertTrue(r.out().contains("Level  Files"), r.out());
      assertTrue(r.out().contains("reopened: 90000 users found (expected 90000)"), r.out());
    }
    // The demo's data is an ordinary database afterwards.
    assertEquals(DemoCommand.value(4242) + "\n", CliRunner.runOn(db, "get", "user:000004242").out());
    assertEquals(1, CliRunner.runOn(db, "get", "user:000004240").exitCode());
    assertEquals(2, CliRunner.runOn(db, "scan", "--from", "user:000099998", "--limit", "5").outLines().length,
        "99998, 99999, then nothing: 100000 is deleted");
  }
}
