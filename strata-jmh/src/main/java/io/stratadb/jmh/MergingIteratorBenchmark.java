package io.stratadb.jmh;

import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.key.ValueType;
import io.stratadb.memtable.Memtable;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code next()} of a heap merge over {@code sources} memtables of 25,000 random keys each, reading
 * the key as a copy ({@link #next()}) or in place ({@link #nextInPlace()}, what scans use).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MergingIteratorBenchmark {
  /** The number of memtables merged. */
  @Param({"2", "8"})
  public int sources;

  private final List<Memtable> memtables = new ArrayList<>();
  private InternalIterator merged;

  /** Fills the memtables and positions the merge on the first entry. */
  @Setup
  public void build() {
    byte[] value = BenchData.value(5);
    long sequence = 1;
    for (int s = 0; s < sources; s++) {
      Memtable m = new Memtable(s + 1);
      for (byte[] key : BenchData.randomKeys(25_000, 1_000_000_000L, 10 + s)) {
        m.add(sequence++, ValueType.PUT, key, value);
      }
      memtables.add(m);
    }
    reopen();
  }

  private void reopen() {
    List<InternalIterator> its = new ArrayList<>();
    memtables.forEach(m -> its.add(m.iterator()));
    merged = new MergingIterator(its);
    merged.seekToFirst();
  }

  /**
   * One step of the merge; starts over at the end.
   *
   * @return the current internal key, returned so that JMH consumes it and the work is not
   *     optimised away
   */
  @Benchmark
  public byte[] next() {
    merged.next();
    if (!merged.isValid()) {
      merged.close();
      reopen();
    }
    return merged.key();
  }

  /**
   * One step of the merge, reading the key in place (a slice, no copy); starts over at the end.
   *
   * @return the current key's length in bytes, returned so that JMH consumes it and the work is
   *     not optimised away
   */
  @Benchmark
  public int nextInPlace() {
    merged.next();
    if (!merged.isValid()) {
      merged.close();
      reopen();
    }
    return merged.keySlice().length();
  }

  /** Closes the merge. */
  @TearDown
  public void close() {
    merged.close();
  }
}
