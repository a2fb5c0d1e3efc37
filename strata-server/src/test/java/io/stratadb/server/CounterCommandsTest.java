package io.stratadb.server;

import static io.stratadb.server.StringCommandsTest.error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class CounterCommandsTest extends ServerTestBase {

  @Test
  void incrementsAndDecrements() {
    assertEquals(1, jedis.incr("c"));
    assertEquals(11, jedis.incrBy("c", 10));
    assertEquals(10, jedis.decr("c"));
    assertEquals(-5, jedis.decrBy("c", 15));
    assertEquals("-5", jedis.get("c"));
    jedis.set("n", "41");
    assertEquals(42, jedis.incr("n"));
  }

  @Test
  void nonIntegersAndOverflowAreRefusedWithRedisText() {
    jedis.set("s", "abc");
    assertEquals("ERR value is not an integer or out of range", error(() -> jedis.incr("s")));
    jedis.set("s", " 1");
    assertEquals("ERR value is not an integer or out of range", error(() -> jedis.incr("s")));
    assertEquals("ERR value is not an integer or out of range",
        error(() -> jedis.sendCommand(Cmd.of("INCRBY"), "c", "1.5")));
    jedis.set("max", Long.toString(Long.MAX_VALUE));
    assertEquals("ERR increment or decrement would overflow", error(() -> jedis.incr("max")));
    assertEquals(Long.toString(Long.MAX_VALUE), jedis.get("max"));
    assertEquals("ERR decrement would overflow", error(() -> jedis.decrBy("c", Long.MIN_VALUE)));
  }

  @Test
  void concurrentIncrementsFromManyConnectionsAreAtomic() throws Exception {
    int threads = 8;
    int increments = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          try (Jedis j = server.jedis()) {
            for (int i = 0; i < increments; i++) {
              j.incr("counter");
              j.incrBy("by-two", 2);
              j.append("log", "x");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(Integer.toString(threads * increments), jedis.get("counter"));
    assertEquals(Integer.toString(2 * threads * increments), jedis.get("by-two"));
    assertEquals(threads * increments, jedis.strlen("log"));
  }
}
