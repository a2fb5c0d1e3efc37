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
 * Seek in one 4 KiB data block of about 30 internal keys with 100-byte values and a restart
 * interval of 16: binary search over restart points, then a linear scan (LevelDB block format).
 * {@link #seek()} compares keys in place ({@link InternalKey#COMPARATOR}, what tables use); {@link
 * #seekWithPlainComparator()} goes through a plain {@code Comparator<byte[]>}, which copies each
 * key it compares out of the block.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BlockSeekBenchmark {
  /** Where the block lies: {@code heap} (read or cached) or {@code view} (in a mapped table). */
  @Param({"heap", "view"})
  public String storage;

  private Block block;
  private byte[][] targets;
  private int next;

  /** Builds the block and the seek targets (keys of the block). */
  @Setup
  public void build() {
    byte[][] keys = BenchData.blockUserKeys();
    targets = new byte[keys.length][];
    for (int i = 0; i < keys.length; i++) {
      targets[i] = InternalKey.forSeek(keys[i], InternalKey.MAX_SEQUENCE);
    }
    block = BenchData.dataBlock(keys, storage);
  }

  /**
   * One seek with a new iterator, as a table read does.
   *
   * @return the value found, returned so that JMH consumes it and the work is not optimised away
   */
  @Benchmark
  public byte[] seek() {
    InternalIterator it = block.iterator(InternalKey.COMPARATOR);
    it.seek(targets[next++ % targets.length]);
    return it.value();
  }

  /**
   * The same seek through a comparator that cannot compare in place.
   *
   * @return the value found, returned so that JMH consumes it and the work is not optimised away
   */
  @Benchmark
  public byte[] seekWithPlainComparator() {
    InternalIterator it = block.iterator(InternalKey::compare);
    it.seek(targets[next++ % targets.length]);
    return it.value();
  }
}
