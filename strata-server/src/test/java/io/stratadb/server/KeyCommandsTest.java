package io.stratadb.server;

import static io.stratadb.server.StringCommandsTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

class KeyCommandsTest extends ServerTestBase {

  @Test
  void delAndExistsCountKeys() {
    jedis.mset("a", "1", "b", "2");
    assertEquals(3, jedis.exists("a", "b", "a", "c"));
    assertEquals(2, jedis.del("a", "b", "c"));
    assertEquals(0, jedis.del("a"));
    assertEquals(0, jedis.exists("a", "b"));
    jedis.mset("d", "1", "e", "2");
    assertEquals(2, jedis.del("d", "e", "d"), "a key given twice counts once, as in Redis");
    assertEquals("none", jedis.type("a"));
    jedis.set("a", "1");
    assertEquals("string", jedis.type("a"));
  }

  @Test
  void scanWalksAllKeysInOrderWithCursorsAndCount() {
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      String k = String.format("key:%03d", i);
      jedis.set(k, "v");
      expected.add(k);
    }
    List<String> seen = new ArrayList<>();
    String cursor = "0";
    int calls = 0;
    do {
      ScanResult<String> r = jedis.scan(cursor, new ScanParams().count(10));
      seen.addAll(r.getResult());
      cursor = r.getCursor();
      calls++;
    } while (!cursor.equals("0"));
    assertEquals(expected, seen);
    assertEquals(6, calls);
  }

  @Test
  void scanMatchFiltersAndUsesThePrefix() {
    jedis.mset("user:1", "a", "user:2", "b", "order:1", "c", "user:10", "d", "users", "e");
    List<String> seen = new ArrayList<>();
    String cursor = "0";
    do {
      ScanResult<String> r = jedis.scan(cursor, new ScanParams().match("user:?").count(1));
      seen.addAll(r.getResult());
      cursor = r.getCursor();
    } while (!cursor.equals("0"));
    assertEquals(List.of("user:1", "user:2"), seen);
    ScanResult<String> all = jedis.scan("0", new ScanParams().match("*1*").count(100));
    assertEquals(List.of("order:1", "user:1", "user:10"), all.getResult());
    assertEquals("0", all.getCursor());
  }

  @Test
  void scanRejectsBadArguments() {
    assertEquals("ERR invalid cursor", error(() -> jedis.scan("abc")));
    assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SCAN"), "0", "COUNT", "0")));
    assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SCAN"), "0", "MATCH")));
    assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SCAN"), "0", "BOGUS", "x")));
  }

  @Test
  void dbsizeAndFlushdb() {
    assertEquals(0, jedis.dbSize());
    for (int i = 0; i < 2500; i++) {
      jedis.set("k" + i, "v");
    }
    jedis.del("k0");
    assertEquals(2499, jedis.dbSize());
    assertEquals("OK", jedis.flushDB());
    assertEquals(0, jedis.dbSize());
    assertEquals(false, jedis.exists("k1"));
    assertTrue(jedis.scan("0").getResult().isEmpty());
    jedis.set("after", "1");
    assertEquals(1, jedis.dbSize());
  }
}
