package io.stratadb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrataCliTest {

  @TempDir Path tmp;

  @Test
  void helpListsEveryCommand() {
    CliRunner.Result r = CliRunner.run("--help");
    assertEquals(0, r.exitCode());
    for (String c : new String[] {"put", "get", "delete", "scan", "load", "stats", "demo", "bench"}) {
      assertTrue(r.out().contains("\n  " + c + " "), "help should list " + c + ":\n" + r.out());
    }
  }

  @Test
  void versionComesFromTheBuild() {
    CliRunner.Result r = CliRunner.run("--version");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().startsWith("strata " + StrataVersion.version()), r.out());
    assertFalse(StrataVersion.version().contains("${"), "version.properties must be filtered");
    assertFalse(StrataVersion.version().equals("unknown"));
  }

  @Test
  void subcommandHelp() {
    CliRunner.Result r = CliRunner.run("load", "--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("--key-only"), r.out());
    assertTrue(r.out().contains("--db=DIR"), r.out());
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertEquals(2, CliRunner.run().exitCode());
    assertEquals(2, CliRunner.run("frobnicate").exitCode());
    assertEquals(2, CliRunner.run("get").exitCode());
    CliRunner.Result r = CliRunner.run("put", "k", "v", "--no-such-option");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--no-such-option"), r.err());
  }

  @Test
  void engineErrorIsOneLineWithoutVerbose() {
    Path missing = tmp.resolve("nothing-here");
    CliRunner.Result r = CliRunner.runOn(missing, "get", "k");
    assertEquals(1, r.exitCode());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("strata get: no database at "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void verboseAddsTheStackTraceBeforeOrAfterTheSubcommand() {
    Path missing = tmp.resolve("nothing-here");
    CliRunner.Result after = CliRunner.runOn(missing, "get", "k", "--verbose");
    assertEquals(1, after.exitCode());
    assertTrue(after.err().contains("\tat io.stratadb."), after.err());
    CliRunner.Result before = CliRunner.run("--verbose", "get", "--db", missing.toString(), "k");
    assertEquals(1, before.exitCode());
    assertTrue(before.err().contains("\tat io.stratadb."), before.err());
  }
}
