package io.stratadb;

import java.util.List;

/**
 * A point-in-time picture of a database's shape and work, from {@link Db#stats()}; {@link
 * #report()} prints it like RocksDB's compaction stats. Immutable.
 *
 * @param compactionStrategy the strategy's name
 * @param levels one entry per level, L0 first
 * @param memtableBytes approximate bytes in the mutable memtable
 * @param immutableMemtables number of immutable memtables waiting to be flushed
 * @param immutableMemtableBytes approximate bytes in those immutable memtables
 * @param memtableChargedBytes memory the {@link MemoryBudget} counts for memtables, in bytes: the
 *     arena chunks and bloom filters of the mutable and immutable memtables and of flushed ones
 *     an open iterator still reads (RocksDB's {@code size-all-mem-tables}); 0 when memtables are
 *     neither charged to the block cache nor limited ({@link MemoryBudget#memtableLimitBytes()})
 * @param lastSequence the sequence number of the newest acknowledged write
 * @param flushCount memtable flushes since open
 * @param compactionCount compactions since open (merges and trivial moves)
 * @param trivialMoveCount compactions that moved a table without rewriting it
 * @param bytesIngested user key and value bytes written since open
 * @param flushBytesWritten SSTable bytes written by flushes since open
 * @param compactionBytesRead SSTable bytes read by compactions since open
 * @param compactionBytesWritten SSTable bytes written by compactions since open
 * @param writeStallCount writes that were delayed or stopped, since open
 * @param slowdownCount writes delayed to the delayed write rate (L0 slowdown trigger or soft
 *     pending-bytes limit; see {@link BackgroundTuning})
 * @param stopCount writes that blocked (too many immutable memtables, L0 stop trigger, hard limit)
 * @param stallMillis total time writers spent delayed or blocked, in ms
 * @param pendingCompactionBytes the strategy's estimate of bytes compaction still has to rewrite
 * @param blockCacheHits data block reads served by the block cache
 * @param blockCacheMisses data block reads that went to the file
 * @param blockCacheEvictions blocks evicted from the block cache to make room
 * @param snapshotsOpen live snapshots, including those held by transactions and auto-refreshing
 *     iterators
 * @param operations operation counters and (with {@link Options#statistics()}) latencies
 */
