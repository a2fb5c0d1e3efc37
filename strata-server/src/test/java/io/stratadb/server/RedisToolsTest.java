package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real Redis tools against the server: {@code redis-cli} (commands, {@code --scan}, {@code
 * --pipe}) and a short {@code redis-benchmark}. Needs the Debian package {@code redis-tools};
 * without it the tests are reported as skipped, saying so ({@code .ci/run} installs it).
 */
class RedisToolsTest extends ServerTestBase {

  @Test
  void redisCliRunsCommands() throws Exception {
    String cli = tool("redis-cli");
    assertEquals("PONG", run(cli, "-p", port(), "PING").trim());
    assertEquals("OK", run(cli, "-p", port(), "SET", "greeting", "hello world").trim());
    assertEquals("hello world", run(cli, "-p", port(), "GET", "greeting").trim());
    assertEquals("3", run(cli, "-p", port(), "INCRBY", "n", "3").trim());
    assertEquals("ERR unknown command 'NOSUCH', with args beginning with: 'x' ",
        run(cli, "-p", port(), "NOSUCH", "x").trim() + " ");
    assertTrue(run(cli, "-p", port(), "INFO", "strata").contains("compaction_strategy:"));
  }

  @Test
  void redisCliScanAndPipe() throws Exception {
    String cli = tool("redis-cli");
    StringBuilder commands = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      commands.append("SET key:").append(i).append(" v").append(i).append("\r\n");
    }
    Path input = dir.resolve("commands.txt");
    Files.writeString(input, commands);
    String piped = run(input, cli, "-p", port(), "--pipe");
    assertTrue(piped.contains("errors: 0, replies: 300"), piped);
    List<String> keys = run(cli, "-p", port(), "--scan", "--pattern", "key:1*").lines().sorted().toList();
    assertEquals(111, keys.size(), keys.toString()); // key:1, key:10-19, key:100-199
    assertEquals("300", run(cli, "-p", port(), "DBSIZE").trim());
  }

  /** Keys longer than 7 bytes need remembered cursors: redis-cli reads cursors as 64-bit integers. */
  @Test
  void redisCliScanWalksLongKeys() throws Exception {
    String cli = tool("redis-cli");
    for (int i = 0; i < 250; i++) {
      jedis.set(String.format("user:%06d:profile", i), "v");
    }
    List<String> keys = run(cli, "-p", port(), "--scan").lines().toList();
    assertEquals(250, keys.size(), keys.toString());
    assertEquals(keys.stream().sorted().distinct().toList(), keys, "once each, in key order");
    List<String> matched = run(cli, "-p", port(), "--scan", "--pattern", "user:0001*").lines().toList();
    assertEquals(100, matched.size(), matched.toString());
  }

  @Test
  void redisBenchmarkShortRun() throws Exception {
    String bench = tool("redis-benchmark");
    String out = run(bench, "-p", port(), "-t", "set,get,incr,mset", "-n", "2000", "-P", "16", "-c", "10", "-q");
    for (String test : new String[] {"SET", "GET", "INCR", "MSET"}) {
      assertTrue(out.contains(test) && out.contains("requests per second"), out);
    }
    assertEquals(false, out.contains("ERR"), out);
    assertEquals("2000", jedis.get("counter:__rand_int__"));
  }

  private String port() {
    return Integer.toString(server.port());
  }

  /** The tool's path on PATH; skips the test, saying why, when it is missing. */
  private static String tool(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    assumeTrue(false, name + " is not installed (Debian package redis-tools): skipping the redis-tools test");
    return null;
  }

  private String run(String... command) throws IOException, InterruptedException {
    return run(null, command);
  }

  /** Runs a command with stdin from {@code input} (or none), and returns its output; fails on a non-zero exit. */
  private String run(Path input, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true);
    pb.redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(input.toFile()));
    Path out = dir.resolve("tool-output.txt");
    pb.redirectOutput(out.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text;
  }
}
