package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PutCommandTest {

  @TempDir Path db;

  @Test
  void putCreatesTheDatabaseAndOverwrites() {
    Path dir = db.resolve("new");
    assertEquals(0, CliRunner.runOn(dir, "put", "k", "v1").exitCode());
    assertEquals(0, CliRunner.runOn(dir, "put", "k", "v2", "--sync").exitCode());
    assertEquals("v2\n", CliRunner.runOn(dir, "get", "k").out());
  }

  @Test
  void keyOverTheMaximumIsAOneLineError() {
    String key = "k".repeat(Options.defaults().maxKeySize() + 1);
    CliRunner.Result r = CliRunner.runOn(db, "put", key, "v");
    assertEquals(1, r.exitCode());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("strata put: "), r.err());
    assertTrue(r.err().contains(String.valueOf(Options.defaults().maxKeySize())), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void keyAtTheMaximumIsAccepted() {
    String key = "k".repeat(Options.defaults().maxKeySize());
    assertEquals(0, CliRunner.runOn(db, "put", key, "v").exitCode());
    assertEquals("v\n", CliRunner.runOn(db, "get", key).out());
  }
}
