package io.stratadb.jmh;

import io.stratadb.env.WritableFile;
import io.stratadb.record.LogWriter;
import java.io.IOException;
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

/**
 * Framing and checksumming one 130-byte WAL record (a one-put write batch) in the LevelDB log
 * format, into a file that discards its bytes: the CPU cost of the WAL without the disk.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class WalAppendBenchmark {
  private LogWriter writer;
  private final byte[] record = new byte[130];

  /** A writer over a discarding file. */
  @Setup
  public void open() {
    writer = new LogWriter(new WritableFile() {
      private long size;

      @Override
      public void append(byte[] data, int off, int len) {
        size += len;
      }

      @Override
      public void flush() {}

      @Override
      public void sync() {}

      @Override
      public long size() {
        return size;
      }

      @Override
      public void close() {}
    });
  }

  /**
   * One record.
   *
   * @throws IOException never: the file discards the bytes; the log writer's signature declares it
   */
  @Benchmark
  public void append() throws IOException {
    writer.addRecord(record);
  }
}
