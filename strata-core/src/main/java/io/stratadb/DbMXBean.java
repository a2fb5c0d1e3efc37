package io.stratadb;


/**
 * The JMX view of one open database, registered as {@code io.stratadb:type=Db,name=<absolute
 * path>} (the path quoted only if it holds {@code , = : " * ?} or a line break) when {@code
 * Options.jmx()} is on (by the engine, on open; unregistered on close). An MXBean, so generic
 * clients (JConsole, VisualVM, the Prometheus JMX exporter) see plain types: numbers, a {@code
 * long[]} per level, and a {@link LatencyStats} composite per timed operation.
 *
 * <p>Every attribute is also in {@code Db.stats()} ({@link io.stratadb.DbStats}); units are in the
 * names or stated below; counts are since open, the operation counters and latencies since open or
 * the last {@link #resetStatistics()}. Reading an attribute of a closed database throws {@code
 * DbClosedException}. docs/statistics.md lists them all. Thread-safe.
 */
public interface DbMXBean {
  /** The database directory, absolute. */
  String getPath();

  /** Whether latency histograms are recorded ({@code Options.statistics()}). */
  boolean isStatisticsEnabled();

  /** {@code get} calls (hits plus misses). */
  long getGets();

  /** Gets that found a value. */
  long getGetHits();

  /** Gets that found nothing. */
  long getGetMisses();

  /** Gets decided by a memtable. */
  long getMemtableHits();

  /** Value bytes returned by gets. */
  long getBytesRead();

  /** Puts committed (single, batched and transactional). */
  long getPuts();

  /** Deletes committed (single, batched and transactional). */
  long getDeletes();

  /** {@code write(WriteBatch)} calls. */
  long getBatchWrites();

  /** User key and value bytes written (approximate encoded size of the committed batches). */
  long getBytesWritten();

  /** Bytes of WAL records appended. */
  long getWalBytes();

  /** WAL fsyncs. */
  long getWalSyncs();

  /** SSTable lookups by gets that read the table (past key range and bloom filter). */
  long getSstReads();

  /** Bloom filter probes by gets. */
  long getBloomChecks();

  /** Bloom filter probes that ruled a table out. */
  long getBloomUseful();

  /** Iterators created. */
  long getIterators();

  /** Data block reads served by the block cache. */
  long getBlockCacheHits();

  /** Data block reads that missed the block cache. */
  long getBlockCacheMisses();

  /** Blocks evicted from the block cache. */
  long getBlockCacheEvictions();

  /** Memtable flushes. */
  long getFlushes();

  /** SSTable bytes written by flushes. */
  long getFlushBytesWritten();

  /** Compactions, including trivial moves. */
  long getCompactions();

  /** Compactions that moved a table without rewriting it. */
  long getTrivialMoves();

  /** SSTable bytes read by compactions. */
  long getCompactionBytesRead();

  /** SSTable bytes written by compactions. */
  long getCompactionBytesWritten();

  /** The compaction strategy's estimate of bytes still to rewrite. */
  long getPendingCompactionBytes();

  /** Writes delayed or stopped (slowdowns plus stops). */
  long getWriteStalls();

  /** Writes delayed by 1 ms. */
  long getWriteSlowdowns();

  /** Writes that blocked until flush or compaction caught up. */
  long getWriteStops();

  /** Time writers spent delayed or blocked, in ms. */
  long getWriteStallMillis();

  /** Live SSTables per level, L0 first. */
  long[] getLiveSstFilesPerLevel();

  /** Live SSTables over all levels. */
  long getLiveSstFiles();

  /** Bytes of live SSTables over all levels. */
  long getLiveSstBytes();

  /** Open snapshots (including transactions' and auto-refreshing iterators'). */
  long getSnapshotsOpen();

  /** Approximate bytes in the mutable memtable. */
  long getMemtableBytes();

  /** Immutable memtables waiting for flush. */
  long getImmutableMemtables();

  /** Sequence number of the newest write. */
  long getLastSequence();

  /** Latency of {@code get}, in µs. */
  LatencyStats getGetLatency();

  /** Latency of {@code put}, in µs. */
  LatencyStats getPutLatency();

  /** Latency of {@code delete}, in µs. */
  LatencyStats getDeleteLatency();

  /** Latency of {@code write(WriteBatch)}, in µs. */
  LatencyStats getWriteLatency();

  /** Latency of creating an iterator, in µs. */
  LatencyStats getIteratorLatency();

  /** Duration of a memtable flush, in µs. */
  LatencyStats getFlushLatency();

  /** Duration of a compaction, in µs. */
  LatencyStats getCompactionLatency();

  /** Zeroes the operation counters and latency histograms (engine counters keep counting since open). */
  void resetStatistics();
}
