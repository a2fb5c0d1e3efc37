package io.stratadb.cluster;

import io.stratadb.Options;

/**
 * {@link ClusterServerMain} with small snapshot settings, for the multi-process tests of snapshot
 * catch-up: a snapshot every {@value #SNAPSHOT_EVERY} entries, the log purged behind it in 4 KiB
 * segments with a gap of 4 entries, so a follower down for a few hundred writes needs the
 * snapshot. Same arguments and READY line as {@link ClusterServerMain}.
 */
public final class SmallSnapshotsNodeMain {
  /** Entries between snapshots. */
  public static final long SNAPSHOT_EVERY = 50;

  private SmallSnapshotsNodeMain() {}

  /**
   * @param args as {@link ClusterServerMain}'s
   * @throws Exception if the node cannot start
   */
  public static void main(String[] args) throws Exception {
    ClusterServerMain.ParsedArgs a = ClusterServerMain.ParsedArgs.parse(args);
    ClusterServer running = ClusterServer.start(a.node(), Options.defaults(), a.server(),
        new ClusterNode.Tuning(ClusterNode.Tuning.DEFAULTS.electionMinMs(), SNAPSHOT_EVERY, 4, 4096));
    Runtime.getRuntime().addShutdownHook(new Thread(running::close, "strata-cluster-shutdown"));
    System.out.println("READY " + a.node().nodeId());
    System.out.flush();
    running.awaitTermination();
    running.close();
  }
}
