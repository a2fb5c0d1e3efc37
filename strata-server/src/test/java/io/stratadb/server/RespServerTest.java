package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

class RespServerTest extends ServerTestBase {

  @Test
  void pipelinedCommandsAnswerInOrder() {
    Pipeline p = jedis.pipelined();
    List<Response<Long>> incrs = new ArrayList<>();
    List<Response<String>> gets = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      p.set("k" + i, "v" + i);
      incrs.add(p.incr("counter"));
      gets.add(p.get("k" + i));
    }
    p.sync();
    for (int i = 0; i < 1000; i++) {
      assertEquals(i + 1, incrs.get(i).get());
      assertEquals("v" + i, gets.get(i).get());
    }
  }

  @Test
  void rawPipelineInOneWriteGetsEveryReply() throws Exception {
    byte[][] parts = new byte[201][];
    for (int i = 0; i < 200; i++) {
      parts[i] = TestServer.resp("INCR", "c");
    }
    parts[200] = TestServer.resp("QUIT");
    try (Socket s = server.socket()) {
      String reply = TestServer.sendAndReadToEof(s, ConnectionCommandsTest.concat(parts));
      StringBuilder expected = new StringBuilder();
      for (int i = 1; i <= 200; i++) {
        expected.append(':').append(i).append("\r\n");
      }
      assertEquals(expected + "+OK\r\n", reply);
    }
  }

  @Test
  void manyConcurrentConnections() throws Exception {
    int clients = 200;
    ExecutorService pool = Executors.newFixedThreadPool(50);
    List<Jedis> open = new ArrayList<>();
    try {
      for (int i = 0; i < clients; i++) {
        open.add(server.jedis());
      }
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Jedis j = open.get(i);
        String key = "client:" + i;
        done.add(pool.submit(() -> {
          go.await();
          for (int n = 0; n < 20; n++) {
            j.set(key, Integer.toString(n));
            assertEquals(Integer.toString(n), j.get(key));
            j.incr("total");
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      open.forEach(Jedis::close);
      pool.shutdown();
    }
    assertEquals(Integer.toString(clients * 20), jedis.get("total"));
    assertEquals(clients + 1, jedis.dbSize());
  }

  @Test
  void closeFinishesAndClosesTheDatabaseCleanly() {
    jedis.set("k", "v");
    server.close();
    server.close(); // idempotent
    try (Db reopened = Db.open(dir, Options.defaults())) {
      assertEquals("v", new String(ValueCodec.decode(reopened.get("k".getBytes())).value()));
    }
  }

  @Test
  void aTakenPortFailsStartAndReleasesTheDatabase() {
    int taken = server.port();
    assertThrows(UncheckedIOException.class,
        () -> RespServer.start(dir.resolve("other"), Options.defaults(), ServerConfig.builder().port(taken).build()));
    try (Db reopened = Db.open(dir.resolve("other"), Options.defaults())) {
      assertEquals(null, reopened.get("k".getBytes()));
    }
  }

  @Test
  void listeningBeyondLoopbackWithoutAPasswordIsWarnedAbout() {
    assertNull(RespServer.exposureWarning(new InetSocketAddress("127.0.0.1", 6379), null));
    assertNull(RespServer.exposureWarning(new InetSocketAddress("0.0.0.0", 6379), "secret"));
    String warning = RespServer.exposureWarning(new InetSocketAddress("0.0.0.0", 6379), null);
    assertTrue(warning != null && warning.startsWith("strata serve listens on 0.0.0.0:6379, beyond this machine, "
        + "without a password"), warning);
  }

  @Test
  void maxClientsIsFittedToTheFileDescriptorLimitAsRedisDoes() {
    assertEquals(10_000, RespServer.effectiveMaxClients(10_000, -1, 1000), "limit unknown");
    assertEquals(10_000, RespServer.effectiveMaxClients(10_000, 1_048_576, 1000));
    assertEquals(20_000 - 32 - 1000, RespServer.effectiveMaxClients(100_000, 20_000, 1000));
    assertEquals(RespServer.MIN_MAX_CLIENTS, RespServer.effectiveMaxClients(10_000, 1024, 1000), "never below 64");
    assertEquals(10, RespServer.effectiveMaxClients(10, 1024, 1000), "nor above what was asked");
  }
}
