package io.stratadb.jmh;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.statistics.Statistics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@code Options.statistics} costs: recording one get (counters, clock reads, histogram) on
 * its own, and a whole {@code Db.get} of a present key from a database of 100,000 keys in flushed
 * SSTables (block cache warm), with latency histograms off and on.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StatisticsBenchmark {
  private static final int KEYS = 100_000;

  /** Whether latency histograms are recorded. */
  @Param({"false", "true"})
  public boolean latencies;

  private Statistics statistics;
  private final byte[] value = new byte[100];
  private Path dir;
  private Db db;
  private byte[][] keys;
  private int next;

  /**
   * Opens a database of {@link #KEYS} keys, all flushed, with or without latency histograms.
   *
   * @throws IOException if the database cannot be written or opened
   */
  @Setup(Level.Trial)
  public void open() throws IOException {
    statistics = new Statistics(latencies);
    dir = Files.createTempDirectory("strata-jmh-statistics");
    db = Db.open(dir, Options.builder().statistics(latencies).jmx(false).blockCacheSize(64L << 20).build());
    keys = BenchData.randomKeys(KEYS, 1_000_000_000L, 7);
    for (byte[] k : keys) {
      db.put(k, value);
    }
    db.flush();
  }

  /**
   * Closes and deletes the database.
   *
   * @throws IOException if the database cannot be closed or its files deleted
   */
  @TearDown(Level.Trial)
  public void close() throws IOException {
    db.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Recording a found get: one or two counters, and with latencies two clock reads and a histogram.
   *
   * @return the statistics, returned so that JMH consumes it and the work is not optimised away
   */
  @Benchmark
  public Statistics recordGet() {
    statistics.recordGet(statistics.startTimer(), value);
    return statistics;
  }

  /**
   * A whole get of a present key.
   *
   * @return the value found, returned so that JMH consumes it and the work is not optimised away
   */
  @Benchmark
  public byte[] dbGet() {
    return db.get(keys[next++ % KEYS]);
  }
}
