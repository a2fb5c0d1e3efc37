package io.stratadb.cli.command;

import io.stratadb.cluster.NodeConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of {@code strata serve --cluster} (a picocli mixin): the node's id, the address its
 * Raft port binds, the members and the read mode. They mean what they mean to {@code
 * io.stratadb.cluster.ClusterServerMain} (docs/cluster.md). Not thread-safe (picocli sets the
 * fields once, before the command runs).
 */
public final class ClusterOptions {

  @Option(names = "--cluster",
      description = "Run as a member of a replicated cluster (Raft, Apache Ratis): every write is committed by a "
          + "majority before it is acknowledged. --db DIR then holds the node's database (DIR/db) and Raft log "
          + "(DIR/raft). Needs --node-id, --raft-address and --peers.")
  boolean cluster;

  @Option(names = "--node-id", paramLabel = "ID", description = "This node's id in --peers (with --cluster).")
  String nodeId;

  @Option(names = "--raft-address", paramLabel = "HOST:PORT",
      description = "Address this node's Raft port binds (with --cluster).")
  String raftAddress;

  @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...",
      description = "The members and the addresses the others dial them at, this node included unless --join "
          + "(with --cluster), e.g. n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003.")
  String peers;

  @Option(names = "--stale-reads",
      description = "Serve reads from this node's replica as it is, without a Raft read index (with --cluster; "
          + "default: linearizable reads).")
  boolean staleReads;

  @Option(names = "--join",
      description = "Start outside the group, to be added by 'strata cluster add' on a member (with --cluster).")
  boolean join;

  /** {@return whether {@code --cluster} was given} */
  public boolean enabled() {
    return cluster;
  }

  /**
   * The node's configuration.
   *
   * @param dir the node's directory ({@code --db})
   * @return the configuration, or null without {@code --cluster}
   * @throws IllegalArgumentException with a message for the usage error: a cluster option
   *     without {@code --cluster}, a missing one, a malformed address or peer list, or {@code
   *     --peers} without this node and without {@code --join}
   */
  public NodeConfig nodeConfig(Path dir) {
    if (!cluster) {
      if (nodeId != null || raftAddress != null || peers != null || staleReads || join) {
        throw new IllegalArgumentException("--node-id, --raft-address, --peers, --stale-reads and --join need --cluster");
      }
      return null;
    }
    if (nodeId == null || raftAddress == null || peers == null) {
      throw new IllegalArgumentException("--cluster needs --node-id, --raft-address and --peers");
    }
    return new NodeConfig(nodeId, NodeConfig.parseAddress(raftAddress), NodeConfig.parsePeers(peers), dir,
        staleReads, join);
  }
}
