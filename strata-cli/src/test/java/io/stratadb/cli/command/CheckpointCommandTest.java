package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCommandTest {

  @TempDir Path tmp;

  @Test
  void makesACopyThatOpensWithTheSameContents() throws IOException {
    Path db = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    VerifyCommandTest.build(db);
    CliRunner.Result r = CliRunner.runOn(db, "checkpoint", copy.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().matches("checkpoint of " + java.util.regex.Pattern.quote(db.toString()) + " in "
        + java.util.regex.Pattern.quote(copy.toString()) + ": \\d+ SSTables, 1 WALs, [\\d.]+ KB\n"), r.out());
    assertEquals(CliRunner.runOn(db, "scan").out(), CliRunner.runOn(copy, "scan").out());
    assertEquals("in the WAL\n", CliRunner.runOn(copy, "get", "wal-key").out());
    assertEquals(0, CliRunner.runOn(copy, "verify").exitCode());
  }

  @Test
  void anExistingTargetOrAMissingDatabaseExitsOne() throws IOException {
    Path db = tmp.resolve("db");
    VerifyCommandTest.build(db);
    Files.createDirectories(tmp.resolve("taken"));
    CliRunner.Result taken = CliRunner.runOn(db, "checkpoint", tmp.resolve("taken").toString());
    assertEquals(1, taken.exitCode());
    assertTrue(taken.err().contains("checkpoint directory already exists: " + tmp.resolve("taken")), taken.err());
    CliRunner.Result noDb = CliRunner.runOn(tmp.resolve("typo"), "checkpoint", tmp.resolve("copy").toString());
    assertEquals(1, noDb.exitCode());
    assertTrue(noDb.err().contains("no database"), noDb.err());
    assertTrue(!Files.exists(tmp.resolve("copy")));
  }
}
