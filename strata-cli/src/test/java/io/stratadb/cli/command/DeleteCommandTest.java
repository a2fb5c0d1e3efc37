package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.cli.CliRunner;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteCommandTest {

  @TempDir Path db;

  @Test
  void deletedKeyIsGoneAndOthersStay() {
    CliRunner.runOn(db, "put", "a", "1");
    CliRunner.runOn(db, "put", "b", "2");
    assertEquals(0, CliRunner.runOn(db, "delete", "a").exitCode());
    assertEquals(1, CliRunner.runOn(db, "get", "a").exitCode());
    assertEquals("2\n", CliRunner.runOn(db, "get", "b").out());
    assertEquals("b\t2\n", CliRunner.runOn(db, "scan").out());
  }

  @Test
  void deletingAnAbsentKeyIsNotAnError() {
    CliRunner.runOn(db, "put", "a", "1");
    assertEquals(0, CliRunner.runOn(db, "delete", "zzz", "--sync").exitCode());
    assertEquals("a\t1\n", CliRunner.runOn(db, "scan").out());
  }
}
