package io.stratadb.server;

import static io.stratadb.server.TestServer.resp;
import static io.stratadb.server.TestServer.sendAndReadToEof;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Oversized and malformed input: an error reply, the connection closed, the server still up. */
class RequestLimiterTest {

  @TempDir Path dir;
  TestServer server;

  @BeforeEach
  void start() {
    server = new TestServer(dir, b -> b.maxBulkBytes(4096).maxRequestBytes(10_000).maxArgs(100).maxInlineBytes(1024));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void twoGigabyteBulkStringIsRefusedBeforeAnyIsBuffered() throws Exception {
    try (Socket s = server.socket()) {
      OutputStream out = s.getOutputStream();
      out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2147483648\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[64 << 10]); // the start of the 2 GB; the server must not wait for the rest
      String reply = TestServer.readToEof(s);
      assertTrue(reply.startsWith("-ERR Protocol error: invalid bulk length 2147483648"), reply);
    }
    assertServerStillServes();
  }

  @Test
  void bulkOverTheLimitIsRefused() throws Exception {
    try (Jedis jedis = server.jedis()) {
      jedis.set("small", "x".repeat(4096));
      JedisException e = assertThrows(JedisException.class, () -> jedis.set("big", "x".repeat(4097)));
      assertTrue(e.getMessage() != null, String.valueOf(e));
    }
    try (Socket s = server.socket()) {
      String reply = sendAndReadToEof(s, resp("SET", "big", "x".repeat(4097)));
      assertEquals("-ERR Protocol error: invalid bulk length 4097 (more than proto-max-bulk-len 4096)\r\n", reply);
    }
    assertServerStillServes();
    try (Jedis jedis = server.jedis()) {
      assertEquals(4096, jedis.strlen("small"));
      assertEquals(false, jedis.exists("big"));
    }
  }

  @Test
  void commandOverTheRequestLimitIsRefused() throws Exception {
    String v = "x".repeat(4000);
    try (Socket s = server.socket()) {
      String reply = sendAndReadToEof(s, resp("MSET", "a", v, "b", v, "c", v));
      assertTrue(reply.startsWith("-ERR Protocol error: request larger than client-query-buffer-limit"), reply);
    }
    try (Socket s = server.socket()) {
      String reply = sendAndReadToEof(s, "*1000\r\n".getBytes(StandardCharsets.US_ASCII));
      assertTrue(reply.startsWith("-ERR Protocol error: invalid multibulk length 1000"), reply);
    }
    assertServerStillServes();
  }

  @Test
  void aClientThatGoesOnSendingAfterAProtocolErrorStillGetsTheError() throws Exception {
    for (int round = 0; round < 5; round++) {
      try (Socket s = server.socket()) {
        OutputStream out = s.getOutputStream();
        out.write("*1\r\n$99999\r\n".getBytes(StandardCharsets.US_ASCII)); // over the 4,096-byte limit
        Thread sender = new Thread(() -> { // the rest of the upload, still arriving after the error
          try {
            for (int i = 0; i < 64; i++) {
              out.write(new byte[16 << 10]);
            }
          } catch (java.io.IOException closed) {
            // the server closed its end after the reply: the upload stops
          }
        });
        sender.start();
        // Before: the server closed at once with the upload unread, the kernel reset the connection,
        // and the reply was lost ("Connection reset").
        String reply = TestServer.readToEof(s);
        assertEquals("-ERR Protocol error: invalid bulk length 99999 (more than proto-max-bulk-len 4096)\r\n", reply);
        s.close();
        sender.join(10_000);
      }
    }
    assertServerStillServes();
  }

  @Test
  void malformedInputGetsAProtocolErrorAndIsClosed() throws Exception {
    String[][] cases = {
      {"*1\r\n$abc\r\n", "-ERR Protocol error: "},
      {"*x\r\n", "-ERR Protocol error: "},
      {"$5\r\nhello\r\n", "-ERR Protocol error: expected '*', got '$'"},
      {"*2\r\n*1\r\n$1\r\na\r\n", "-ERR Protocol error: "},
      {"*1\r\n:5\r\n", "-ERR Protocol error: expected '$', got ':'"},
      {"x".repeat(2000), "-ERR Protocol error: "},
    };
    for (String[] c : cases) {
      try (Socket s = server.socket()) {
        String reply = sendAndReadToEof(s, c[0].getBytes(StandardCharsets.US_ASCII));
        assertTrue(reply.startsWith(c[1]) && reply.endsWith("\r\n"), c[0] + " -> " + reply);
      }
    }
    assertServerStillServes();
  }

  @Test
  void randomGarbageNeverTakesTheServerDown() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] garbage = new byte[1 + random.nextInt(3000)];
      random.nextBytes(garbage);
      try (Socket s = server.socket()) {
        s.getOutputStream().write(garbage);
        s.shutdownOutput();
        TestServer.readToEof(s); // whatever it answers, it must answer and close or wait for EOF
      } catch (java.net.SocketException reset) {
        // The server may reset a connection it closed with unread input; that is an answer too.
      }
    }
    assertServerStillServes();
  }

  @Test
  void anUnfinishedRequestIsDroppedAtTheRequestTimeoutAndAFinishedOneIsNot() throws Exception {
    try (TestServer timed = new TestServer(dir.resolve("timed"), b -> b.requestTimeoutMillis(300))) {
      try (Socket s = timed.socket()) {
        // A slowloris, or an upload that stopped: the header of a 1,000-byte value, 10 bytes of it.
        s.getOutputStream().write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals("", TestServer.readToEof(s), "closed without a reply (the socket timeout is 10 s)");
      }
      try (Jedis jedis = timed.jedis()) {
        assertEquals("PONG", jedis.ping());
        Thread.sleep(600); // twice the request timeout, between requests: nothing is pending
        assertEquals("PONG", jedis.ping());
        assertEquals(false, jedis.exists("k"));
      }
    }
  }

  @Test
  void anIdleConnectionIsClosedAtTheIdleTimeout() throws Exception {
    try (TestServer timed = new TestServer(dir.resolve("idle"), b -> b.idleTimeoutMillis(300));
        Socket s = timed.socket()) {
      s.getOutputStream().write(resp("PING"));
      assertEquals("+PONG\r\n", TestServer.readToEof(s), "answered, then closed once idle (the socket timeout is 10 s)");
    }
  }

  @Test
  void aSlowUploadIsNotIdleWhileItsBytesArrive() throws Exception {
    try (TestServer timed = new TestServer(dir.resolve("slow"), b -> b.idleTimeoutMillis(400));
        Socket s = timed.socket()) {
      OutputStream out = s.getOutputStream();
      out.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1000\r\n".getBytes(StandardCharsets.US_ASCII));
      for (int i = 0; i < 10; i++) { // 1 s in all, never 400 ms without a byte
        Thread.sleep(100);
        out.write(new byte[100]);
      }
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(resp("QUIT"));
      assertEquals("+OK\r\n+OK\r\n", TestServer.readToEof(s));
    }
  }

  private void assertServerStillServes() {
    try (Jedis jedis = server.jedis()) {
      assertEquals("PONG", jedis.ping());
    }
  }
}
