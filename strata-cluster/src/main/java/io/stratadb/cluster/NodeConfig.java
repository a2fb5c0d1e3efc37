package io.stratadb.cluster;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where one cluster node lives: its id, the address its Raft (gRPC) port binds, the addresses it
 * dials the members at, its directory and its read mode. Immutable.
 *
 * <p>The node binds {@code raftAddress}; it dials every other member at its {@code peers} address,
 * which may differ (a proxy; docs/cluster.md, "Addresses").
 *
 * @param nodeId the node's Raft peer id, e.g. {@code n1}
 * @param raftAddress host:port the node's Raft server binds
 * @param peers every member of the initial group, id to the address the others dial, in order;
 *     must name {@code nodeId} unless {@code join}
 * @param dir the node's directory: the database in {@code dir/db}, Raft storage in {@code dir/raft}
 * @param staleReads whether reads are served from the local replica without a read index
 * @param join whether the node starts outside the group, to be added by a membership change
 *     ({@code CLUSTER ADD}); it then waits for the leader to contact it
 */
public record NodeConfig(String nodeId, InetSocketAddress raftAddress, Map<String, InetSocketAddress> peers,
    Path dir, boolean staleReads, boolean join) {

  /**
   * Checks the arguments and keeps an unmodifiable copy of {@code peers}.
   *
   * @param nodeId the node's Raft peer id, e.g. {@code n1}
   * @param raftAddress host:port the node's Raft server binds
   * @param peers every member of the initial group, id to the address the others dial, in order;
   *     must name {@code nodeId} unless {@code join}
   * @param dir the node's directory: the database in {@code dir/db}, Raft storage in {@code
   *     dir/raft}
   * @param staleReads whether reads are served from the local replica without a read index
   * @param join whether the node starts outside the group, to be added by a membership change
   *     ({@code CLUSTER ADD}); it then waits for the leader to contact it
   * @throws IllegalArgumentException if an argument is null or blank, or {@code peers} is empty
   *     or lacks {@code nodeId} while {@code join} is false
   */
  public NodeConfig {
    if (nodeId == null || nodeId.isBlank() || raftAddress == null || peers == null || dir == null) {
      throw new IllegalArgumentException("node id, raft address, peers and directory are required");
    }
    if (!join && !peers.containsKey(nodeId)) {
      throw new IllegalArgumentException("--peers does not list this node (" + nodeId + "); use --join to be added later");
    }
    peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
  }

  /**
   * Parses {@code n1=127.0.0.1:7001,n2=127.0.0.1:7002}.
   *
   * @param list comma-separated {@code id=host:port} items
   * @return a new map of the members in the order given, id to unresolved address
   * @throws IllegalArgumentException if an item is not {@code id=host:port}, or an id repeats
   */
  public static Map<String, InetSocketAddress> parsePeers(String list) {
    Objects.requireNonNull(list, "peers");
    Map<String, InetSocketAddress> out = new LinkedHashMap<>();
    for (String item : list.split(",")) {
      String t = item.trim();
      if (t.isEmpty()) {
        continue;
      }
      int eq = t.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("peer '" + t + "' is not id=host:port");
      }
      if (out.put(t.substring(0, eq), parseAddress(t.substring(eq + 1))) != null) {
        throw new IllegalArgumentException("peer id " + t.substring(0, eq) + " given twice");
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no peers in '" + list + "'");
    }
    return out;
  }

  /**
   * Parses {@code host:port} (unresolved, so a name is looked up when dialled).
   *
   * @param hostPort {@code host:port}, the host a name or IP literal
   * @return the unresolved address
   * @throws IllegalArgumentException if it is not host:port with a port in 0..65535
   */
  public static InetSocketAddress parseAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("address '" + hostPort + "' is not host:port");
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address '" + hostPort + "' has no numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " out of range in '" + hostPort + "'");
    }
    return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port);
  }

  /** {@code host:port} of an address. */
  static String format(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
