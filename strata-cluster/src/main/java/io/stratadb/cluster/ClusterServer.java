package io.stratadb.cluster;

import io.stratadb.Options;
import io.stratadb.server.RespServer;
import io.stratadb.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node serving the Redis protocol: a {@link ClusterNode} and a {@link RespServer} over its
 * replica, whose writes go through the Raft group and whose reads are linearizable unless the node
 * was started with stale reads. {@code strata serve --cluster} and {@link ClusterServerMain} run
 * one. Thread-safe.
 *
 * <p>The database is opened with the server's value limit but without its TTL compaction filter:
 * a filter that drops expired values at each replica's own compaction times would make replicas
 * differ in what a conditional write (INCR, SET NX, ...) sees, so expired values stay until they
 * are overwritten or deleted (docs/cluster.md, "Limits").
 */
public final class ClusterServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterServer.class);

  /** How often the watchdog checks that the node's Raft server still runs, in ms. */
  static final long WATCHDOG_PERIOD_MS = 500;

  private final ClusterNode node;
  private final RespServer resp;
  private final java.util.concurrent.ScheduledExecutorService watchdog;
  private volatile boolean closing;
  private volatile boolean raftFailed;

  private ClusterServer(ClusterNode node, RespServer resp) {
    this.node = node;
    this.resp = resp;
    this.watchdog = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "strata-cluster-watchdog-" + node.config().nodeId());
      t.setDaemon(true);
      return t;
    });
    watchdog.scheduleWithFixedDelay(this::check, WATCHDOG_PERIOD_MS, WATCHDOG_PERIOD_MS,
        java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /**
   * Shuts the node down when its Raft server stopped by itself: a node whose Redis port stayed up
   * answering CLUSTERDOWN forever looked alive to clients and supervisors, and never recovered.
   */
  private void check() {
    if (closing || !node.raftStopped()) {
      return;
    }
    raftFailed = true;
    LOG.error("node {}: its Raft server has stopped (see the errors above); shutting the node down so that "
        + "it can be restarted", node.config().nodeId());
    Thread t = new Thread(this::close, "strata-cluster-shutdown-" + node.config().nodeId());
    t.start();
  }

  /**
   * Whether the node shut itself down because its Raft server stopped by itself (then {@link
   * #awaitTermination} has returned or is about to, and the process should exit non-zero).
   *
   * @return true if the Raft server stopped by itself
   */
  public boolean raftFailed() {
    return raftFailed;
  }

  /**
   * Starts the node, then the Redis port.
   *
   * @param node where the node lives and whom it dials
   * @param options the database's options
   * @param server the Redis port's settings
   * @param tuning election timeout, snapshot interval, log purge gap and segment size
   * @return the running server; close it to stop the Redis port and the node
   * @throws IOException if the node's storage or Raft port fails
   * @throws UncheckedIOException if the Redis port cannot be bound (the node is stopped again)
   */
  public static ClusterServer start(NodeConfig node, Options options, ServerConfig server, ClusterNode.Tuning tuning)
      throws IOException {
    Options dbOptions = RespServer.databaseOptions(options, server).toBuilder().compactionFilter(null).build();
    ClusterNode n = ClusterNode.start(node, dbOptions, tuning);
    try {
      return new ClusterServer(n, RespServer.startReplicated(n.replica(), options, server, new RedisReplication(n)));
    } catch (RuntimeException e) {
      try {
        n.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** {@return the node} */
  public ClusterNode node() {
    return node;
  }

  /** {@return the Redis port} (The real one when 0 was asked.) */
  public int port() {
    return resp.port();
  }

  /**
   * Waits until the Redis front has shut down (SHUTDOWN, {@link #close}, or the node's Raft server
   * stopped by itself: {@link #raftFailed}).
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public void awaitTermination() throws InterruptedException {
    resp.awaitTermination();
  }

  /**
   * Graceful shutdown: the Redis front first (replies to commands already run are flushed), then
   * the node (its Raft server and database). Idempotent.
   */
  @Override
  public void close() {
    closing = true;
    watchdog.shutdown();
    try {
      resp.close();
    } finally {
      try {
        node.close();
      } catch (IOException e) {
        LOG.warn("closing the cluster node failed", e);
      }
    }
  }
}
