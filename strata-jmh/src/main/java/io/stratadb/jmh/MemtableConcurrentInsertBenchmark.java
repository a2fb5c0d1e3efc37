package io.stratadb.jmh;

import io.stratadb.MemtableRep;
import io.stratadb.key.ValueType;
import io.stratadb.memtable.Memtable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Several threads inserting into one memtable at once: throughput over all threads. The skiplist
 * links with compare-and-set (RocksDB's concurrent memtable writes), the B+tree's writers take
 * turns on its lock. The memtable is replaced when it passes 4 MiB (a write buffer's size), as a
 * flush would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(4)
public class MemtableConcurrentInsertBenchmark {
  /** The memtable's index: the default B+tree or the skiplist. */
  @Param({"BPLUS_TREE", "SKIPLIST"})
  public MemtableRep rep;

  private static final int KEYS = 1 << 17;
  private static final long WRITE_BUFFER_BYTES = 4 << 20;

  private final byte[][] keys = BenchData.randomKeys(KEYS, Long.MAX_VALUE / 2, 3);
  private final byte[] value = BenchData.value(4);
  private final AtomicLong sequence = new AtomicLong();
  private volatile Memtable memtable;

  /** A fresh memtable every iteration. */
  @Setup(Level.Iteration)
  public void freshMemtable() {
    memtable = new Memtable(1, 0, rep);
  }

  /** One put of a random key with a unique sequence number. */
  @Benchmark
  public void insert() {
    long seq = sequence.incrementAndGet();
    Memtable m = memtable;
    if ((seq & 1023) == 0 && m.approximateBytes() > WRITE_BUFFER_BYTES) {
      // Racing threads may each replace it: harmless, the old one is only dropped.
      memtable = new Memtable(1, 0, rep);
    }
    m.add(seq, ValueType.PUT, keys[(int) (seq & (KEYS - 1))], value);
  }
}
