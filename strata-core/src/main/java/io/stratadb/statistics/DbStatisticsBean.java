package io.stratadb.statistics;

import io.stratadb.DbMXBean;
import io.stratadb.DbStats;
import io.stratadb.LatencyStats;
import io.stratadb.OperationStats;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The {@link DbMXBean} of one database: engine attributes from a fresh {@link DbStats} per read
 * (taken without latencies, so it drains no histogram), operation counters and latencies straight
 * from its {@link Statistics} (so reading a counter does not drain the histograms). Thread-safe.
 */
public final class DbStatisticsBean implements DbMXBean {
  private final Path path;
  private final Supplier<DbStats> stats;
  private final Statistics statistics;

  /**
   * @param path the database directory
   * @param stats the database's {@code stats()}; its latency distributions are not read, so it
   *     may leave them empty
   * @param statistics the database's operation statistics
   */
  public DbStatisticsBean(Path path, Supplier<DbStats> stats, Statistics statistics) {
    this.path = path.toAbsolutePath().normalize();
    this.stats = stats;
    this.statistics = statistics;
  }

  private OperationStats counters() {
    return statistics.snapshot(false);
  }

  @Override
  public String getPath() {
    return path.toString();
  }

  @Override
  public boolean isStatisticsEnabled() {
    return statistics.latenciesEnabled();
  }

  @Override
  public long getGets() {
    return counters().gets();
  }

  @Override
  public long getGetHits() {
    return counters().getHits();
  }

  @Override
  public long getGetMisses() {
    return counters().getMisses();
  }

  @Override
  public long getMemtableHits() {
    return counters().memtableHits();
  }

  @Override
  public long getBytesRead() {
    return counters().bytesRead();
  }

  @Override
  public long getPuts() {
    return counters().puts();
  }

  @Override
  public long getDeletes() {
    return counters().deletes();
  }

  @Override
  public long getBatchWrites() {
    return counters().batchWrites();
  }

  @Override
  public long getBytesWritten() {
    return stats.get().bytesIngested();
  }

  @Override
  public long getWalBytes() {
    return counters().walBytes();
  }

  @Override
  public long getWalSyncs() {
    return counters().walSyncs();
  }

  @Override
  public long getSstReads() {
    return counters().sstReads();
  }

  @Override
  public long getBloomChecks() {
    return counters().bloomChecks();
  }

  @Override
  public long getBloomUseful() {
    return counters().bloomUseful();
  }

  @Override
  public long getIterators() {
    return counters().iterators();
  }

  @Override
  public long getBlockCacheHits() {
    return stats.get().blockCacheHits();
  }

  @Override
  public long getBlockCacheMisses() {
    return stats.get().blockCacheMisses();
  }

  @Override
  public long getBlockCacheEvictions() {
    return stats.get().blockCacheEvictions();
  }

  @Override
  public long getFlushes() {
    return stats.get().flushCount();
  }

  @Override
  public long getFlushBytesWritten() {
    return stats.get().flushBytesWritten();
  }

  @Override
  public long getCompactions() {
    return stats.get().compactionCount();
  }

  @Override
  public long getTrivialMoves() {
    return stats.get().trivialMoveCount();
  }

  @Override
  public long getCompactionBytesRead() {
    return stats.get().compactionBytesRead();
  }

  @Override
  public long getCompactionBytesWritten() {
    return stats.get().compactionBytesWritten();
  }

  @Override
  public long getPendingCompactionBytes() {
    return stats.get().pendingCompactionBytes();
  }

  @Override
  public long getWriteStalls() {
    return stats.get().writeStallCount();
  }

  @Override
  public long getWriteSlowdowns() {
    return stats.get().slowdownCount();
  }

  @Override
  public long getWriteStops() {
    return stats.get().stopCount();
  }

  @Override
  public long getWriteStallMillis() {
    return stats.get().stallMillis();
  }

  @Override
  public long[] getLiveSstFilesPerLevel() {
    return stats.get().levels().stream().mapToLong(DbStats.LevelStats::files).toArray();
  }

  @Override
  public long getLiveSstFiles() {
    return stats.get().levels().stream().mapToLong(DbStats.LevelStats::files).sum();
  }

  @Override
  public long getLiveSstBytes() {
    return stats.get().totalTableBytes();
  }

  @Override
  public long getSnapshotsOpen() {
    return stats.get().snapshotsOpen();
  }

  @Override
  public long getMemtableBytes() {
    return stats.get().memtableBytes();
  }

  @Override
  public long getImmutableMemtables() {
    return stats.get().immutableMemtables();
  }

  @Override
  public long getLastSequence() {
    return stats.get().lastSequence();
  }

  @Override
  public LatencyStats getGetLatency() {
    return statistics.latency(TimedOperation.GET);
  }

  @Override
  public LatencyStats getPutLatency() {
    return statistics.latency(TimedOperation.PUT);
  }

  @Override
  public LatencyStats getDeleteLatency() {
    return statistics.latency(TimedOperation.DELETE);
  }

  @Override
  public LatencyStats getWriteLatency() {
    return statistics.latency(TimedOperation.WRITE);
  }

  @Override
  public LatencyStats getIteratorLatency() {
    return statistics.latency(TimedOperation.ITERATOR);
  }

  @Override
  public LatencyStats getFlushLatency() {
    return statistics.latency(TimedOperation.FLUSH);
  }

  @Override
  public LatencyStats getCompactionLatency() {
    return statistics.latency(TimedOperation.COMPACTION);
  }

  @Override
  public void resetStatistics() {
    statistics.reset();
  }
}
