package io.stratadb.cli.bench;

import io.stratadb.CompactionStrategy;
import io.stratadb.Compression;
import io.stratadb.MemtableRep;
import io.stratadb.Options;
import io.stratadb.ReadOptions;

/**
 * The settings every engine of a benchmark run gets alike, so that a comparison is fair: the
 * memtable (write buffer) and block sizes in bytes, bloom filter bits per key, block cache bytes,
 * data block compression, whether each write fsyncs its WAL, and the size in bytes at which
 * compaction starts a new output table ({@code targetFileSize}; 0 leaves each engine its own
 * default: StrataDB's 2 MiB, RocksDB's 64 MiB). {@code compaction}, {@code
 * memtableRep}, {@code statistics} (latency histograms) and {@code parallelSeek} (its iterators' {@link
 * ReadOptions#withParallelSeek(boolean)}) apply to StrataDB only (each peer keeps its own default
 * leveled compaction, records no statistics and seeks sequentially). Immutable.
 */
record BenchSettings(long writeBufferSize, int blockSize, int bloomBitsPerKey, long blockCacheSize,
    Compression compression, CompactionStrategy compaction, MemtableRep memtableRep, boolean sync, boolean statistics,
    boolean parallelSeek, long targetFileSize) {

  /**
   * StrataDB options with these settings.
   *
   * @throws IllegalArgumentException if a setting is out of StrataDB's range
   */
  Options strataOptions() {
    Options.Builder b = Options.builder().writeBufferSize(writeBufferSize).blockSize(blockSize)
        .bloomBitsPerKey(bloomBitsPerKey).blockCacheSize(blockCacheSize).compression(compression)
        .compactionStrategy(compaction).memtableRep(memtableRep).statistics(statistics);
    if (targetFileSize > 0) {
      b.targetFileSize(targetFileSize);
    }
    return b.build();
  }

  /** The read options of StrataDB's iterators under benchmark. */
  ReadOptions strataReadOptions() {
    return ReadOptions.defaults().withParallelSeek(parallelSeek);
  }
}
