package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
  void putIntoAnUnrelatedNonEmptyDirectoryIsRefused() throws IOException {
    Files.writeString(db.resolve("notes.txt"), "mine");
    CliRunner.Result r = CliRunner.runOn(db, "put", "k", "v");
    assertEquals(1, r.exitCode());
    assertEquals("strata put: " + db + " holds files but no database (no CURRENT file); give --create to make one "
        + "there anyway", r.err().strip());
    assertEquals(List.of("notes.txt"), names(db), "nothing was created");
    assertEquals(0, CliRunner.runOn(db, "put", "k", "v", "--create").exitCode());
    assertEquals(0, CliRunner.runOn(db, "put", "k", "v2").exitCode(), "a database now, so no --create needed");
    assertEquals("v2\n", CliRunner.runOn(db, "get", "k").out());
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
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
