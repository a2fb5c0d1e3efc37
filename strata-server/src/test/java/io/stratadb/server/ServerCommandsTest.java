package io.stratadb.server;

import static io.stratadb.server.StringCommandsTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.DbClosedException;
import io.stratadb.Options;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.SafeEncoder;

class ServerCommandsTest {

  @TempDir Path dir;

  @Test
  void infoReportsEngineStats() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      jedis.set("k", "v");
      String info = jedis.info();
      assertTrue(info.contains("# Server\r\nredis_version:"), info);
      assertTrue(info.contains("connected_clients:1"), info);
      assertTrue(info.contains("# Strata\r\n"), info);
      assertTrue(info.contains("last_sequence:2\r\n"), info); // the value-format marker, then k
      String strata = jedis.info("strata");
      assertTrue(strata.startsWith("# Strata\r\n") && !strata.contains("# Server"), strata);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void commandDescribesTheTable() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      long count = (Long) jedis.sendCommand(Cmd.of("COMMAND"), "COUNT");
      List<Object> all = (List<Object>) jedis.sendCommand(Cmd.of("COMMAND"));
      assertEquals(count, all.size());
      List<Object> info = (List<Object>) jedis.sendCommand(Cmd.of("COMMAND"), "INFO", "get", "nope");
      List<Object> get = (List<Object>) info.get(0);
      assertEquals("get", SafeEncoder.encode((byte[]) get.get(0)));
      assertEquals(2L, get.get(1));
      assertEquals(1L, get.get(3));
      assertEquals(null, info.get(1));
      assertEquals(List.of(), jedis.sendCommand(Cmd.of("COMMAND"), "DOCS"));
      List<Object> config = (List<Object>) jedis.sendCommand(Cmd.of("CONFIG"), "GET", "save");
      assertEquals(2, config.size());
      List<Object> limits = (List<Object>) jedis.sendCommand(Cmd.of("CONFIG"), "GET", "MAXMEMORY-*", "*timeout");
      assertEquals(List.of("maxmemory-clients", Long.toString(ServerConfig.builder().build().maxClientMemory()),
          "timeout", "0", "request-timeout", "60"), limits.stream().map(o -> SafeEncoder.encode((byte[]) o)).toList());
      assertTrue(error(() -> jedis.sendCommand(Cmd.of("CONFIG"), "SET", "save", "")).startsWith("ERR unknown subcommand"));
    }
  }

  @Test
  void shutdownClosesTheDatabaseAndKeepsEveryAcknowledgedWrite() throws Exception {
    TestServer server = new TestServer(dir);
    try (Jedis jedis = server.jedis()) {
      for (int i = 0; i < 100; i++) {
        jedis.incr("c");
      }
      assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SHUTDOWN"), "bogus")));
      jedis.shutdown();
    }
    server.server.awaitTermination();
    assertThrows(DbClosedException.class, () -> server.server.db().get(new byte[] {1}));
    try (Db reopened = Db.open(dir, Options.defaults())) {
      assertEquals("100", new String(ValueCodec.decode(reopened.get("c".getBytes())).value()));
    }
    server.close();
  }
}
