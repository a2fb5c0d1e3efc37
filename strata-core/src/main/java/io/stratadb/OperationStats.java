package io.stratadb;

/**
 * What the database's users asked of it since it opened (or since the statistics were last
 * reset), part of {@link DbStats}. The counters are always kept; the latency distributions only
 * when {@link Options#statistics()} is on (they are {@link LatencyStats#EMPTY} otherwise). Failed
 * operations (an exception thrown) are not counted. Immutable.
 *
 * @param gets {@code get} calls plus keys looked up by {@code multiGet}, hits plus misses
 * @param getHits gets that found a value
 * @param getMisses gets that found no value (absent or deleted)
 * @param memtableHits gets decided by a memtable (a value or a tombstone), without SSTables
 * @param bytesRead value bytes returned by gets
 * @param puts puts committed, in single calls, batches and transactions
 * @param deletes deletes committed, in single calls, batches and transactions
 * @param batchWrites {@code write(WriteBatch)} calls of a non-empty batch
 * @param walBytes bytes of write-ahead log records appended (before the log's block framing)
 * @param walSyncs fsyncs of the write-ahead log, by synced writes, memtable switches and {@link
 *     Db#syncWal()}
 * @param sstReads SSTable lookups by gets (and by transactions' conflict checks) that passed the
 *     table's key range and bloom filter, so read its index and a data block (from the block cache
 *     or the file)
 * @param bloomChecks bloom filter probes by those lookups
 * @param bloomUseful probes that ruled the table out (RocksDB's {@code bloom.filter.useful})
 * @param iterators iterators created ({@code newIterator} and {@code scan})
 * @param statisticsEnabled whether the latency distributions are recorded
 * @param getLatency {@code get}, from call to return ({@code multiGet} is not timed)
 * @param putLatency {@code put}, including any write stall and WAL fsync
 * @param deleteLatency {@code delete}, including any write stall and WAL fsync
 * @param writeLatency {@code write(WriteBatch)}, including any write stall and WAL fsync
 * @param iteratorLatency creating an iterator (and, for {@code scan}, positioning it)
 * @param flushLatency a memtable flush, from start to the new version installed
 * @param compactionLatency a compaction (or trivial move), from start to the new version installed
 */
public record OperationStats(
    long gets,
    long getHits,
    long getMisses,
    long memtableHits,
    long bytesRead,
    long puts,
    long deletes,
    long batchWrites,
    long walBytes,
    long walSyncs,
    long sstReads,
    long bloomChecks,
    long bloomUseful,
    long iterators,
    boolean statisticsEnabled,
    LatencyStats getLatency,
    LatencyStats putLatency,
    LatencyStats deleteLatency,
    LatencyStats writeLatency,
    LatencyStats iteratorLatency,
    LatencyStats flushLatency,
    LatencyStats compactionLatency) {}
