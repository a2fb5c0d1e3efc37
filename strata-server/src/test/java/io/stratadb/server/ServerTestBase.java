package io.stratadb.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** Test-only: a fresh {@link TestServer} with default settings and one Jedis client per test. */
abstract class ServerTestBase {

  @TempDir Path dir;
  TestServer server;
  Jedis jedis;

  @BeforeEach
  void startServer() {
    server = new TestServer(dir);
    jedis = server.jedis();
  }

  @AfterEach
  void stopServer() {
    jedis.close();
    server.close();
  }
}
