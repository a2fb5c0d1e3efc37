package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Opt-in measurement: a windowed count (1 min tumbling windows, 10 s grace, 10 min retention, so
 * segments of 5 min expire as stream time moves) through Kafka's {@code TopologyTestDriver}, on
 * Kafka's RocksDB window store and on StrataDB's, in one JVM, one after the other, after a warm-up
 * of both. The driver commits after every record: StrataDB runs with {@code
 * strata.sync.on.commit=false} (its WAL reaches the OS, unsynced; Kafka's RocksDB stores write no
 * WAL at all), and a tenth of the records again with it on, to show what a WAL fsync per commit
 * costs. Prints records per second, per-record latency percentiles (one {@code pipeInput}: the
 * whole DSL path, store included) and the state size on disk; asserts only that both counted the
 * same. Run (holding the machine's benchmark lock):
 *
 * <pre>
 * flock /tmp/bench.lock mvn -B -pl strata-kafka-streams -am test -Pslow-tests \
 *   -Dtest=WindowedCountThroughputTest -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dwindowed.records=1000000 -Dwindowed.dir=/work/bench-win
 * </pre>
 *
 * or {@link #main} on the test class path ({@code -Dwindowed.records=... -Dwindowed.dir=...}).
 */
@Tag("slow")
class WindowedCountThroughputTest {

  private static final int KEYS = 10_000;

  record Result(String store, int records, double seconds, Histogram latencyNs, long bytesOnDisk, long outputs) {
    @Override
    public String toString() {
      return String.format(
          "%-14s %,d records in %.1f s = %,.0f records/s; latency p50 %.1f us, p99 %.1f us, p99.9 %.1f us; state %,d bytes; %,d outputs",
          store, records, seconds, records / seconds, latencyNs.getValueAtPercentile(50) / 1e3,
          latencyNs.getValueAtPercentile(99) / 1e3, latencyNs.getValueAtPercentile(99.9) / 1e3, bytesOnDisk, outputs);
    }
  }

  private static Result run(
      String label, Function<String, WindowBytesStoreSupplier> stores, boolean syncOnCommit, int records, Path dir)
      throws IOException {
    Path stateDir = dir.resolve(label + "-" + System.nanoTime());
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMinutes(1), Duration.ofSeconds(10)))
        .count(Materialized.<String, Long>as(stores.apply("counts")).withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()))
        .toStream((w, v) -> w.key() + "@" + w.window().start())
        .to("counts-out", Produced.with(Serdes.String(), Serdes.Long()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "windowed-throughput");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StrataStores.SYNC_ON_COMMIT_CONFIG, syncOnCommit);
    Histogram latency = new Histogram(3);
    Random rnd = new Random(42);
    long outputs = 0;
    long bytes;
    long start;
    long end;
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
      TestInputTopic<String, String> in = driver.createInputTopic("clicks", new StringSerializer(), new StringSerializer());
      var out = driver.createOutputTopic("counts-out", new org.apache.kafka.common.serialization.StringDeserializer(),
          new org.apache.kafka.common.serialization.LongDeserializer());
      String[] keys = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        keys[i] = String.format("user-%06d", i);
      }
      long ts = 0;
      start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        ts += 2; // 500 records per second of stream time: a window holds 30 000
        long t0 = System.nanoTime();
        in.pipeInput(keys[rnd.nextInt(KEYS)], "c", ts);
        latency.recordValue(System.nanoTime() - t0);
        if ((i & 0xFFFF) == 0) {
          outputs += out.readValuesToList().size(); // keep the captured output from growing without bound
        }
      }
      end = System.nanoTime();
      outputs += out.getQueueSize();
      bytes = sizeOf(stateDir);
    }
    return new Result(label, records, (end - start) / 1e9, latency, bytes, outputs);
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** Runs the measurement outside JUnit (same system properties). */
  public static void main(String[] args) throws IOException {
    new WindowedCountThroughputTest().windowedCountThroughput();
  }

  @Test
  void windowedCountThroughput() throws IOException {
    int records = Integer.getInteger("windowed.records", 300_000);
    Path dir = Path.of(System.getProperty("windowed.dir", "/work/bench-win"));
    Files.createDirectories(dir);
    long retention = Duration.ofMinutes(10).toMillis();
    long size = Duration.ofMinutes(1).toMillis();
    Function<String, WindowBytesStoreSupplier> kafka = n -> SegmentedImpl.KAFKA_ROCKSDB.timestampedWindow(n, retention, size, false);
    Function<String, WindowBytesStoreSupplier> strata = n -> SegmentedImpl.STRATADB.timestampedWindow(n, retention, size, false);
    try {
      run("warmup-kafka", kafka, false, records / 10, dir);
      run("warmup-strata", strata, false, records / 10, dir);
      Result k = run("kafka-rocksdb", kafka, false, records, dir);
      Result s = run("stratadb", strata, false, records, dir);
      Result synced = run("stratadb-sync", strata, true, records / 10, dir);
      System.out.println(k);
      System.out.println(s);
      System.out.println(synced);
      System.out.printf("stratadb / kafka-rocksdb throughput ratio: %.2f%n", k.seconds() / s.seconds());
      assertEquals(k.outputs(), s.outputs());
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        for (Path q : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(q);
        }
      }
    }
  }
}
