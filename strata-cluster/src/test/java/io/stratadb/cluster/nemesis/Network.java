package io.stratadb.cluster.nemesis;

import io.stratadb.cluster.nemesis.LinkProxy.Fault;
import io.stratadb.cluster.nemesis.LinkProxy.LinkState;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The links between a test cluster's nodes: one {@link LinkProxy} in front of each node's Raft
 * port, through which every node dials it. A fault between nodes a and b is set on both proxies
 * (a's for connections from b, b's for connections from a), so it covers both the connections a
 * opens to b and those b opens to a: a Raft link is a pair of connections, each carrying requests
 * one way and replies the other. One-way partitions (a hears b, b does not hear a) cannot be
 * expressed, since replies travel on the requester's connection.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class Network implements AutoCloseable {
  private final Map<String, LinkProxy> proxies;

  /** @param proxies the proxy in front of each node, by node name */
  Network(Map<String, LinkProxy> proxies) {
    this.proxies = new TreeMap<>(proxies);
  }

  /** Resets the connections between {@code a} and {@code b} and refuses new ones until healed. */
  public void cut(String a, String b) {
    set(a, b, new LinkState(Fault.CUT, 0));
  }

  /** Holds every byte between {@code a} and {@code b} until healed. */
  public void blackhole(String a, String b) {
    set(a, b, new LinkState(Fault.BLACKHOLE, 0));
  }

  /** Delays every chunk between {@code a} and {@code b} by {@code millis} (ms) each way. */
  public void delay(String a, String b, long millis) {
    set(a, b, new LinkState(Fault.NONE, millis));
  }

  /** Cuts every link of {@code node}: it is alone, the others still talk among themselves. */
  public void isolate(String node) {
    for (String other : proxies.keySet()) {
      if (!other.equals(node)) {
        cut(node, other);
      }
    }
  }

  /** Makes every link healthy again. */
  public void heal() {
    proxies.values().forEach(LinkProxy::heal);
  }

  /** The port that node {@code name} is dialled at. */
  public int proxyPort(String name) {
    return proxies.get(name).port();
  }

  /** How many connections the proxies could not attribute to a node (and reset). */
  public int unidentifiedConnections() {
    return proxies.values().stream().mapToInt(LinkProxy::unidentifiedConnections).sum();
  }

  /** Per proxy, connections accepted by source (for failure messages). */
  public String describe() {
    StringBuilder s = new StringBuilder();
    proxies.forEach((name, p) -> s.append(name).append(" <- ").append(p.acceptedBySource()).append('\n'));
    return s.toString();
  }

  private void set(String a, String b, LinkState state) {
    if (a.equals(b) || !proxies.containsKey(a) || !proxies.containsKey(b)) {
      throw new IllegalArgumentException("no link between " + a + " and " + b);
    }
    proxies.get(b).set(a, state);
    proxies.get(a).set(b, state);
  }

  /** Closes every proxy. */
  @Override
  public void close() {
    Collection<LinkProxy> all = proxies.values();
    all.forEach(LinkProxy::close);
  }
}
