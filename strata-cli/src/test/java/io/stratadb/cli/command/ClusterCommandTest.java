package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code strata serve --cluster} and {@code strata cluster}: their argument checks, and three nodes
 * run in this JVM through the CLI classes: a write on one is read on another, and {@code strata
 * cluster status} names the leader.
 */
class ClusterCommandTest {

  @TempDir Path tmp;

  @Test
  void clusterOptionsWithoutClusterAreAUsageError() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("n1"), "serve", "--port", "0", "--node-id", "n1");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("need --cluster"), r.err());
    assertFalse(Files.exists(tmp.resolve("n1")), "nothing created");
  }

  @Test
  void clusterWithoutItsOptionsIsAUsageError() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("n1"), "serve", "--cluster", "--node-id", "n1");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--cluster needs --node-id, --raft-address and --peers"), r.err());
  }

  @Test
  void peersWithoutThisNodeNeedJoin() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("n1"), "serve", "--cluster", "--node-id", "n1",
        "--raft-address", "127.0.0.1:7001", "--peers", "n2=127.0.0.1:7002,n3=127.0.0.1:7003");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("does not list this node (n1)"), r.err());
    assertFalse(Files.exists(tmp.resolve("n1")), "nothing created");
  }

  @Test
  void malformedAddressesAreUsageErrors() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("n1"), "serve", "--cluster", "--node-id", "n1",
        "--raft-address", "127.0.0.1", "--peers", "n1=127.0.0.1:7001");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("address '127.0.0.1' is not host:port"), r.err());
    r = CliRunner.runOn(tmp.resolve("n1"), "serve", "--cluster", "--node-id", "n1",
        "--raft-address", "127.0.0.1:7001", "--peers", "n1=127.0.0.1:7001,n1=127.0.0.1:7002");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("peer id n1 given twice"), r.err());
  }

  @Test
  void clusterActionsCheckTheirArguments() {
    CliRunner.Result r = CliRunner.run("cluster", "grow");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("unknown action 'grow': status, add or remove"), r.err());
    r = CliRunner.run("cluster", "add", "n4");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("add takes 2 arguments (ID HOST:PORT), got 1"), r.err());
    r = CliRunner.run("cluster", "status", "n1");
    assertEquals(2, r.exitCode(), r.err());
    r = CliRunner.run("cluster", "status", "--server", "localhost");
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().contains("--server localhost is not host:port"), r.err());
  }

  @Test
  void anUnreachableServerFailsWithExitOne() throws IOException {
    int closed = freePort();
    CliRunner.Result r = CliRunner.run("cluster", "status", "--server", "127.0.0.1:" + closed);
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("cannot reach 127.0.0.1:" + closed), r.err());
  }

  @Test
  void threeNodesServedByTheCliReplicateAndReportTheLeader() throws Exception {
    int[] redis = new int[3];
    StringBuilder peers = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      redis[i] = freePort();
      peers.append(i == 0 ? "" : ",").append("n").append(i + 1).append("=127.0.0.1:").append(freePort());
    }
    String peerList = peers.toString();
    ExecutorService pool = Executors.newFixedThreadPool(3);
    List<Future<CliRunner.Result>> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        String id = "n" + (i + 1);
        String raft = peerList.split(",")[i].substring(3);
        String[] args = {"serve", "--cluster", "--node-id", id, "--raft-address", raft, "--peers", peerList,
            "--port", Integer.toString(redis[i]), "--db", tmp.resolve(id).toString(), "--io-threads", "1"};
        nodes.add(pool.submit(() -> CliRunner.run(args)));
      }
      assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
        awaitWrite(redis[0], "k", "v1");
        try (Jedis j = new Jedis("127.0.0.1", redis[2])) {
          assertEquals("v1", j.get("k"), "a linearizable read on n3 sees the write acknowledged by n1");
        }
        CliRunner.Result status = CliRunner.run("cluster", "status", "--server", "127.0.0.1:" + redis[1]);
        assertEquals(0, status.exitCode(), status.err());
        String[] lines = status.outLines();
        assertTrue(lines[0].startsWith("self=n2 ") && lines[0].matches(".* leader=n[123] .*"), status.out());
        assertEquals(4, lines.length, status.out());
        for (int i = 1; i <= 3; i++) {
          assertTrue(lines[i].startsWith("n" + i + " 127.0.0.1:"), status.out());
        }
      });
    } finally {
      for (int port : redis) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
          j.shutdown();
        } catch (JedisException gone) {
          // SHUTDOWN closes the connection without a reply
        }
      }
      pool.shutdown();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "every node stopped");
    }
    for (Future<CliRunner.Result> f : nodes) {
      CliRunner.Result r = f.get();
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().startsWith("READY n"), r.out());
      assertTrue(r.out().contains("strata serve: stopped, node closed"), r.out());
    }
  }

  /** Sets {@code key} through {@code port}, retrying while the node is starting or has no leader. */
  private static void awaitWrite(int port, String key, String value) throws InterruptedException {
    while (true) {
      try (Jedis j = new Jedis("127.0.0.1", port)) {
        assertEquals("OK", j.set(key, value));
        return;
      } catch (JedisException notYet) { // not listening yet, or CLUSTERDOWN before an election
        Thread.sleep(200);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
