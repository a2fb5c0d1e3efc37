package io.stratadb.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An opt-in comparison (tag {@code slow}) of Kafka's RocksDB key-value store and StrataDB's under
 * Kafka Streams, in one JVM, one after the other:
 *
 * <ol>
 *   <li>a count-by-key topology run through {@link TopologyTestDriver} over {@code bench.records}
 *       records of {@code bench.valueBytes}-byte values on {@code bench.keys} distinct keys:
 *       records per second and the per-record processing latency (p50/p99/p99.9);
 *   <li>the restoration of a {@code bench.restoreEntries}-entry changelog into an empty store,
 *       through the store's registered restore callback in batches of 1000 records (the restore
 *       consumer's default {@code max.poll.records}): entries per second;
 *   <li>the state size on disk after the store closed.
 * </ol>
 *
 * <p>Both stores first run {@code bench.warmup} records (and five times as many restored entries)
 * untimed. The driver commits after every record. Kafka's store then writes its offsets into RocksDB's
 * memtable without a WAL; StrataDB's is run with {@code strata.sync.on.commit=false} (its WAL
 * reaches the operating system per write, unsynced) and, with {@code bench.syncRecords > 0}, also
 * with the default (an fsync per commit, so per record here). Run:
 *
 * <pre>
 * flock /tmp/bench.lock mvn -B -q -pl strata-kafka-streams -am test -Pslow-tests \
 *   -Dtest=KafkaStreamsStoreBench -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dbench.dir=/work/bench-kv -Dbench.records=1000000 -Dbench.keys=100000
 * </pre>
 *
 * <p>or, with the test class path, {@code java -Xmx1g -Dbench.records=... io.stratadb.kafka.KafkaStreamsStoreBench}.
 */
@Tag("slow")
class KafkaStreamsStoreBench {

