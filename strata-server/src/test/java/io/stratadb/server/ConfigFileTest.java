package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  @TempDir Path dir;

  private ServerConfig.Builder read(String text) throws Exception {
    Path file = dir.resolve("strata.conf");
    Files.writeString(file, text);
    return ServerConfig.builder().configFile(file);
  }

  @Test
  void readsTheRedisStyleSubset() throws Exception {
    ServerConfig c = read("""
        # a comment, then a blank line

        port 6390
        BIND 0.0.0.0
        requirepass "pass word"
        maxclients 500
        proto-max-bulk-len 1mb
        client-query-buffer-limit 4mb
        maxmemory-clients 1gb
        max-reply-bytes 2000k
        timeout 300
        request-timeout 5
        io-threads 3
        """).build();
    assertEquals(6390, c.port());
    assertEquals("0.0.0.0", c.bind());
    assertEquals("pass word", c.requirePass());
    assertEquals(500, c.maxClients());
    assertEquals(1 << 20, c.maxBulkBytes());
    assertEquals(4L << 20, c.maxRequestBytes());
    assertEquals(1L << 30, c.maxClientMemory());
    assertEquals(2_000_000, c.maxReplyBytes());
    assertEquals(300_000, c.idleTimeoutMillis());
    assertEquals(5_000, c.requestTimeoutMillis());
    assertEquals(3, c.ioThreads());
  }

  @Test
  void laterSettingsOverrideTheFile() throws Exception {
    ServerConfig c = read("port 6390\nrequirepass fromfile\n").port(7000)
        .environment(Map.of(ServerConfig.PASSWORD_ENV, "fromenv")).build();
    assertEquals(7000, c.port());
    assertEquals("fromenv", c.requirePass());
    assertEquals("fromfile", read("requirepass fromfile\n").environment(Map.of()).build().requirePass());
    assertEquals("fromfile", read("requirepass fromfile\n").environment(Map.of(ServerConfig.PASSWORD_ENV, "")).build()
        .requirePass(), "an empty variable sets nothing");
    assertNull(read("requirepass \"\"\n").build().requirePass(), "as in Redis, an empty requirepass is none");
  }

  @Test
  void errorsNameTheLine() {
    String[][] cases = {
      {"port 6390\nsave 900 1\n", "line 2 ('save 900 1'): Bad directive or wrong number of arguments"},
      {"bogus x\n", "line 1 ('bogus x'): Bad directive or wrong number of arguments"},
      {"port\n", "line 1 ('port'): Bad directive or wrong number of arguments"},
      {"port 70000\n", "port must be between 0 and 65535, got 70000"},
      {"port x\n", "argument must be an integer, got 'x'"},
      {"maxmemory-clients 12zb\n", "argument must be a memory value (such as 64mb), got '12zb'"},
      {"requirepass \"open\n", "unbalanced quotes in request"},
      {"bind 127.0.0.1 -::1\n", "only one bind address is supported"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("strata.conf"), e.getMessage());
    }
    assertThrows(UncheckedIOException.class, () -> ServerConfig.builder().configFile(dir.resolve("missing.conf")));
  }

  @Test
  void memoryUnitsAreRedisOnes() {
    assertEquals(1000, ConfigFile.memory("1k"));
    assertEquals(1024, ConfigFile.memory("1KB"));
    assertEquals(5_000_000, ConfigFile.memory("5m"));
    assertEquals(5L << 20, ConfigFile.memory("5mb"));
    assertEquals(2_000_000_000L, ConfigFile.memory("2g"));
    assertEquals(2L << 30, ConfigFile.memory("2Gb"));
    assertEquals(123, ConfigFile.memory("123"));
  }

  @Test
  void buildRefusesLimitsThatCannotServeTheLargestValueOrRequest() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.builder().maxBulkBytes(1 << 20).maxReplyBytes(1 << 20).build());
    assertTrue(e.getMessage().startsWith("maxReplyBytes (1048576) must be at least maxBulkBytes + 64"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ServerConfig.builder().maxRequestBytes(1L << 30).maxClientMemory(1L << 29).build());
    assertTrue(e.getMessage().startsWith("maxClientMemory (536870912) must be at least maxRequestBytes"), e.getMessage());
  }
}
