package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * A replicated server ({@link RespServer#startReplicated}) with one event loop and a stand-in
 * {@link Replication} whose first commit waits on a latch, as a write waits for its Raft entry:
 * other connections on the same event loop are served meanwhile, and the waiting connection's
 * later commands run after it, in order, their writes in one commit.
 */
class ReplicatedConnectionsTest {

  @TempDir Path dir;
  private Db db;
  private RespServer server;
  private final GatedReplication replication = new GatedReplication();

  /** Applies each commit to the database; the first after {@link #armed} waits for {@link #release}. */
  private final class GatedReplication implements Replication {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> commits = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger readBarriers = new AtomicInteger();

    @Override
    public void commit(WriteBatch batch, List<Expectation> expected) {
      if (armed.compareAndSet(true, false)) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      commits.add(batch.count());
      db.write(batch);
    }

    @Override
    public void awaitReadable() {
      readBarriers.incrementAndGet();
    }

    @Override
    public Map<String, Object> info() {
      return Map.of("role", "master");
    }

    @Override
    public List<Object> role() {
      return List.of("master", 0L, List.of());
    }

    @Override
    public Object cluster(List<String> args) {
      return "OK";
    }
  }

  @BeforeEach
  void start() {
    ServerConfig config = ServerConfig.builder().port(0).ioThreads(1).build();
    db = Db.open(dir, RespServer.databaseOptions(Options.defaults(), config));
    server = RespServer.startReplicated(db, Options.defaults(), config, replication);
  }

  @AfterEach
  void stop() {
    replication.release.countDown();
    server.close();
    db.close();
  }

  private Socket socket() throws IOException {
    Socket s = new Socket("127.0.0.1", server.port());
    s.setSoTimeout(10_000);
    return s;
  }

  /** Sends a SET whose commit then waits, and returns once it waits. */
  private Socket blockedWriter() throws Exception {
    replication.armed.set(true);
    Socket a = socket();
    a.getOutputStream().write(TestServer.resp("SET", "slow", "1"));
    assertTrue(replication.entered.await(10, TimeUnit.SECONDS), "the SET reached the commit");
    return a;
  }

  private static String read(Socket s, int bytes) throws IOException {
    InputStream in = s.getInputStream();
    return new String(in.readNBytes(bytes), StandardCharsets.UTF_8);
  }

  @Test
  void aWriteWaitingForItsCommitDoesNotHoldUpAnotherConnectionOnTheSameEventLoop() throws Exception {
    try (Socket a = blockedWriter(); Jedis b = new Jedis("127.0.0.1", server.port(), 10_000)) {
      // Before commands left the event loop, these timed out: the one event loop was waiting in A's commit.
      assertEquals("OK", b.set("other", "x"));
      assertEquals("x", b.get("other"));
      assertNull(b.get("slow"), "A's write is not applied before its commit");
      replication.release.countDown();
      assertEquals("+OK\r\n", read(a, 5));
      assertEquals("1", b.get("slow"));
    }
  }

  @Test
  void aBlindWriteWaitingForItsCommitDoesNotHoldItsKeysStripe() throws Exception {
    try (Socket a = blockedWriter(); Jedis b = new Jedis("127.0.0.1", server.port(), 10_000)) {
      // Before, B waited for the stripe of "slow" that A held through its commit, and timed out.
      assertEquals("OK", b.set("slow", "2"));
      assertEquals("2", b.get("slow"));
      replication.release.countDown();
      assertEquals("+OK\r\n", read(a, 5));
      assertEquals("1", b.get("slow"), "A's entry came after B's");
    }
  }

  @Test
  void commandsSentDuringTheWaitRunAfterItInOrder() throws Exception {
    try (Socket a = blockedWriter()) {
      a.getOutputStream().write(ConnectionCommandsTest.concat(TestServer.resp("GET", "slow"), TestServer.resp("INCR", "n"),
          TestServer.resp("GET", "n"), TestServer.resp("DEL", "slow"), TestServer.resp("EXISTS", "slow")));
      replication.release.countDown();
      String expected = "+OK\r\n$1\r\n1\r\n:1\r\n$1\r\n1\r\n:1\r\n:0\r\n";
      assertEquals(expected, read(a, expected.length()));
    }
  }

  @Test
  void writesPipelinedDuringTheWaitGoAsOneCommit() throws Exception {
    String value = "v".repeat(1000);
    try (Socket a = blockedWriter(); Jedis b = new Jedis("127.0.0.1", server.port(), 10_000)) {
      String[][] sets = new String[10][];
      for (int i = 0; i < 10; i++) {
        sets[i] = new String[] {"SET", "k" + i, value};
      }
      send(a, sets);
      awaitHeld(b, sets);
      replication.release.countDown();
      String expected = "+OK\r\n".repeat(11);
      assertEquals(expected, read(a, expected.length()));
    }
    assertEquals(List.of(1, 10), replication.commits, "the gated SET, then the ten pipelined SETs in one commit");
  }

  @Test
  void readsOfOneRoundShareOneReadBarrier() throws Exception {
    try (Socket a = blockedWriter(); Jedis b = new Jedis("127.0.0.1", server.port(), 10_000)) {
      String[][] commands = {{"GET", "slow"}, {"EXISTS", "slow"}, {"SET", "slow", "2"}, {"GET", "slow"},
          {"MGET", "slow", "none"}};
      send(a, commands);
      awaitHeld(b, commands); // all five wait for A's first round, so they go as one round
      assertEquals(0, replication.readBarriers.get(), "the SET's own round read nothing");
      replication.release.countDown();
      String expected = "+OK\r\n$1\r\n1\r\n:1\r\n+OK\r\n$1\r\n2\r\n*2\r\n$1\r\n2\r\n$-1\r\n";
      assertEquals(expected, read(a, expected.length()));
    }
    // Before, each read command waited for its own read index: 4 here.
    assertEquals(1, replication.readBarriers.get(), "one read index for the round's four reads");
  }

  private static void send(Socket s, String[][] commands) throws IOException {
    byte[] bytes = new byte[0];
    for (String[] c : commands) {
      bytes = ConnectionCommandsTest.concat(bytes, TestServer.resp(c));
    }
    s.getOutputStream().write(bytes);
  }

  /**
   * Waits until the server holds all of {@code commands} (sent while a round runs): they count in
   * the client memory INFO reports, as {@link RequestDecoder} counts them, until they run.
   */
  private static void awaitHeld(Jedis b, String[][] commands) throws InterruptedException {
    long bytes = 0;
    for (String[] c : commands) {
      for (String arg : c) {
        bytes += RequestDecoder.ARG_OVERHEAD_BYTES + arg.getBytes(StandardCharsets.UTF_8).length;
      }
    }
    while (Long.parseLong(field(b.info("memory"), "mem_clients_normal")) < bytes) {
      Thread.sleep(10);
    }
  }

  private static String field(String info, String name) {
    for (String line : info.split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    throw new AssertionError(name + " not in " + info);
  }
}
