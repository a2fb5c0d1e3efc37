package io.stratadb.cluster;

import io.stratadb.WriteBatch;
import io.stratadb.server.Replication;
import io.stratadb.server.ReplicationException;
import io.stratadb.server.WriteConflictException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftServer;

/**
 * The Redis front's {@link Replication} on a cluster node: writes become {@link WriteEntry}s
 * committed through {@link ClusterNode#submit}, reads wait for {@link ClusterNode#awaitReadable},
 * and INFO replication, ROLE and CLUSTER report and change the group.
 *
 * <p>Error replies: {@code CLUSTERDOWN ...} when a write certainly did not apply, {@code UNKNOWN
 * ...} when it may have (a timeout after it was sent), {@code CLUSTERDOWN no read index} for a
 * read that could not be made linearizable. Thread-safe.
 */
final class RedisReplication implements Replication {

  private final ClusterNode node;
  private final Membership membership;

  RedisReplication(ClusterNode node) {
    this.node = node;
    this.membership = new Membership(node);
  }

  @Override
  public void commit(WriteBatch batch, List<Expectation> expected) {
    List<WriteEntry.Condition> conditions = new ArrayList<>(expected.size());
    for (Expectation e : expected) {
      conditions.add(new WriteEntry.Condition(e.key(), e.stored()));
    }
    node.checkWritable(batch); // IllegalArgumentException: the front's ERR reply, nothing proposed
    ClusterNode.Outcome outcome;
    try {
      outcome = node.submit(WriteEntry.encode(batch, conditions));
    } catch (ClusterException e) {
      throw new ReplicationException((e.indeterminate() ? "UNKNOWN " : "CLUSTERDOWN ") + e.getMessage(), e);
    }
    if (!outcome.applied()) {
      throw new WriteConflictException("a key the write read changed before entry " + outcome.index());
    }
  }

  @Override
  public void awaitReadable() {
    try {
      node.awaitReadable();
    } catch (ClusterException e) {
      throw new ReplicationException("CLUSTERDOWN " + e.getMessage(), e);
    }
  }

  @Override
  public Map<String, Object> info() {
    Map<String, Object> m = new LinkedHashMap<>();
    try {
      RaftServer.Division d = node.division();
      boolean leader = d.getInfo().isLeader();
      long commit = d.getRaftLog().getLastCommittedIndex();
      m.put("role", leader ? "master" : "slave");
      m.put("raft_role", d.getInfo().getCurrentRole().toString().toLowerCase(Locale.ROOT));
      m.put("raft_node_id", node.config().nodeId());
      m.put("raft_leader_id", String.valueOf(d.getInfo().getLeaderId()));
      m.put("raft_term", d.getInfo().getCurrentTerm());
      m.put("raft_commit_index", commit);
      m.put("raft_applied_index", node.appliedIndex());
      m.put("raft_snapshot_index", d.getRaftLog().getSnapshotIndex());
      m.put("read_mode", node.config().staleReads() ? "stale" : "linearizable");
      Map<String, Long> commits = Membership.commitIndexes(d);
      int i = 0;
      for (RaftPeer p : d.getRaftConf().getCurrentPeers()) {
        if (p.getId().toString().equals(node.config().nodeId())) {
          continue;
        }
        Long c = commits.get(p.getId().toString());
        m.put("peer" + i++, "id=" + p.getId() + ",address=" + p.getAddress() + ",commit=" + (c == null ? -1 : c)
            + ",lag=" + (c == null ? -1 : Math.max(0, commit - c)));
      }
      m.put("connected_slaves", leader ? i : 0);
    } catch (IOException e) {
      m.put("role", "unknown");
      m.put("error", e.getMessage());
    }
    return m;
  }

  /**
   * Redis's shape: on the leader {@code ["master", commit, [[id, address, commit, lag], ...]]}; on a
   * follower {@code ["slave", leader id, leader address, "connected" or "connect", applied]}.
   */
  @Override
  public List<Object> role() {
    try {
      RaftServer.Division d = node.division();
      long commit = d.getRaftLog().getLastCommittedIndex();
      if (d.getInfo().isLeader()) {
        Map<String, Long> commits = Membership.commitIndexes(d);
        List<Object> followers = new ArrayList<>();
        for (RaftPeer p : d.getRaftConf().getCurrentPeers()) {
          if (!p.getId().toString().equals(node.config().nodeId())) {
            long c = commits.getOrDefault(p.getId().toString(), -1L);
            followers.add(List.of(p.getId().toString(), p.getAddress(), c, c < 0 ? -1L : Math.max(0, commit - c)));
          }
        }
        return List.of("master", commit, followers);
      }
      var leader = d.getInfo().getLeaderId();
      RaftPeer lp = leader == null ? null : d.getRaftConf().getPeer(leader);
      return List.of("slave", leader == null ? "" : leader.toString(), lp == null ? "" : lp.getAddress(),
          leader == null ? "connect" : "connected", node.appliedIndex());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Object cluster(List<String> args) {
    String sub = args.get(0).toLowerCase(Locale.ROOT);
    try {
      switch (sub) {
        case "status":
          return new ArrayList<Object>(membership.status());
        case "add":
          if (args.size() != 3) {
            throw new IllegalArgumentException("usage: CLUSTER ADD <id> <host:port>");
          }
          membership.add(args.get(1), NodeConfig.parseAddress(args.get(2)));
          return "OK";
        case "remove":
          if (args.size() != 2) {
            throw new IllegalArgumentException("usage: CLUSTER REMOVE <id>");
          }
          membership.remove(args.get(1));
          return "OK";
        default:
          throw new IllegalArgumentException("unknown CLUSTER subcommand '" + args.get(0) + "' (ADD, REMOVE, STATUS)");
      }
    } catch (IOException e) {
      throw new ReplicationException("CLUSTERDOWN " + e.getMessage(), e);
    } catch (ClusterException e) {
      throw new ReplicationException((e.indeterminate() ? "UNKNOWN " : "CLUSTERDOWN ") + e.getMessage(), e);
    }
  }
}
