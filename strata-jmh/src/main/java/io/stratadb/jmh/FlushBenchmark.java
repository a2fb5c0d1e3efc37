package io.stratadb.jmh;

import io.stratadb.Compression;
import io.stratadb.compaction.TableSink;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.ValueType;
import io.stratadb.memtable.Memtable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A memtable flush as {@code DbImpl.writeLevel0Table} runs it: the memtable iterator's key and
 * value views into a {@link TableSink} writing one SSTable (block size 4 KiB, restart interval 16,
 * 10 bloom bits per key) into a temporary directory, fsync included. Times and allocations are per
 * entry ({@code @OperationsPerInvocation}): run with {@code -prof gc} and read {@code
 * gc.alloc.rate.norm} as bytes allocated per flushed entry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlushBenchmark {
  private static final int ENTRIES = 100_000;

  /** The data block compression of the table written. */
  @Param({"NONE", "LZ4"})
  public Compression compression;

  private Memtable memtable;
  private Path dir;
  private long fileNumber;

  /**
   * Fills a memtable with 100,000 random 16-byte keys and 100-byte values (about 14 MiB).
   *
   * @throws IOException if the temporary directory cannot be created
   */
  @Setup(Level.Trial)
  public void fill() throws IOException {
    byte[][] keys = BenchData.randomKeys(ENTRIES, Long.MAX_VALUE / 2, 1);
    byte[] value = BenchData.value(2);
    memtable = new Memtable(1);
    for (int i = 0; i < ENTRIES; i++) {
      memtable.add(i + 1, ValueType.PUT, keys[i], value);
    }
    dir = Files.createTempDirectory("strata-jmh-flush");
  }

  /**
   * Flushes the whole memtable into one table.
   *
   * @return the written table's metadata, returned so that JMH consumes it and the work is not
   *     optimised away
   * @throws IOException if the table cannot be written or synced
   */
  @Benchmark
  @OperationsPerInvocation(ENTRIES)
  public Object flush() throws IOException {
    TableSink sink = new TableSink(LocalFileSystem.INSTANCE, dir,
        new TableSink.TableSettings(4096, 16, 10, compression), () -> ++fileNumber, Long.MAX_VALUE);
    try (InternalIterator it = memtable.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        sink.add(it.keySlice(), it.valueSlice());
      }
    }
    return sink.finish();
  }

  /**
   * Deletes the table each flush wrote.
   *
   * @throws IOException if a table cannot be deleted
   */
  @TearDown(Level.Invocation)
  public void deleteTables() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.delete(f);
      }
    }
  }

  /**
   * Removes the temporary directory.
   *
   * @throws IOException if a table or the directory cannot be deleted
   */
  @TearDown(Level.Trial)
  public void removeDirectory() throws IOException {
    deleteTables();
    Files.delete(dir);
  }
}
