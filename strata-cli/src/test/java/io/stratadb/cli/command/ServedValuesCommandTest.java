package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.cli.CliRunner;
import io.stratadb.server.RespServer;
import io.stratadb.server.ServerConfig;
import io.stratadb.server.ValueCodec;
import io.stratadb.server.ValueFormat;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** get, scan, put and load on a database strata serve created: the server's values, not its bytes. */
class ServedValuesCommandTest {
  @TempDir Path tmp;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A database as strata serve leaves it: marked, with a plain and an expired value. */
  private Path servedDatabase() {
    Path dir = tmp.resolve("served");
    RespServer.start(dir, Options.defaults(), ServerConfig.builder().port(0).build()).close();
    try (Db db = Db.open(dir)) {
      db.put(b("greeting"), ValueCodec.encode(b("hello"), ValueCodec.NO_EXPIRY));
      db.put(b("gone"), ValueCodec.encode(b("x"), 1_000)); // expired in 1970
      db.put(b("later"), ValueCodec.encode(b("soon"), System.currentTimeMillis() + 3_600_000));
    }
    return dir;
  }

  @Test
  void getAndScanShowTheServersValuesWithoutHeadersExpiredValuesOrTheMarker() {
    Path dir = servedDatabase();
    CliRunner.Result get = CliRunner.runOn(dir, "get", "greeting");
    assertEquals(0, get.exitCode(), get.err());
    assertEquals("hello", get.out().trim());
    assertNotEquals(0, CliRunner.runOn(dir, "get", "gone").exitCode(), "expired reads as absent");
    CliRunner.Result scan = CliRunner.runOn(dir, "scan");
    assertEquals(0, scan.exitCode(), scan.err());
    assertEquals("greeting\thello\nlater\tsoon\n", scan.out().replace("\r\n", "\n"));
    assertEquals("greeting\thello\n", CliRunner.runOn(dir, "scan", "--limit", "1").out().replace("\r\n", "\n"));
  }

  @Test
  void putAndLoadWriteTheServersFormatIntoItsDatabase() throws Exception {
    Path dir = servedDatabase();
    assertEquals(0, CliRunner.runOn(dir, "put", "k", "v").exitCode());
    Path file = tmp.resolve("in.tsv");
    java.nio.file.Files.writeString(file, "l1\tw1\n");
    CliRunner.Result load = CliRunner.runOn(dir, "load", file.toString());
    assertEquals(0, load.exitCode(), load.err());
    try (Db db = Db.open(dir)) {
      assertArrayEquals(b("v"), ValueFormat.TTL.decode(db.get(b("k"))).value());
      assertArrayEquals(b("w1"), ValueFormat.TTL.decode(db.get(b("l1"))).value());
    }
    assertEquals("v", CliRunner.runOn(dir, "get", "k").out().trim());
    CliRunner.Result demo = CliRunner.runOn(dir, "demo");
    assertNotEquals(0, demo.exitCode());
    assertTrue(demo.err().contains("created by strata serve"), demo.err());
  }

  @Test
  void aPlainDatabaseStaysPlain() {
    Path dir = tmp.resolve("plain");
    assertEquals(0, CliRunner.runOn(dir, "put", "user:1", "alice").exitCode());
    try (Db db = Db.open(dir)) {
      assertArrayEquals(b("alice"), db.get(b("user:1")));
    }
    assertEquals("user:1\talice\n", CliRunner.runOn(dir, "scan").out().replace("\r\n", "\n"));
  }
}
