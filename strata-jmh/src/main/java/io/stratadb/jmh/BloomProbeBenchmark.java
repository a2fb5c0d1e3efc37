package io.stratadb.jmh;

import io.stratadb.sstable.BloomFilter;
import io.stratadb.util.Hash64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Hash a 16-byte key and probe a 10-bits-per-key bloom filter of 100,000 keys, hit or miss. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BloomProbeBenchmark {
  private static final int KEYS = 100_000;

  private byte[] filter;
  private byte[][] present;
  private byte[][] absent;
  private int next;

  /** Builds the filter over {@code present}; {@code absent} keys are outside its key space. */
  @Setup
  public void build() {
    present = BenchData.randomKeys(KEYS, 1_000_000_000L, 4);
    absent = new byte[KEYS][];
    long[] hashes = new long[KEYS];
    for (int i = 0; i < KEYS; i++) {
      hashes[i] = Hash64.hash(present[i], 0, present[i].length);
      absent[i] = BenchData.key(2_000_000_000L + i);
    }
    filter = BloomFilter.build(hashes, KEYS, 10);
  }

  /**
   * A key the filter holds.
   *
   * @return whether the filter may hold the key (true), returned so that JMH consumes it and the
   *     work is not optimised away
   */
  @Benchmark
  public boolean probeHit() {
    byte[] k = present[next++ % KEYS];
    return BloomFilter.mayContain(filter, Hash64.hash(k, 0, k.length));
  }

  /**
   * A key it does not hold (about 1% false positives).
   *
   * @return whether the filter may hold the key (rarely true), returned so that JMH consumes it
   *     and the work is not optimised away
   */
  @Benchmark
  public boolean probeMiss() {
    byte[] k = absent[next++ % KEYS];
    return BloomFilter.mayContain(filter, Hash64.hash(k, 0, k.length));
  }
}
