package io.stratadb.jmh;

import io.stratadb.util.Crc32c;
import java.util.SplittableRandom;
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

/** CRC32C (java.util.zip.CRC32C, hardware-accelerated) of a WAL record or a 4 KiB block. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Crc32cBenchmark {
  /** The data's length in bytes: a WAL record (130) or a 4 KiB block (4096). */
  @Param({"130", "4096"})
  public int bytes;

  private byte[] data;

  /** Random data of {@code bytes}. */
  @Setup
  public void fill() {
    data = new byte[bytes];
    new SplittableRandom(6).nextBytes(data);
  }

  /**
   * One checksum.
   *
   * @return the checksum, returned so that JMH consumes it and the work is not optimised away
   */
  @Benchmark
  public int crc32c() {
    return Crc32c.value(data, 0, data.length);
  }
}
