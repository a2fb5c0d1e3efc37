package io.stratadb.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Options;
import io.stratadb.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** A {@link ClusterServer} whose Raft server stops by itself shuts down instead of answering CLUSTERDOWN. */
class ClusterServerTest {

  @TempDir Path dir;

  @Test
  void aNodeWhoseRaftServerStoppedShutsDown() throws Exception {
    int raftPort;
    try (ServerSocket s = new ServerSocket(0)) {
      raftPort = s.getLocalPort();
    }
    InetSocketAddress raft = InetSocketAddress.createUnresolved("127.0.0.1", raftPort);
    NodeConfig config = new NodeConfig("n1", raft, Map.of("n1", raft), dir.resolve("n1"), false, false);
    ClusterServer server = ClusterServer.start(config, Options.defaults(),
        ServerConfig.builder().port(0).build(), new ClusterNode.Tuning(300, 1000, 16, 1 << 20));
    try {
      try (Jedis c = new Jedis("127.0.0.1", server.port(), 20_000)) {
        assertTrue("OK".equals(c.set("k", "v")));
      }
      assertFalse(server.node().raftStopped());
      CountDownLatch terminated = new CountDownLatch(1);
      Thread waiter = new Thread(() -> {
        try {
          server.awaitTermination();
          terminated.countDown();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      waiter.setDaemon(true);
      waiter.start();
      // What Ratis does after an exception it cannot recover from: it closes the group's division.
      server.node().division().close();
      // Before the fix the Redis port stayed up, answering CLUSTERDOWN, and this waited forever.
      assertTrue(terminated.await(20, TimeUnit.SECONDS), "the node shut down");
      assertTrue(server.raftFailed());
    } finally {
      server.close();
    }
  }
}
