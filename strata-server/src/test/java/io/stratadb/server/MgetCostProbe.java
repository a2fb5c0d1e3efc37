package io.stratadb.server;

import java.nio.file.Files;
import java.nio.file.Path;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** Temporary probe, not committed. */
public class MgetCostProbe {
  public static void main(String[] a) throws Exception {
    for (long cap : new long[] {128L << 20, 16L << 30, 128L << 20, 16L << 30}) {
      Path dir = Files.createTempDirectory("probe");
      try (TestServer server = new TestServer(dir, b -> b.maxReplyBytes(cap)); Jedis j = server.jedis()) {
        String[] keys = new String[10];
        for (int i = 0; i < 10; i++) { keys[i] = "key" + i; j.set(keys[i], "x".repeat(100)); }
        for (int round = 0; round < 3; round++) {
          long t = System.nanoTime();
          Pipeline p = j.pipelined();
          for (int i = 0; i < 50_000; i++) { p.mget(keys); }
          p.sync();
          System.out.println("cap " + cap + " round " + round + ": " + (System.nanoTime() - t) / 50_000 + " ns/mget");
        }
      }
    }
  }
}
