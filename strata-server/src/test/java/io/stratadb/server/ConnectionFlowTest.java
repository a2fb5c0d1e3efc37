package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Back-pressure between pipelined commands and the client memory budget (issue 21, items 3 and 4). */
class ConnectionFlowTest {

  @TempDir Path dir;

  /** INFO's mem_clients_normal once it has stopped changing (five equal readings 20 ms apart; at most 10 s). */
  static long settledClientMemory(Jedis jedis) throws InterruptedException {
    long previous = -1;
    int same = 0;
    for (int i = 0; i < 500 && same < 5; i++) {
      long now = clientMemory(jedis);
      same = now == previous ? same + 1 : 0;
      previous = now;
      Thread.sleep(20);
    }
    return previous;
  }

  static long clientMemory(Jedis jedis) {
    for (String line : jedis.info("memory").split("\r\n")) {
      if (line.startsWith("mem_clients_normal:")) {
        return Long.parseLong(line.substring("mem_clients_normal:".length()));
      }
    }
    throw new AssertionError("no mem_clients_normal in INFO");
  }

  /** Writes {@code request} {@code times} times to {@code s} on {@code writer}, as a client pipelining it. */
  static Future<?> writeRepeatedly(ExecutorService writer, Socket s, byte[] request, int times) {
    return writer.submit(() -> {
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < times; i++) {
        out.write(request);
      }
      out.flush();
      return null;
    });
  }

  /** Stops the writer threads; a blocked write ends when its socket is closed. */
  static void stop(ExecutorService writers) throws InterruptedException {
    writers.shutdownNow();
    assertTrue(writers.awaitTermination(10, TimeUnit.SECONDS));
  }

  @Test
  void pipelinedGetsOfAClientThatDoesNotReadQueueOneHighWaterMarkNotAllReplies() throws Exception {
    int valueBytes = 256 << 10;
    int gets = 100; // 25 MiB of replies, far beyond what the kernel's socket buffers take
    try (TestServer server = new TestServer(dir); Jedis jedis = server.jedis(); Socket s = server.socket()) {
      jedis.set("k8", "v".repeat(valueBytes));
      byte[] one = TestServer.resp("GET", "k8");
      byte[] all = new byte[one.length * gets];
      for (int i = 0; i < gets; i++) {
        System.arraycopy(one, 0, all, i * one.length, one.length);
      }
      s.getOutputStream().write(all); // one write of 2.2 KB; nothing read yet
      long queued = settledClientMemory(jedis);
      assertTrue(queued <= ServerConfig.WRITE_BUFFER_HIGH_WATER_MARK + valueBytes + (64 << 10),
          "queued " + queued + " bytes, more than the high-water mark and one reply");
      // Reading resumes the held commands: every reply arrives, whole and in order.
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] header = ("$" + valueBytes + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] reply = new byte[header.length + valueBytes + 2];
      for (int i = 0; i < gets; i++) {
        in.readFully(reply);
        assertEquals(new String(header, StandardCharsets.US_ASCII), new String(reply, 0, header.length,
            StandardCharsets.US_ASCII), "reply " + i);
      }
      s.getOutputStream().write(TestServer.resp("PING"));
      assertEquals('+', in.readByte());
    }
  }

  @Test
  void aClientThatWritesItsWholePipelineBeforeReadingIsNotDeadlocked() throws Exception {
    // redis-py's and Jedis's pipelines write every command, then read every reply. 24 MB of
    // requests and 24 MB of replies: more than the kernel's socket buffers hold both ways, so a
    // server that stopped reading while its replies wait would leave both sides blocked.
    int commands = 6000;
    String arg = "e".repeat(4096);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (TestServer server = new TestServer(dir); Socket s = server.socket()) {
      byte[] one = TestServer.resp("ECHO", arg);
      Future<?> written = writeRepeatedly(writer, s, one, commands);
      written.get(60, TimeUnit.SECONDS); // throws TimeoutException if the server stopped reading
      DataInputStream in = new DataInputStream(s.getInputStream());
      byte[] expected = ("$4096\r\n" + arg + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] reply = new byte[expected.length];
      for (int i = 0; i < commands; i++) {
        in.readFully(reply);
        assertTrue(Arrays.equals(expected, reply), "reply " + i);
      }
    } finally {
      stop(writer);
    }
  }

  @Test
  void aClientThatNeverReadsIsReadOnlyUpToTheQueryBufferLimit() throws Exception {
    long limit = 64 << 10;
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (TestServer server = new TestServer(dir, b -> b.maxRequestBytes(limit)); Jedis jedis = server.jedis()) {
      Socket s = server.socket();
      byte[] one = TestServer.resp("ECHO", "e".repeat(4096));
      writeRepeatedly(writer, s, one, 5000); // 20 MB; blocks once the server stops reading, until closed
      long held = settledClientMemory(jedis);
      // Held requests: the limit, passed by one socket read; replies: the high-water mark and one reply.
      assertTrue(held <= limit + (64 << 10) + ServerConfig.WRITE_BUFFER_HIGH_WATER_MARK + 2 * one.length, "held " + held);
      s.close();
    } finally {
      stop(writer);
    }
  }

  @Test
  void unfinishedRequestsStopBeingReadOnceTheBudgetIsSpentUntilTheRequestTimeoutDropsThem() throws Exception {
    long budget = 1 << 20;
    int senders = 5;
    int sent = 900_000; // of a declared 1,000,000-byte value that never completes
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    List<Socket> sockets = new ArrayList<>();
    try (TestServer server = new TestServer(dir, b -> b.maxClientMemory(budget).maxBulkBytes(1 << 20)
        .maxRequestBytes(budget).requestTimeoutMillis(3000));
        Jedis jedis = server.jedis()) {
      for (int i = 0; i < senders; i++) {
        Socket s = server.socket();
        sockets.add(s);
        pool.submit(() -> {
          OutputStream out = s.getOutputStream();
          out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000000\r\n".getBytes(StandardCharsets.US_ASCII));
          for (int written = 0; written < sent; written += 10_000) {
            out.write(new byte[10_000]); // blocks once the server stops reading; the socket's close ends it
          }
          return null;
        });
      }
      long held = settledClientMemory(jedis);
      // Without the budget: 5 x 900 KB. With it: the budget, passed by at most an allowance and a
      // socket read per connection.
      assertTrue(held <= budget + senders * (128L << 10), "held " + held);
      assertTrue(held >= budget, "the senders did fill the budget: " + held);
      assertEquals("PONG", jedis.ping(), "small commands still run");
      try (Jedis fresh = server.jedis()) {
        assertEquals("PONG", fresh.ping(), "and so do new connections");
      }
      // The uploads never finish: the request timeout closes their connections, which lets go of
      // what they held. (A paused connection is not read, so it is the timeout, not the client
      // closing, that frees it.)
      long left = clientMemory(jedis);
      for (int i = 0; i < 500 && left >= 4096; i++) {
        Thread.sleep(20);
        left = clientMemory(jedis);
      }
      assertTrue(left < 4096, "timed-out connections let go of what they held: " + left);
      for (Socket s : sockets) {
        assertEquals("", TestServer.readToEof(s), "closed by the server, without a reply");
      }
    } finally {
      for (Socket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // already closed above
        }
      }
      stop(pool);
    }
  }

  @Test
  void pipelinesThatPauseAndResumeOftenLoseAndReorderNothing() throws Exception {
    // Small limits, so that every pause reason comes and goes many times while four clients pipeline.
    int clients = 4;
    int commands = 2000;
    ExecutorService threads = Executors.newFixedThreadPool(2 * clients);
    try (TestServer server = new TestServer(dir, b -> b.maxRequestBytes(16 << 10).maxClientMemory(256 << 10))) {
      List<Future<?>> readers = new ArrayList<>();
      List<Socket> sockets = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        Socket s = server.socket();
        sockets.add(s);
        Random random = new Random(c);
        String[] args = new String[commands];
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < commands; i++) {
          args[i] = Integer.toString(i) + "x".repeat(random.nextInt(8 << 10));
          requests.write(TestServer.resp("ECHO", args[i]));
        }
        writeRepeatedly(threads, s, requests.toByteArray(), 1);
        readers.add(threads.submit(() -> {
          DataInputStream in = new DataInputStream(s.getInputStream());
          for (String arg : args) {
            byte[] expected = ("$" + arg.length() + "\r\n" + arg + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] reply = new byte[expected.length];
            in.readFully(reply);
            assertTrue(Arrays.equals(expected, reply), () -> "reply to " + arg.substring(0, 8));
          }
          return null;
        }));
      }
      for (Future<?> r : readers) {
        r.get(60, TimeUnit.SECONDS);
      }
      for (Socket s : sockets) {
        s.close();
      }
    } finally {
      stop(threads);
    }
  }
}
