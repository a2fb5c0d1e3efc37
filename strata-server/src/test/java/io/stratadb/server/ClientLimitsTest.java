package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class ClientLimitsTest {

  @TempDir Path dir;

  @Test
  void clientsBeyondTheLimitAreToldAndClosed() throws Exception {
    try (TestServer server = new TestServer(dir, b -> b.maxClients(2));
        Jedis first = server.jedis()) {
      Jedis second = server.jedis();
      assertEquals("PONG", first.ping());
      assertEquals("PONG", second.ping());
      try (Socket third = server.socket()) {
        assertEquals("-ERR max number of clients reached\r\n", TestServer.readToEof(third));
      }
      second.close();
      // The server counts the closed connection once its close is processed: poll for that state.
      String reply = "";
      for (int attempt = 0; attempt < 500 && !reply.equals("+PONG\r\n"); attempt++) {
        try (Socket again = server.socket()) {
          reply = TestServer.sendAndReadToEof(again, ConnectionCommandsTest.concat(TestServer.resp("PING"),
              TestServer.resp("QUIT"))).replace("+OK\r\n", "");
        }
        if (!reply.equals("+PONG\r\n")) {
          Thread.sleep(10);
        }
      }
      assertEquals("+PONG\r\n", reply);
      assertEquals("PONG", first.ping());
    }
  }
}
