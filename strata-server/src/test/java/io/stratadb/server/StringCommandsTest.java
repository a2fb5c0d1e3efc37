package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

class StringCommandsTest extends ServerTestBase {

  @Test
  void setAndGet() {
    assertNull(jedis.get("k"));
    assertEquals("OK", jedis.set("k", "v"));
    assertEquals("v", jedis.get("k"));
    assertEquals("OK", jedis.set("k", ""));
    assertEquals("", jedis.get("k"));
    byte[] binary = {0, (byte) 0xFF, '\r', '\n', 1};
    jedis.set("bin".getBytes(), binary);
    assertEquals(Arrays.toString(binary), Arrays.toString(jedis.get("bin".getBytes())));
  }

  @Test
  void setNxXxAndGet() {
    assertNull(jedis.set("k", "v1", SetParams.setParams().xx()));
    assertNull(jedis.get("k"));
    assertEquals("OK", jedis.set("k", "v1", SetParams.setParams().nx()));
    assertNull(jedis.set("k", "v2", SetParams.setParams().nx()));
    assertEquals("v1", jedis.get("k"));
    assertEquals("OK", jedis.set("k", "v3", SetParams.setParams().xx()));
    assertEquals("v3", jedis.setGet("k", "v4"));
    assertEquals("v4", jedis.get("k"));
    assertNull(jedis.setGet("fresh", "x"));
    // NX with GET: the old value comes back and nothing is written.
    assertEquals("v4", jedis.setGet("k", "v5", SetParams.setParams().nx()));
    assertEquals("v4", jedis.get("k"));
  }

  @Test
  void setSyntaxErrorsUseRedisText() {
    assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SET"), "k", "v", "NX", "XX")));
    assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SET"), "k", "v", "BOGUS")));
    assertEquals("ERR syntax error", error(() -> jedis.sendCommand(Cmd.of("SET"), "k", "v", "EX")));
    assertEquals("ERR invalid expire time in 'set' command",
        error(() -> jedis.sendCommand(Cmd.of("SET"), "k", "v", "PX", "0")));
    assertEquals("ERR invalid expire time in 'set' command",
        error(() -> jedis.sendCommand(Cmd.of("SET"), "k", "v", "EX", "9223372036854775807")));
    assertEquals("ERR value is not an integer or out of range",
        error(() -> jedis.sendCommand(Cmd.of("SET"), "k", "v", "EX", "ten")));
    assertEquals("ERR wrong number of arguments for 'set' command", error(() -> jedis.sendCommand(Cmd.of("SET"), "k")));
    assertNull(jedis.get("k"));
  }

  @Test
  void setnxGetdelAppendStrlen() {
    assertEquals(1, jedis.setnx("k", "a"));
    assertEquals(0, jedis.setnx("k", "b"));
    assertEquals("a", jedis.get("k"));
    assertEquals(3, jedis.append("k", "bc"));
    assertEquals(3, jedis.strlen("k"));
    assertEquals(0, jedis.strlen("missing"));
    assertEquals(2, jedis.append("new", "xy"));
    assertEquals("abc", jedis.getDel("k"));
    assertNull(jedis.getDel("k"));
    assertNull(jedis.get("k"));
  }

  @Test
  void msetAndMget() {
    assertEquals("OK", jedis.mset("a", "1", "b", "2", "a", "3"));
    assertEquals(Arrays.asList("3", "2", null), jedis.mget("a", "b", "c"));
    assertEquals("ERR wrong number of arguments for 'mset' command",
        error(() -> jedis.sendCommand(Cmd.of("MSET"), "a", "1", "b")));
    assertEquals(Arrays.asList("3", "2"), jedis.mget("a", "b"));
  }

  @Test
  void keysOverTheEngineLimitAreRefusedAndTheConnectionLives() {
    String bigKey = "k".repeat(70_000);
    String message = error(() -> jedis.set(bigKey, "v"));
    assertEquals(true, message.startsWith("ERR "), message);
    assertEquals("PONG", jedis.ping());
  }

  static String error(Runnable r) {
    return assertThrows(JedisDataException.class, r::run).getMessage();
  }
}
