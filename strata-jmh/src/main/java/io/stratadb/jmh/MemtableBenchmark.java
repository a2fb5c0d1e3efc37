package io.stratadb.jmh;

import io.stratadb.MemtableRep;
import io.stratadb.key.ValueType;
import io.stratadb.memtable.Memtable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memtable insert and point lookup: the write path's and the read path's first step. Inserts go
 * into a memtable of up to 100,000 entries (about a 4 MiB write buffer), lookups into a full one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MemtableBenchmark {
  /** The memtable's index: the default B+tree or the skiplist. */
  @Param({"BPLUS_TREE", "SKIPLIST"})
  public MemtableRep rep;

  private static final int ENTRIES = 100_000;

  private final byte[][] keys = BenchData.randomKeys(ENTRIES, Long.MAX_VALUE / 2, 1);
  private final byte[] value = BenchData.value(2);
  private Memtable filling;
  private Memtable full;
  private long sequence;
  private int next;

  /** Builds the full memtable once. */
  @Setup(Level.Trial)
  public void fill() {
    full = new Memtable(1, 0, rep);
    for (int i = 0; i < ENTRIES; i++) {
      full.add(i + 1, ValueType.PUT, keys[i], value);
    }
  }

  /** A fresh memtable for inserts every iteration, so it never grows past ENTRIES. */
  @Setup(Level.Iteration)
  public void freshMemtable() {
    filling = new Memtable(2, 0, rep);
    next = 0;
  }

  /** One put into a growing memtable. */
  @Benchmark
  public void insert() {
    if (next == ENTRIES) {
      freshMemtable();
    }
    filling.add(++sequence, ValueType.PUT, keys[next++], value);
  }

  /**
   * One lookup of a present key.
   *
   * @return the lookup's result, returned so that JMH consumes it and the work is not optimised
   *     away
   */
  @Benchmark
  public Object get() {
    int i = next++ % ENTRIES;
    return full.get(keys[i], Long.MAX_VALUE >>> 8);
  }
}
