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
  /** {@return the database directory, as an absolute path} */
  String getPath();

  /** {@return whether latency histograms are recorded} ({@code Options.statistics()}). */
  boolean isStatisticsEnabled();

  /** {@return the number of {@code get} calls (hits plus misses)} */
  long getGets();

  /** {@return the number of gets that found a value} */
  long getGetHits();

  /** {@return the number of gets that found nothing} */
  long getGetMisses();

  /** {@return the number of gets decided by a memtable} */
  long getMemtableHits();

  /** {@return the value bytes returned by gets} */
  long getBytesRead();

  /** {@return the number of puts committed (single, batched and transactional)} */
  long getPuts();

  /** {@return the number of deletes committed (single, batched and transactional)} */
  long getDeletes();

  /** {@return the number of {@code write(WriteBatch)} calls} */
  long getBatchWrites();

  /**
   * {@return the user key and value bytes written} (The approximate encoded size of the committed
   * batches.)
   */
  long getBytesWritten();

  /** {@return the bytes of WAL records appended} */
  long getWalBytes();

  /** {@return the number of WAL fsyncs} */
  long getWalSyncs();

  /**
   * {@return the number of SSTable lookups by gets that read the table} (past key range and bloom
   * filter).
   */
  long getSstReads();

  /** {@return the number of bloom filter probes by gets} */
  long getBloomChecks();

  /** {@return the number of bloom filter probes that ruled a table out} */
  long getBloomUseful();

  /** {@return the number of iterators created} */
  long getIterators();

  /** {@return the number of data block reads served by the block cache} */
  long getBlockCacheHits();

  /** {@return the number of data block reads that missed the block cache} */
  long getBlockCacheMisses();

  /** {@return the number of blocks evicted from the block cache} */
  long getBlockCacheEvictions();

  /** {@return the number of memtable flushes} */
  long getFlushes();

  /** {@return the SSTable bytes written by flushes} */
  long getFlushBytesWritten();

  /** {@return the number of compactions, including trivial moves} */
  long getCompactions();

  /** {@return the number of compactions that moved a table without rewriting it} */
  long getTrivialMoves();

  /** {@return the SSTable bytes read by compactions} */
  long getCompactionBytesRead();

  /** {@return the SSTable bytes written by compactions} */
  long getCompactionBytesWritten();

  /**
   * {@return the compaction strategy's estimate of bytes still to rewrite} A gauge, not a count.
   */
  long getPendingCompactionBytes();

  /** {@return the number of writes delayed or stopped (slowdowns plus stops)} */
  long getWriteStalls();

  /** {@return the number of writes delayed by 1 ms} */
  long getWriteSlowdowns();

  /** {@return the number of writes that blocked until flush or compaction caught up} */
  long getWriteStops();

  /** {@return the time writers spent delayed or blocked, in ms} */
  long getWriteStallMillis();

  /** {@return the number of live SSTables per level, L0 first} A new array on each call. */
  long[] getLiveSstFilesPerLevel();

  /** {@return the number of live SSTables over all levels} */
  long getLiveSstFiles();

  /** {@return the bytes of live SSTables over all levels} */
  long getLiveSstBytes();

  /**
   * {@return the number of open snapshots} (Including transactions' and auto-refreshing
   * iterators'.)
   */
  long getSnapshotsOpen();

  /** {@return the approximate bytes in the mutable memtable} */
  long getMemtableBytes();

  /** {@return the number of immutable memtables waiting for flush} */
  long getImmutableMemtables();

  /** {@return the sequence number of the newest write} */
  long getLastSequence();

  /** {@return the latency of {@code get}, in µs} */
  LatencyStats getGetLatency();

  /** {@return the latency of {@code put}, in µs} */
  LatencyStats getPutLatency();

  /** {@return the latency of {@code delete}, in µs} */
  LatencyStats getDeleteLatency();

  /** {@return the latency of {@code write(WriteBatch)}, in µs} */
  LatencyStats getWriteLatency();

  /** {@return the latency of creating an iterator, in µs} */
  LatencyStats getIteratorLatency();

  /** {@return the duration of a memtable flush, in µs} */
  LatencyStats getFlushLatency();

  /** {@return the duration of a compaction, in µs} */
  LatencyStats getCompactionLatency();

  /** Zeroes the operation counters and latency histograms (engine counters keep counting since open). */
  void resetStatistics();
}