public record DbStats(
    String compactionStrategy,
    List<LevelStats> levels,
    long memtableBytes,
    int immutableMemtables,
    long immutableMemtableBytes,
    long memtableChargedBytes,
    long lastSequence,
    long flushCount,
    long compactionCount,
    long trivialMoveCount,
    long bytesIngested,
    long flushBytesWritten,
    long compactionBytesRead,
    long compactionBytesWritten,
    long writeStallCount,
    long slowdownCount,
    long stopCount,
    long stallMillis,
    long pendingCompactionBytes,
    long blockCacheHits,
    long blockCacheMisses,
    long blockCacheEvictions,
    int snapshotsOpen,
    OperationStats operations) {

  /**
   * Files in and compaction work into one level.
   *
   * @param level level number, 0 for L0
   * @param files number of SSTables
   * @param bytes total SSTable size, in bytes
   * @param score the strategy's score; at least 1 means the level needs compaction
   * @param readUpperBytes bytes read from shallower levels by compactions into this level
   * @param readLevelBytes bytes read from this level by compactions into this level
   * @param writtenBytes bytes written into this level (by flushes for L0, compactions otherwise)
   * @param movedBytes bytes moved into this level by trivial moves
   * @param compactions compactions (and, for L0, flushes) into this level
   * @param compactionMillis time spent in them, in ms
   */
  public record LevelStats(int level, int files, long bytes, double score, long readUpperBytes,
      long readLevelBytes, long writtenBytes, long movedBytes, long compactions, long compactionMillis) {

    /**
     * {@return the bytes written per byte read from shallower levels; 0 if none} (RocksDB's
     * per-level W-Amp.)
     */
    public double writeAmplification() {
      return readUpperBytes == 0 ? 0 : (double) writtenBytes / readUpperBytes;
    }
  }

  /** {@return the total SSTable bytes over all levels} */
  public long totalTableBytes() {
    return levels.stream().mapToLong(LevelStats::bytes).sum();
  }

  /**
   * SSTable bytes written (flushes plus compactions) per byte of user data ingested; 0 before any
   * write. The WAL is not counted.
   *
   * @return the write amplification, a ratio {@code >= 0}
   */
  public double writeAmplification() {
    return bytesIngested == 0 ? 0 : (double) (flushBytesWritten + compactionBytesWritten) / bytesIngested;
  }

  /**
   * {@return a multi-line table in the style of RocksDB's {@code rocksdb.stats} compaction stats}
   */
  public String report() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("** Compaction Stats [%s] **%n", compactionStrategy));
    sb.append(String.format("%-5s %6s %10s %6s %9s %9s %10s %10s %6s %9s %9s%n", "Level", "Files", "Size(MB)",
        "Score", "Rn(MB)", "Rn+1(MB)", "Write(MB)", "Moved(MB)", "W-Amp", "Comp(cnt)", "Comp(sec)"));
    long files = 0;
    long bytes = 0;
    long readUpper = 0;
    long readLevel = 0;
    long written = 0;
    long moved = 0;
    long count = 0;
    long millis = 0;
    for (LevelStats l : levels) {
      if (l.files() == 0 && l.compactions() == 0 && l.movedBytes() == 0) {
        continue;
      }
      sb.append(String.format("  L%-3d %6d %10.1f %6.2f %9.1f %9.1f %10.1f %10.1f %6.1f %9d %9.1f%n", l.level(),
          l.files(), mb(l.bytes()), l.score(), mb(l.readUpperBytes()), mb(l.readLevelBytes()),
          mb(l.writtenBytes()), mb(l.movedBytes()), l.writeAmplification(), l.compactions(),
          l.compactionMillis() / 1000.0));
      files += l.files();
      bytes += l.bytes();
      readUpper += l.readUpperBytes();
      readLevel += l.readLevelBytes();
      written += l.writtenBytes();
      moved += l.movedBytes();
      count += l.compactions();
      millis += l.compactionMillis();
    }
    sb.append(String.format(" %-4s %6d %10.1f %6s %9.1f %9.1f %10.1f %10.1f %6.1f %9d %9.1f%n", "Sum", files,
        mb(bytes), "", mb(readUpper), mb(readLevel), mb(written), mb(moved),
        flushBytesWritten == 0 ? 0 : (double) written / flushBytesWritten, count, millis / 1000.0));
    sb.append(String.format("Ingest: %.1f MB user data, %d writes (last sequence %d)%n", mb(bytesIngested),
        lastSequence, lastSequence));
    sb.append(String.format("Write amplification: %.2f (SSTable bytes written / user bytes)%n", writeAmplification()));
    sb.append(String.format("Flushes: %d, compactions: %d (%d trivial moves), pending compaction: %.1f MB%n",
        flushCount, compactionCount, trivialMoveCount, mb(pendingCompactionBytes)));
    sb.append(String.format("Write stalls: %d (slowdowns %d, stops %d), stalled %.1f s%n", writeStallCount,
        slowdownCount, stopCount, stallMillis / 1000.0));
    sb.append(String.format("Block cache: %d hits, %d misses (%.1f%% hit rate)%n", blockCacheHits,
        blockCacheMisses, blockCacheHits + blockCacheMisses == 0 ? 0.0
            : 100.0 * blockCacheHits / (blockCacheHits + blockCacheMisses)));
    sb.append(String.format("Memtable: %.1f MB, immutable memtables: %d (%.1f MB), %.1f MB held%n",
        mb(memtableBytes), immutableMemtables, mb(immutableMemtableBytes), mb(memtableChargedBytes)));
    return sb.toString();
  }

  /**
   * The operation counters, and with {@link Options#statistics()} one latency line per operation
   * (RocksDB's {@code rocksdb.stats} histogram dump, shortened).
   *
   * @return the report, one line per counter group and per timed operation, each ending in a line
   *     break
   */
  public String operationsReport() {
    OperationStats o = operations;
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Gets: %d (%d hits, %d misses, %d from memtables), %.1f MB read%n", o.gets(),
        o.getHits(), o.getMisses(), o.memtableHits(), mb(o.bytesRead())));
    sb.append(String.format("Writes: %d puts, %d deletes, %d batches; WAL %.1f MB, %d syncs%n", o.puts(),
        o.deletes(), o.batchWrites(), mb(o.walBytes()), o.walSyncs()));
    sb.append(String.format("SSTable reads: %d; bloom filter: %d checks, %d useful; iterators: %d; snapshots "
        + "open: %d; block cache evictions: %d%n", o.sstReads(), o.bloomChecks(), o.bloomUseful(), o.iterators(),
        snapshotsOpen, blockCacheEvictions));
    if (o.statisticsEnabled()) {
      sb.append(String.format("Latency (us):%n"));
      latencyLine(sb, "get", o.getLatency());
      latencyLine(sb, "put", o.putLatency());
      latencyLine(sb, "delete", o.deleteLatency());
      latencyLine(sb, "write", o.writeLatency());
      latencyLine(sb, "iterator", o.iteratorLatency());
      latencyLine(sb, "flush", o.flushLatency());
      latencyLine(sb, "compaction", o.compactionLatency());
    }
    return sb.toString();
  }

  private static void latencyLine(StringBuilder sb, String name, LatencyStats l) {
    if (l.count() > 0) {
      sb.append(String.format("  %-10s %s%n", name, l.line()));
    }
  }

  private static double mb(long bytes) {
    return bytes / 1048576.0;
  }
}
