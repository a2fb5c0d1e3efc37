package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GetCommandTest {

  @TempDir Path db;

  @Test
  void getPrintsTheValuePut() {
    assertEquals(0, CliRunner.runOn(db, "put", "greeting", "héllo wörld").exitCode());
    CliRunner.Result r = CliRunner.runOn(db, "get", "greeting");
    assertEquals(0, r.exitCode());
    assertEquals("héllo wörld\n", r.out());
    assertEquals("", r.err());
  }

  @Test
  void emptyValueIsPresent() {
    assertEquals(0, CliRunner.runOn(db, "put", "k", "").exitCode());
    CliRunner.Result r = CliRunner.runOn(db, "get", "k");
    assertEquals(0, r.exitCode());
    assertEquals("\n", r.out());
  }

  @Test
  void missingKeyExitsOneWithMessage() {
    CliRunner.runOn(db, "put", "a", "1");
    CliRunner.Result r = CliRunner.runOn(db, "get", "b");
    assertEquals(1, r.exitCode());
    assertEquals("", r.out());
    assertEquals("strata get: key not found: b", r.err().strip());
  }

  @Test
  void getOnMissingDatabaseFailsAndCreatesNothing() {
    Path missing = db.resolve("typo");
    CliRunner.Result r = CliRunner.runOn(missing, "get", "a");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no database"), r.err());
    assertFalse(Files.exists(missing));
  }
}
