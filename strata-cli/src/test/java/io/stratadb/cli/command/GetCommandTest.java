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

  /** Read-only commands write nothing: they work beside a process holding the database and leave every file as it was. */
  @Test
  void readCommandsWriteNothingAndWorkBesideAnOpenDatabase() throws Exception {
    assertEquals(0, CliRunner.runOn(db, "put", "k", "v").exitCode());
    java.util.Map<String, Long> before = listing();
    try (io.stratadb.Db holder = io.stratadb.Db.open(db, io.stratadb.Options.defaults())) {
      before = listing(); // the holder's own open rewrote the manifest
      CliRunner.Result get = CliRunner.runOn(db, "get", "k");
      assertEquals(0, get.exitCode(), get.err());
      assertEquals("v\n", get.out());
      CliRunner.Result scan = CliRunner.runOn(db, "scan");
      assertEquals(0, scan.exitCode(), scan.err());
      assertEquals("k\tv\n", scan.out());
      assertEquals(0, CliRunner.runOn(db, "stats").exitCode());
      assertEquals(before, listing(), "get, scan and stats changed no file");
    }
  }

  private java.util.Map<String, Long> listing() throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.list(db)) {
      return files.collect(java.util.stream.Collectors.toMap(p -> p.getFileName().toString(),
          p -> p.toFile().length() * 31 + p.toFile().lastModified(), (a, b) -> a, java.util.TreeMap::new));
    }
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
