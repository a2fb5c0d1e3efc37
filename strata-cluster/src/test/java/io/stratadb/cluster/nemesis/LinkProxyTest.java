package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stratadb.cluster.nemesis.LinkProxy.Fault;
import io.stratadb.cluster.nemesis.LinkProxy.LinkState;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The proxy's faults against a plain echo server, with this JVM as the only known source. */
@Timeout(120) // seconds
class LinkProxyTest {
  private static final String ME = "me";

  private ServerSocket echo;
  private LinkProxy proxy;

  @BeforeEach
  void startEchoServerAndProxy() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> EchoServer.serve(echo), "echo-accept");
    t.setDaemon(true);
    t.start();
    SocketOwners owners = new SocketOwners(() -> Map.of(ME, ProcessHandle.current().pid()));
    proxy = new LinkProxy("echo", 0, new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()),
        owners);
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    echo.close();
  }

  @Test
  void forwardsBothWaysAndNamesTheSource() throws IOException {
    try (Socket s = connect()) {
      assertEquals("hello", roundTrip(s, "hello"));
      assertEquals("again", roundTrip(s, "again"));
    }
    if (SocketOwners.supported()) {
      assertEquals(Map.of(ME, 1), proxy.acceptedBySource());
      assertEquals(0, proxy.unidentifiedConnections());
    }
  }

  @Test
  void delaysEachDirection() throws IOException {
    proxy.setAll(new LinkState(Fault.NONE, 150));
    try (Socket s = connect()) {
      long start = System.nanoTime();
      assertEquals("slow", roundTrip(s, "slow"));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(millis >= 300, "a round trip through two 150 ms delays took " + millis + " ms");
    }
  }

  @Test
  void aBlackholeHoldsTheBytesUntilHealed() throws IOException {
    try (Socket s = connect()) {
      assertEquals("before", roundTrip(s, "before"));
      proxy.setAll(new LinkState(Fault.BLACKHOLE, 0));
      s.setSoTimeout(500);
      s.getOutputStream().write("held".getBytes(StandardCharsets.US_ASCII));
      assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
      try (Socket late = connect()) { // a new connection is held too
        late.setSoTimeout(500);
        late.getOutputStream().write('x');
        assertThrows(SocketTimeoutException.class, () -> late.getInputStream().read());
      }
      proxy.heal();
      s.setSoTimeout(10_000);
      assertEquals("held", readExactly(s.getInputStream(), 4));
    }
  }

  @Test
  void aCutResetsTheConnectionsAndRefusesNewOnesUntilHealed() throws IOException {
    try (Socket s = connect()) {
      assertEquals("before", roundTrip(s, "before"));
      proxy.setAll(new LinkState(Fault.CUT, 0));
      assertThrows(IOException.class, () -> roundTrip(s, "after"));
    }
    try (Socket s = connect()) {
      assertThrows(IOException.class, () -> roundTrip(s, "new"));
    }
    proxy.heal();
    try (Socket s = connect()) {
      assertEquals("healed", roundTrip(s, "healed"));
    }
  }

  @Test
  void aFaultOnAnotherSourcesLinkLeavesThisOneAlone() throws IOException {
    assumeTrue(SocketOwners.supported(), "needs /proc to tell sources apart");
    try (Socket s = connect()) {
      proxy.set("other", new LinkState(Fault.CUT, 0));
      assertEquals("mine", roundTrip(s, "mine"));
      proxy.set(ME, new LinkState(Fault.CUT, 0));
      assertThrows(IOException.class, () -> roundTrip(s, "cut"));
    }
  }

  @Test
  void aConnectionFromAProcessThatIsNoNodeIsReset() throws IOException {
    assumeTrue(SocketOwners.supported(), "needs /proc to tell sources apart");
    try (LinkProxy strangers = new LinkProxy("echo", 0,
        new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()), new SocketOwners(Map::of));
        Socket s = new Socket(InetAddress.getLoopbackAddress(), strangers.port())) {
      s.setSoTimeout(10_000);
      assertThrows(IOException.class, () -> roundTrip(s, "who"));
      assertEquals(1, strangers.unidentifiedConnections());
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(10_000);
    return s;
  }

  /**
   * Writes {@code text} and reads as many bytes back.
   *
   * @throws IOException if the connection was reset or closed first
   */
  private static String roundTrip(Socket s, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    s.getOutputStream().write(bytes);
    String back = readExactly(s.getInputStream(), bytes.length);
    assertArrayEquals(bytes, back.getBytes(StandardCharsets.US_ASCII));
    return back;
  }

  private static String readExactly(InputStream in, int n) throws IOException {
    byte[] got = in.readNBytes(n);
    if (got.length < n) {
      throw new IOException("connection closed after " + got.length + " of " + n + " bytes");
    }
    return new String(got, StandardCharsets.US_ASCII);
  }
}
