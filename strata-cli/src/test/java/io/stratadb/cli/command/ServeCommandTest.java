package io.stratadb.cli.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import io.stratadb.cli.StrataCli;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strata serve} in a child JVM: serves, and stops cleanly on SHUTDOWN and on SIGTERM. */
class ServeCommandTest {

  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+)");

  @TempDir Path tmp;

  @Test
  void theBlockCacheIsServesOwnUnlessGiven() {
    ServeCommand defaults = new ServeCommand();
    new picocli.CommandLine(defaults).parseArgs("--write-buffer-size", "1048576");
    assertEquals(ServeCommand.DEFAULT_BLOCK_CACHE_BYTES, defaults.options().blockCacheSize());
    assertEquals(1 << 20, defaults.options().writeBufferSize());
    assertTrue(ServeCommand.DEFAULT_BLOCK_CACHE_BYTES > Options.defaults().blockCacheSize());
    ServeCommand given = new ServeCommand();
    new picocli.CommandLine(given).parseArgs("--cache-size", "0");
    assertEquals(0, given.options().blockCacheSize());
    assertEquals(Options.defaults().writeBufferSize(), given.options().writeBufferSize());
  }

  @Test
  void anUnknownWalSyncModeIsAUsageErrorNamingTheModes() {
    CliRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CliRunner.runOn(tmp.resolve("db"), "serve", "--port", "0", "--wal-sync", "sometimes"));
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("wal-sync must be always, everysec or no"), r.err());
    assertFalse(Files.exists(tmp.resolve("db").resolve("CURRENT")), "nothing created");
  }

  @Test
  void aNonEmptyDirectoryWithoutADatabaseIsNotServedWithoutCreate() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(dir.resolve("todo.txt"), "mine");
    // Before the check, serve started and blocked here: the timeout turns that into a failure.
    CliRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CliRunner.runOn(dir, "serve", "--port", "0", "--io-threads", "1"));
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("holds files but no database"), r.err());
    assertFalse(Files.exists(dir.resolve("CURRENT")));
  }

  @Test
  void shutdownCommandStopsTheServerAndClosesTheDatabase() throws Exception {
    Path dir = tmp.resolve("db");
    Process serve = serve(dir);
    BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), UTF_8));
    try (Socket s = connect(out)) {
      s.getOutputStream().write("SET k v\r\nSHUTDOWN\r\n".getBytes(UTF_8));
      assertEquals("+OK\r\n", new String(s.getInputStream().readAllBytes(), UTF_8));
    }
    assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve exited");
    String rest = drain(out);
    assertEquals(0, serve.exitValue(), rest);
    assertTrue(rest.contains("strata serve: stopped, database closed"), rest);
    assertStored(dir);
  }

  @Test
  void sigtermStopsTheServerGracefully() throws Exception {
    Path dir = tmp.resolve("db");
    Process serve = serve(dir);
    BufferedReader out = new BufferedReader(new InputStreamReader(serve.getInputStream(), UTF_8));
    try (Socket s = connect(out)) {
      s.getOutputStream().write("SET k v\r\n".getBytes(UTF_8));
      assertEquals('+', s.getInputStream().read());
      serve.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
      assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve exited");
    }
    String rest = drain(out);
    assertTrue(rest.contains("strata serve stopped; database closed"), rest);
    assertStored(dir);
  }

  private static Process serve(Path dir) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        StrataCli.class.getName(), "serve", "--db", dir.toString(), "--port", "0", "--io-threads", "1"));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** Waits for serve to say where it listens and connects there. */
  private static Socket connect(BufferedReader out) throws Exception {
    Socket s = new Socket("127.0.0.1", awaitPort(out));
    s.setSoTimeout(30_000);
    return s;
  }

  private static int awaitPort(BufferedReader out) throws Exception {
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher m = LISTENING.matcher(line);
      if (line.startsWith("strata serve:") && m.find()) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("serve ended before listening:\n" + seen);
  }

  private static String drain(BufferedReader out) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  /** The database opens (its lock was released) and holds k = v in the server's value format. */
  private static void assertStored(Path dir) {
    try (Db db = Db.open(dir, Options.defaults())) {
      assertEquals("\0v", new String(db.get("k".getBytes(UTF_8)), UTF_8));
    }
  }
}
