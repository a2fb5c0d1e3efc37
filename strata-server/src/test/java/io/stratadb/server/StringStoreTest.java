package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;

/** TTLs: hidden on read at expiry (the test moves the server's clock), dropped by compaction. */
class StringStoreTest extends ServerTestBase {

  @Test
  void pxValueExpiresWhenTheClockPassesIt() {
    jedis.set("k", "v", SetParams.setParams().px(100));
    jedis.set("forever", "v");
    assertEquals("v", jedis.get("k"));
    assertEquals(100, jedis.pttl("k"));
    assertEquals(-1, jedis.pttl("forever"));
    server.clock.addAndGet(99);
    assertEquals("v", jedis.get("k"));
    server.clock.addAndGet(1);
    assertNull(jedis.get("k"));
    assertEquals(-2, jedis.pttl("k"));
    assertEquals(false, jedis.exists("k"));
    assertEquals(0, jedis.strlen("k"));
    assertEquals(1, jedis.dbSize());
    assertEquals(List.of("forever"), jedis.scan("0", new ScanParams().count(100)).getResult());
    assertEquals(1, jedis.setnx("k", "again"));
    assertEquals(-1, jedis.ttl("k"));
  }

  @Test
  void exAndAbsoluteExpiries() {
    long now = server.clock.get();
    jedis.set("ex", "v", SetParams.setParams().ex(10));
    jedis.set("exat", "v", SetParams.setParams().exAt(now / 1000 + 20));
    jedis.set("pxat", "v", SetParams.setParams().pxAt(now + 30_000));
    assertEquals(10, jedis.ttl("ex"));
    server.clock.addAndGet(10_000);
    assertNull(jedis.get("ex"));
    assertEquals("v", jedis.get("pxat"));
    server.clock.addAndGet(20_000);
    assertNull(jedis.get("exat"));
    assertNull(jedis.get("pxat"));
  }

  @Test
  void writesKeepOrDropTheTtlAsRedisDoes() {
    jedis.set("c", "1", SetParams.setParams().px(1000));
    jedis.incr("c");
    jedis.append("c", "0");
    assertEquals(1000, jedis.pttl("c"));
    jedis.set("c", "5", SetParams.setParams().keepTtl());
    assertEquals(1000, jedis.pttl("c"));
    jedis.set("c", "6");
    assertEquals(-1, jedis.pttl("c"));
    jedis.set("c", "7", SetParams.setParams().px(5));
    server.clock.addAndGet(5);
    assertEquals(1, jedis.incr("c"));
    assertEquals(-1, jedis.pttl("c"));
  }

  @Test
  void compactionDropsExpiredValuesOnly() {
    jedis.set("gone", "v", SetParams.setParams().px(100));
    jedis.set("later", "v", SetParams.setParams().px(100_000));
    jedis.set("plain", "v");
    byte[] gone = "gone".getBytes(StandardCharsets.UTF_8);
    server.server.db().compactRange();
    assertNotNull(server.server.db().get(gone), "not expired yet: compaction keeps it");
    server.clock.addAndGet(100);
    server.server.db().compactRange();
    assertNull(server.server.db().get(gone));
    assertArrayEquals(ValueCodec.encode("v".getBytes(), 0), server.server.db().get("plain".getBytes()));
    assertNotNull(server.server.db().get("later".getBytes()));
    assertEquals("v", jedis.get("later"));
  }
}
