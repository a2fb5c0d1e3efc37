package io.stratadb.cluster.nemesis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy in front of one node's Raft port, injecting faults per source: every node dials
 * this node through it (the cluster's {@code --peers} name the proxy, the node binds the port
 * behind it), and the proxy tells which node opened each connection ({@link SocketOwners}), so a
 * fault applies to one link (source to this destination) or to all of them.
 *
 * <p>The faults, for the bytes of a link in both directions (a connection carries requests and
 * their replies):
 *
 * <ul>
 *   <li>{@link Fault#BLACKHOLE}: nothing is forwarded; the bytes wait (the proxy stops reading
 *       when 64 chunks wait, so TCP's flow control holds the sender), as in a network that drops
 *       every packet while TCP retransmits. New connections are accepted and held the same way.
 *       On heal the streams resume intact, unless a peer gave up on them meanwhile.
 *   <li>{@link Fault#CUT}: the link's connections are reset, and new ones are reset at once.
 *   <li>a delay: each chunk is forwarded {@code delayMillis} after it arrived (order kept).
 * </ul>
 *
 * <p>A connection from a process that is none of the known nodes is reset: it cannot be
 * attributed to a link, and on a shared machine it may be another test's node dialling a port it
 * used before ({@link #unidentifiedConnections()} counts them). One whose client end is gone by
 * the time the proxy looks (the client closed it, or was killed) is closed. Without {@code /proc}
 * (not Linux) no connection can be attributed: each gets the state set for all sources.
 *
 * <p>Thread safety: every method may be called from any thread. Each connection uses four daemon
 * threads (a reader and a writer per direction).
 */
public final class LinkProxy implements AutoCloseable {
  /** What a link does with the bytes it carries. */
  public enum Fault {
    /** Forwards (after the link's delay). */
    NONE,
    /** Holds every byte until healed. */
    BLACKHOLE,
    /** Resets the connections, and new ones at once. */
    CUT
  }

  /**
   * The state of a link.
   *
   * @param fault what happens to its bytes
   * @param delayMillis added to each chunk's forwarding, in ms, {@code >= 0}
   */
  public record LinkState(Fault fault, long delayMillis) {
    /** Forwards at once. */
    public static final LinkState HEALTHY = new LinkState(Fault.NONE, 0);

    /** @throws IllegalArgumentException if {@code delayMillis < 0} or {@code fault} is null */
    public LinkState {
      if (fault == null || delayMillis < 0) {
        throw new IllegalArgumentException("fault " + fault + ", delay " + delayMillis + " ms");
      }
    }
  }

  private static final int CHUNK_BYTES = 16 * 1024;
  private static final int QUEUED_CHUNKS = 64;
  private static final byte[] EOF = new byte[0];

  private final String destination;
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final SocketOwners owners;
  private final Thread acceptor;

  // Guarded by lock; writers wait on it for a fault to heal or a delay to pass.
  private final Object lock = new Object();
  private final Map<String, LinkState> bySource = new HashMap<>();
  private LinkState forAll = LinkState.HEALTHY;
  private final Set<Connection> connections = new HashSet<>();
  private final Map<String, Integer> accepted = new TreeMap<>();
  private int unidentified;
  private boolean closed;

  /**
   * Starts a proxy that listens on {@code 127.0.0.1:listenPort} and forwards to {@code target}.
   *
   * @param destination the name of the node behind it (for thread names and messages)
   * @param listenPort the port to listen on, 0 for any free one
   * @param owners tells the source node of a connection
   * @throws UncheckedIOException if the port cannot be bound
   */
  public LinkProxy(String destination, int listenPort, InetSocketAddress target, SocketOwners owners) {
    this.destination = destination;
    this.target = target;
    this.owners = owners;
    try {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort));
    } catch (IOException e) {
      throw new UncheckedIOException("proxy for " + destination + " cannot listen on " + listenPort, e);
    }
    acceptor = new Thread(this::acceptLoop, "proxy-" + destination + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The port this proxy listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /**
   * Sets the state of the link from {@code source} (a node name) to this proxy's destination.
   * A {@link Fault#CUT} resets the link's open connections.
   */
  public void set(String source, LinkState state) {
    synchronized (lock) {
      bySource.put(source, state);
      lock.notifyAll();
    }
    cutWhereCut();
  }

  /** Sets the state of every link to this destination, forgetting per-source states. */
  public void setAll(LinkState state) {
    synchronized (lock) {
      bySource.clear();
      forAll = state;
      lock.notifyAll();
    }
    cutWhereCut();
  }

  /** Makes every link to this destination healthy again. */
  public void heal() {
    setAll(LinkState.HEALTHY);
  }

  /**
   * Connections accepted so far, by source node name ({@code "?"} for unidentified ones, {@link
   * SocketOwners#GONE} for those whose client was gone).
   */
  public Map<String, Integer> acceptedBySource() {
    synchronized (lock) {
      return new TreeMap<>(accepted);
    }
  }

  /** How many connections came from a process the proxy could not identify (reset, on Linux). */
  public int unidentifiedConnections() {
    synchronized (lock) {
      return unidentified;
    }
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    List<Connection> open;
    synchronized (lock) {
      closed = true;
      open = new ArrayList<>(connections);
      lock.notifyAll();
    }
    closeQuietly(server);
    open.forEach(c -> c.close(false));
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "proxy " + port() + " -> " + destination + " " + target + " all " + forAll + " by source " + bySource;
    }
  }

  private LinkState stateOf(String source) {
    assert Thread.holdsLock(lock);
    return source == null ? forAll : bySource.getOrDefault(source, forAll);
  }

  private void cutWhereCut() {
    List<Connection> toCut = new ArrayList<>();
    synchronized (lock) {
      for (Connection c : connections) {
        if (stateOf(c.source).fault() == Fault.CUT) {
          toCut.add(c);
        }
      }
    }
    toCut.forEach(c -> c.close(true));
  }

  private void acceptLoop() {
    while (true) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      String source;
      try {
        source = owners.ownerOf(client.getPort(), server.getLocalPort());
      } catch (IOException e) {
        source = null;
      }
      Connection c;
      synchronized (lock) {
        accepted.merge(source == null ? "?" : source, 1, Integer::sum);
        if (source == null) {
          unidentified++;
        }
        boolean stranger = source == null && SocketOwners.supported();
        if (stranger || SocketOwners.GONE.equals(source) || closed || stateOf(source).fault() == Fault.CUT) {
          reset(client);
          continue;
        }
        c = new Connection(source, client);
        connections.add(c);
      }
      c.start();
    }
  }

  /** One proxied connection: the client's socket and ours to the destination. */
  private final class Connection {
    final String source;
    final Socket client;
    final Socket upstream = new Socket();
    private boolean done; // guarded by lock

    Connection(String source, Socket client) {
      this.source = source;
      this.client = client;
    }

    void start() {
      Thread connector = new Thread(() -> {
        try {
          upstream.connect(target, 5_000);
          client.setTcpNoDelay(true);
          upstream.setTcpNoDelay(true);
          pump(client, upstream, "up");
          pump(upstream, client, "down");
        } catch (IOException e) {
          close(true); // the destination is down: the client sees a reset, as without a proxy
        }
      }, name("connect"));
      connector.setDaemon(true);
      connector.start();
    }

    private String name(String what) {
      return "proxy-" + (source == null ? "?" : source) + "->" + destination + "-" + what;
    }

    private void pump(Socket from, Socket to, String direction) throws IOException {
      BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      Thread reader = new Thread(() -> {
        try {
          while (true) {
            byte[] buffer = new byte[CHUNK_BYTES];
            int n = in.read(buffer);
            byte[] bytes = n < 0 ? EOF : java.util.Arrays.copyOf(buffer, n);
            queue.put(new Chunk(System.nanoTime(), bytes));
            if (n < 0) {
              return;
            }
          }
        } catch (IOException | InterruptedException e) {
          close(false);
        }
      }, name(direction + "-read"));
      Thread writer = new Thread(() -> {
        try {
          while (true) {
            Chunk chunk = queue.take();
            if (chunk.bytes() == EOF || !awaitForwarding(chunk.arrivalNanos())) {
              close(false);
              return;
            }
            out.write(chunk.bytes());
            out.flush();
          }
        } catch (IOException | InterruptedException e) {
          close(false);
        }
      }, name(direction + "-write"));
      reader.setDaemon(true);
      writer.setDaemon(true);
      reader.start();
      writer.start();
    }

    /** Waits until the link lets a chunk that arrived at {@code arrivalNanos} through; false if closed. */
    private boolean awaitForwarding(long arrivalNanos) throws InterruptedException {
      synchronized (lock) {
        while (true) {
          if (done || closed) {
            return false;
          }
          LinkState state = stateOf(source);
          if (state.fault() == Fault.BLACKHOLE) {
            lock.wait();
            continue;
          }
          long wait = arrivalNanos + TimeUnit.MILLISECONDS.toNanos(state.delayMillis()) - System.nanoTime();
          if (wait <= 0) {
            return true;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, wait);
        }
      }
    }

    void close(boolean reset) {
      synchronized (lock) {
        if (done) {
          return;
        }
        done = true;
        connections.remove(this);
        lock.notifyAll();
      }
      if (reset) {
        reset(client);
        reset(upstream);
      } else {
        closeQuietly(client);
        closeQuietly(upstream);
      }
    }
  }

  private record Chunk(long arrivalNanos, byte[] bytes) {}

  /** Closes {@code s} with an RST (linger 0), as a dropped connection looks to its peer. */
  private static void reset(Socket s) {
    try {
      if (!s.isClosed()) {
        s.setSoLinger(true, 0);
      }
    } catch (IOException e) {
      // Not connected: a plain close below is all there is to do.
    }
    closeQuietly(s);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // A proxy socket being discarded: nothing it held needs keeping.
    }
  }
}