  private static final int RECORDS = Integer.getInteger("bench.records", 200_000);
  private static final int KEYS = Integer.getInteger("bench.keys", 20_000);
  private static final int VALUE_BYTES = Integer.getInteger("bench.valueBytes", 100);
  private static final int RESTORE_ENTRIES = Integer.getInteger("bench.restoreEntries", 500_000);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 20_000);
  private static final int SYNC_RECORDS = Integer.getInteger("bench.syncRecords", 20_000);
  private static final Path DIR = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")))
      .resolve("kafka-streams-store-bench");

  record Result(String name, int records, double seconds, Histogram latency, long diskBytes) {
    double perSecond() {
      return records / seconds;
    }

    String line() {
      return String.format("%-28s %10d records %8.1f s %10.0f rec/s  p50 %6.1f us  p99 %7.1f us  p99.9 %8.1f us  disk %6.1f MiB",
          name, records, seconds, perSecond(), latency.getValueAtPercentile(50) / 1e3,
          latency.getValueAtPercentile(99) / 1e3, latency.getValueAtPercentile(99.9) / 1e3, diskBytes / 1048576.0);
    }
  }

  /** Runs the comparison outside JUnit, with the {@code bench.*} system properties. */
  public static void main(String[] args) throws IOException {
    new KafkaStreamsStoreBench().countByKeyAndRestore();
  }

  @Test
  void countByKeyAndRestore() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("count-by-key: %d records, %d keys, %d-byte values; restore: %d entries; java %s",
        RECORDS, KEYS, VALUE_BYTES, RESTORE_ENTRIES, System.getProperty("java.version")));
    if (WARMUP > 0) { // JIT-compile Kafka Streams' and both stores' paths before anything is timed
      countByKey("warmup-kafka", Stores::persistentTimestampedKeyValueStore, WARMUP, true);
      countByKey("warmup-strata", StrataStores::persistentTimestampedKeyValueStore, WARMUP, false);
      restore("warmup-kafka", Stores::persistentTimestampedKeyValueStore, WARMUP * 5);
      restore("warmup-strata", StrataStores::persistentTimestampedKeyValueStore, WARMUP * 5);
    }
    if (RECORDS > 0) {
      Result kafka = countByKey("kafka-rocksdb", Stores::persistentTimestampedKeyValueStore, RECORDS, true);
      Result strata = countByKey("strata (sync.on.commit=false)", StrataStores::persistentTimestampedKeyValueStore,
          RECORDS, false);
      lines.add(kafka.line());
      lines.add(strata.line());
      lines.add(String.format("  ratio strata/kafka: %.2fx records/s", strata.perSecond() / kafka.perSecond()));
    }
    if (SYNC_RECORDS > 0) {
      Result kafkaShort = countByKey("kafka-rocksdb", Stores::persistentTimestampedKeyValueStore, SYNC_RECORDS, true);
      Result synced = countByKey("strata (sync.on.commit=true)", StrataStores::persistentTimestampedKeyValueStore,
          SYNC_RECORDS, true);
      lines.add(kafkaShort.line());
      lines.add(synced.line());
      lines.add(String.format("  ratio strata/kafka: %.2fx records/s (an fsync per record)",
          synced.perSecond() / kafkaShort.perSecond()));
    }
    Result kafkaRestore = restore("kafka-rocksdb restore", Stores::persistentTimestampedKeyValueStore, RESTORE_ENTRIES);
    Result strataRestore = restore("strata restore", StrataStores::persistentTimestampedKeyValueStore,
        RESTORE_ENTRIES);
    lines.add(kafkaRestore.line());
    lines.add(strataRestore.line());
    lines.add(String.format("  ratio strata/kafka: %.2fx entries/s", strataRestore.perSecond() / kafkaRestore.perSecond()));
    lines.forEach(System.out::println);
    deleteTree(DIR);
  }

  private static Result countByKey(String name, Function<String, KeyValueBytesStoreSupplier> stores, int records,
      boolean syncOnCommit) {
    Path stateDir = DIR.resolve(name.replaceAll("[^a-z]", "") + records);
    deleteTree(stateDir);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("input", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .groupByKey(Grouped.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .count(Materialized.<byte[], Long>as(stores.apply("counts"))
            .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.Long()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StrataStores.SYNC_ON_COMMIT_CONFIG, syncOnCommit);
    Histogram latency = new Histogram(3_600_000_000_000L, 3);
    SplittableRandom rnd = new SplittableRandom(7);
    byte[] value = new byte[VALUE_BYTES];
    long start;
    long end;
    long disk;
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<byte[], byte[]> in = driver.createInputTopic("input", new ByteArraySerializer(),
          new ByteArraySerializer());
      start = System.nanoTime();
      for (int i = 0; i < records; i++) {
        byte[] key = String.format("key%09d", rnd.nextInt(KEYS)).getBytes();
        long t0 = System.nanoTime();
        in.pipeInput(key, value, i);
        latency.recordValue(System.nanoTime() - t0);
      }
      end = System.nanoTime();
      disk = diskBytes(stateDir); // while open: the driver deletes the state directory at close
    }
    return new Result(name, records, (end - start) / 1e9, latency, disk);
  }

  private static Result restore(String name, Function<String, KeyValueBytesStoreSupplier> stores, int entries) {
    Path stateDir = DIR.resolve(name.replaceAll("[^a-z]", ""));
    deleteTree(stateDir);
    StoreHarness h = new StoreHarness(stateDir.toFile(), 0, Map.of());
    KeyValueStore<Bytes, byte[]> store = h.init(stores.apply("restored").get());
    Histogram latency = new Histogram(3_600_000_000_000L, 3);
    SplittableRandom rnd = new SplittableRandom(11);
    long start = System.nanoTime();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>(1000);
    for (int i = 0; i < entries; i++) {
      byte[] value = new byte[8 + VALUE_BYTES]; // timestamped format: 8-byte timestamp, then the value
      rnd.nextBytes(value);
      batch.add(new ConsumerRecord<>("bench-restored-changelog", 0, i, String.format("key%09d", i).getBytes(), value));
      if (batch.size() == 1000 || i == entries - 1) {
        long t0 = System.nanoTime();
        h.restore(batch);
        latency.recordValue(System.nanoTime() - t0);
        batch = new ArrayList<>(1000);
      }
    }
    store.commit(Map.of(new org.apache.kafka.common.TopicPartition("app-store-changelog", 0), 1L));
    long end = System.nanoTime();
    store.close();
    return new Result(name + " (per 1000)", entries, (end - start) / 1e9, latency, diskBytes(stateDir));
  }

  static long diskBytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
