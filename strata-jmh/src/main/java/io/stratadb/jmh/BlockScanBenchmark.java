package io.stratadb.jmh;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.Block;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scans one 4 KiB data block of about 30 internal keys with 100-byte values and a restart interval
 * of 16 from end to end, forward ({@link #scanForward()}) and backward ({@link #scanBackward()}),
 * reading each key and value as {@link InternalIterator#key()} and {@link InternalIterator#value()}
 * (copies, as every version of the engine offers). The score is for the whole block: divide by
 * {@link #entries} for the cost of one step. Backward steps re-decode from a restart point (LevelDB
 * block format), the cost that the iterator's prev cache amortises.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BlockScanBenchmark {
  /** Where the block lies: {@code heap} (read or cached) or {@code view} (in a mapped table). */
  @Param({"heap", "view"})
  public String storage;

  private Block block;
  /** Entries in the block. */
  public int entries;

  /** Builds the block of {@link #entries} entries in the chosen {@link #storage}. */
  @Setup
  public void build() {
    byte[][] keys = BenchData.blockUserKeys();
    entries = keys.length;
    block = BenchData.dataBlock(keys, storage);
  }

  /**
   * {@return the bytes of keys and values read, returned so that JMH consumes it and the work is
   * not optimised away} Reads the block first to last.
   */
  @Benchmark
  public long scanForward() {
    long bytes = 0;
    InternalIterator it = block.iterator(InternalKey.COMPARATOR);
    for (it.seekToFirst(); it.isValid(); it.next()) {
      bytes += it.key().length + it.value().length;
    }
    return bytes;
  }

  /**
   * {@return the bytes of keys and values read, returned so that JMH consumes it and the work is
   * not optimised away} Reads the block last to first.
   */
  @Benchmark
  public long scanBackward() {
    long bytes = 0;
    InternalIterator it = block.iterator(InternalKey.COMPARATOR);
    for (it.seekToLast(); it.isValid(); it.prev()) {
      bytes += it.key().length + it.value().length;
    }
    return bytes;
  }
}
