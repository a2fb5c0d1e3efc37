package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.ReadOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/** One directory, two tools: the server on a database the library filled, and the marker it sets. */
class ValueFormatTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Looks like an expiring value in ValueCodec's format whose expiry (1 ms after 1970) has passed. */
  private static final byte[] LOOKS_EXPIRED = {1, 0, 0, 0, 0, 0, 0, 0, 1, 'x'};

  @Test
  void theServerServesALibraryDatabaseAsPlainStringsAndWritesPlainValues() {
    try (Db db = Db.open(dir)) {
      db.put(b("user:1"), b("alice"));
      db.put(b("bin"), LOOKS_EXPIRED);
      db.put(b("zero"), new byte[] {0, 'z'});
    }
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      assertEquals("alice", jedis.get("user:1"));
      assertArrayEquals(LOOKS_EXPIRED, jedis.get(b("bin")), "the whole value, no header stripped");
      assertArrayEquals(new byte[] {0, 'z'}, jedis.get(b("zero")));
      assertEquals(-1, jedis.ttl("user:1"));
      assertTrue(jedis.info("server").contains("value_format:plain\r\n"));
      assertEquals(3, jedis.dbSize());
      JedisDataException e = assertThrows(JedisDataException.class,
          () -> jedis.set("k", "v", SetParams.setParams().ex(10)));
      assertTrue(e.getMessage().contains("plain values"), e.getMessage());
      assertNull(jedis.get("k"), "the refused SET wrote nothing");
      jedis.set("k", "v");
      assertEquals(1, jedis.incr("n"));
      server.server.db().compactRange();
      assertArrayEquals(LOOKS_EXPIRED, jedis.get(b("bin")), "compaction did not read it as expired");
    }
    try (Db db = Db.open(dir)) {
      assertArrayEquals(b("v"), db.get(b("k")), "stored as the library stores values");
      assertArrayEquals(b("1"), db.get(b("n")));
      assertNull(db.get(ValueFormat.MARKER_KEY));
    }
  }

  @Test
  void aDatabaseTheServerCreatesIsMarkedAndTheMarkerIsHidden() {
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      assertEquals(0, jedis.dbSize());
      assertTrue(jedis.info("server").contains("value_format:ttl\r\n"));
      jedis.set("a", "1", SetParams.setParams().ex(100));
      assertEquals(List.of("a"), jedis.scan("0").getResult());
      jedis.flushDB();
      assertEquals(0, jedis.dbSize());
      assertEquals(ValueFormat.TTL, ValueFormat.of(server.server.db(), ReadOptions.defaults()), "FLUSHDB kept it");
    }
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      jedis.set("b", "2", SetParams.setParams().px(100_000));
      assertTrue(jedis.pttl("b") > 0);
    }
    try (Db db = Db.open(dir)) {
      assertEquals(ValueFormat.TTL, ValueFormat.of(db, ReadOptions.defaults()));
      assertEquals("2", new String(ValueFormat.TTL.decode(db.get(b("b"))).value(), StandardCharsets.UTF_8));
      db.put(ValueFormat.MARKER_KEY, b("ttl-v9"));
      assertThrows(IllegalStateException.class, () -> ValueFormat.of(db, ReadOptions.defaults()));
    }
  }

  @Test
  void clientsCanNeitherReadNorWriteTheMarker() {
    byte[] marker = ValueFormat.MARKER_KEY;
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      jedis.set("a", "1");
      assertNull(jedis.get(marker), "hidden from GET");
      assertEquals(java.util.Arrays.asList((byte[]) null), jedis.mget(marker), "hidden from MGET");
      assertThrows(JedisDataException.class, () -> jedis.del(marker));
      assertThrows(JedisDataException.class, () -> jedis.set(marker, b("x")));
      assertThrows(JedisDataException.class, () -> jedis.mset(b("b"), b("2"), marker, b("ttl-v1")));
      assertNull(jedis.get("b"), "the refused MSET wrote nothing");
      assertEquals("1", jedis.get("a"));
    }
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis()) {
      assertTrue(jedis.info("server").contains("value_format:ttl\r\n"), "still a TTL database");
      assertEquals("1", jedis.get("a"), "served without its header");
    }
  }

  @Test
  void plainRefusesExpiriesAndKeepsBytes() {
    byte[] value = {0, 1, 2};
    assertArrayEquals(value, ValueFormat.PLAIN.encode(value, ValueCodec.NO_EXPIRY));
    assertArrayEquals(value, ValueFormat.PLAIN.decode(value).value());
    assertEquals(0, ValueFormat.PLAIN.valueOffset(value));
    assertThrows(IllegalArgumentException.class, () -> ValueFormat.PLAIN.encode(value, 5));
    assertEquals(1, ValueFormat.TTL.valueOffset(ValueFormat.TTL.encode(value, ValueCodec.NO_EXPIRY)));
  }
}
