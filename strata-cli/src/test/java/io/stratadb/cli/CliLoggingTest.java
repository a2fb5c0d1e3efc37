package io.stratadb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The engine's log under {@code strata} (issue 21, item 8): an error logged with an exception, as
 * the engine logs a failed write that makes the database read-only, is one line on stderr; the
 * stack trace follows only with {@code --verbose}.
 */
class CliLoggingTest {

  @TempDir Path db;

  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private PrintStream stderr;

  @BeforeEach
  void captureStderr() {
    stderr = System.err;
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(stderr);
  }

  /** Runs a command, then logs what the engine logs when a write fails; returns what stderr got. */
  private String engineErrorAfter(String... args) {
    CliRunner.runOn(db, "put", args);
    captured.reset();
    LoggerFactory.getLogger("io.stratadb.db.DbImpl").error("database {} is now read-only until reopened", db,
        new IOException("No space left on device"));
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anEngineErrorIsOneLineWithoutVerbose() {
    String err = engineErrorAfter("k", "v");
    assertEquals("ERROR io.stratadb.db.DbImpl: database " + db + " is now read-only until reopened: "
        + "java.io.IOException: No space left on device", err.strip());
    assertFalse(err.contains("\tat "), err);
  }

  @Test
  void verboseAddsTheStackTrace() {
    String err = engineErrorAfter("k", "v", "--verbose");
    assertTrue(err.startsWith("ERROR io.stratadb.db.DbImpl: database " + db + " is now read-only until reopened"),
        err);
    assertTrue(err.contains("\tat "), err);
  }
}
