package io.stratadb.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second process opening a database this one holds gets a clear error, and changes nothing. */
class SecondProcessLockTest {
  @TempDir Path tmp;

  private static Process strata(String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        StrataCli.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  @Test
  void aSecondProcessIsRefusedWhileTheFirstHoldsTheLock() throws Exception {
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put("k".getBytes(StandardCharsets.UTF_8), "held".getBytes(StandardCharsets.UTF_8));
      Process second = strata("put", "--db", dir.toString(), "k", "intruder");
      assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second process finished");
      String output = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(1, second.exitValue(), output);
      assertTrue(output.contains("cannot lock database directory"), output);
      assertTrue(output.contains("lock held by another process"), output);
    }
    Process after = strata("get", "--db", dir.toString(), "k");
    assertTrue(after.waitFor(60, TimeUnit.SECONDS));
    String value = new String(after.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, after.exitValue(), value);
    assertEquals("held", value.strip(), "once released, the lock is free and nothing was changed");
  }
}
