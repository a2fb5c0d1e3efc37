package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The process harness on stand-in nodes ({@link FakeNodeMain}): signals, restarts, clean-up. */
@Timeout(300) // seconds
class ClusterHarnessTest {
  @TempDir Path dir;

  @Test
  void killsPausesTerminatesRestartsAndLeavesNoProcessBehind() throws Exception {
    List<Long> pids = new ArrayList<>();
    try (Cluster cluster = Cluster.create(dir, 3, FakeNodeMain.class.getName(), List.of())) {
      cluster.startAll();
      for (String n : cluster.names()) {
        assertEquals("ping", echo(cluster.redisPort(n), "ping", 10_000), n);
        pids.add(cluster.node(n).pid());
      }

      NodeProcess n2 = cluster.node("n2");
      n2.pause();
      assertThrows(SocketTimeoutException.class, () -> echo(cluster.redisPort("n2"), "stopped", 700));
      n2.resume();
      assertEquals("back", echo(cluster.redisPort("n2"), "back", 10_000));

      NodeProcess n1 = cluster.node("n1");
      long killed = n1.pid();
      n1.kill();
      assertFalse(n1.isAlive());
      assertFalse(ProcessHandle.of(killed).map(ProcessHandle::isAlive).orElse(false));
      assertThrows(IOException.class, () -> echo(cluster.redisPort("n1"), "dead", 2_000));
      assertFalse(Files.exists(cluster.dbDir("n1").resolve("stopped")), "SIGKILL ran no shutdown hook");
      n1.start();
      pids.add(n1.pid());
      assertEquals(List.of("start", "start"), Files.readAllLines(cluster.dbDir("n1").resolve("starts")));
      assertEquals("again", echo(cluster.redisPort("n1"), "again", 10_000));

      NodeProcess n3 = cluster.node("n3");
      assertEquals(143, n3.terminate(), "128 + SIGTERM after the shutdown hooks ran");
      assertTrue(Files.exists(cluster.dbDir("n3").resolve("stopped")));

      n2.pause(); // close must end a stopped node too
    }
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " survived");
    }
  }

  @Test
  void aNodeHaltsWhenItsParentDies() throws Exception {
    Process parent = new ProcessBuilder("sleep", "600").start();
    Process node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", NodeProcess.testClassPath(), ParentWatchdog.class.getName(), Long.toString(parent.pid()),
        FakeNodeMain.class.getName(), "--node-id", "orphan", "--port", "0", "--db", dir.resolve("orphan").toString())
        .redirectErrorStream(true).start();
    try {
      String ready = new String(node.getInputStream().readNBytes("READY orphan".length()));
      assertEquals("READY orphan", ready);
      assertTrue(node.isAlive());
      parent.destroyForcibly().waitFor();
      assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the node outlived its parent");
      assertEquals(3, node.exitValue());
    } finally {
      parent.destroyForcibly();
      node.destroyForcibly();
    }
  }

  private static String echo(int port, String text, int timeoutMillis) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(timeoutMillis);
      s.getOutputStream().write(text.getBytes());
      byte[] back = s.getInputStream().readNBytes(text.length());
      if (back.length < text.length()) {
        throw new IOException("closed after " + back.length + " bytes");
      }
      return new String(back);
    }
  }
}
