package io.stratadb.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;

/**
 * Membership changes and status through Ratis' {@code admin().setConfiguration} (joint consensus):
 * add a node (which catches up from the leader, by snapshot if the log it needs was purged),
 * remove one, or both at once to replace a dead node. Each call returns once the new configuration
 * is committed. Thread-safe; concurrent changes are refused by Ratis (one reconfiguration at a
 * time).
 */
public final class Membership {

  private final ClusterNode node;

  /** @param node the node whose client sends the changes (any member) */
  public Membership(ClusterNode node) {
    this.node = node;
  }

  /**
   * {@return the members now, id to the address the others dial, as this node knows them}
   *
   * @throws IOException if this node's Raft division cannot be read (its server is closed or it is
   *     not a member yet)
   */
  public Map<String, String> members() throws IOException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (RaftPeer p : current()) {
      out.put(p.getId().toString(), p.getAddress());
    }
    return out;
  }

  private Collection<RaftPeer> current() throws IOException {
    return node.division().getRaftConf().getCurrentPeers();
  }

  /**
   * Adds {@code id}, dialled at {@code address}; start it first with {@code --join}.
   *
   * @param id the new member's Raft peer id
   * @param address the address the members dial it at
   * @throws IllegalArgumentException if {@code id} is a member already
   * @throws ClusterException if the change fails
   * @throws IOException if this node's Raft division cannot be read or the request cannot be sent
   */
  public void add(String id, InetSocketAddress address) throws IOException {
    List<RaftPeer> next = new ArrayList<>(current());
    if (next.stream().anyMatch(p -> p.getId().toString().equals(id))) {
      throw new IllegalArgumentException(id + " is a member already");
    }
    next.addAll(ClusterNode.peers(Map.of(id, address)));
    change(next);
  }

  /**
   * Removes {@code id} (live or dead).
   *
   * @param id the member's Raft peer id
   * @throws IllegalArgumentException if {@code id} is not a member, or is the last one
   * @throws ClusterException if the change fails
   * @throws IOException if this node's Raft division cannot be read or the request cannot be sent
   */
  public void remove(String id) throws IOException {
    List<RaftPeer> next = new ArrayList<>(current());
    if (!next.removeIf(p -> p.getId().toString().equals(id))) {
      throw new IllegalArgumentException(id + " is not a member");
    }
    if (next.isEmpty()) {
      throw new IllegalArgumentException("cannot remove the last member");
    }
    change(next);
  }

  private void change(List<RaftPeer> next) throws IOException {
    RaftClientReply reply = node.client().admin().setConfiguration(next);
    if (!reply.isSuccess()) {
      throw new ClusterException("membership change to " + next + " failed: " + reply.getException(), true,
          reply.getException());
    }
  }

  /**
   * One line per member: {@code id address role commit=<index>} and, on the leader, {@code
   * lag=<entries>} behind its commit index; first a line for this node.
   *
   * @return the lines, this node's first
   * @throws IOException if this node's Raft division cannot be read
   */
  public List<String> status() throws IOException {
    RaftServer.Division d = node.division();
    List<String> out = new ArrayList<>();
    long commit = d.getRaftLog().getLastCommittedIndex();
    out.add("self=" + node.config().nodeId() + " role=" + d.getInfo().getCurrentRole() + " leader="
        + d.getInfo().getLeaderId() + " term=" + d.getInfo().getCurrentTerm() + " commit=" + commit
        + " applied=" + node.appliedIndex());
    Map<String, Long> commits = commitIndexes(d);
    for (RaftPeer p : d.getRaftConf().getCurrentPeers()) {
      Long c = commits.get(p.getId().toString());
      out.add(p.getId() + " " + p.getAddress() + (c == null ? "" : " commit=" + c + " lag=" + Math.max(0, commit - c)));
    }
    return out;
  }

  /** Each member's commit index as this node last heard it (fresh on the leader). */
  static Map<String, Long> commitIndexes(RaftServer.Division d) {
    Map<String, Long> out = new java.util.HashMap<>();
    for (CommitInfoProto c : d.getCommitInfos()) {
      out.put(c.getServer().getId().toStringUtf8(), c.getCommitIndex());
    }
    return out;
  }
}
