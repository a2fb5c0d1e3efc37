package io.stratadb.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An opt-in comparison (tag {@code slow}) of Kafka's RocksDB key-value store and StrataDB's under
 * Kafka Streams on a real broker ({@link KafkaBroker}, KRaft, in a child JVM): {@code bench.records}
 * records of {@code bench.valueBytes}-byte values on {@code bench.keys} distinct keys are produced
 * once into a 4-partition topic, then one application instance (one stream thread, the record
 * cache off so every record reaches the store, default {@code at_least_once}) counts them by key,
 * first with Kafka's store, then with StrataDB's, each under its own application id from the
 * beginning of the topic, after both ran untimed over {@code bench.warmup} other records. Reports records per second (first to last record processed) and the
 * state size on disk after a clean close; then (unless {@code -Dbench.restore=false}) it starts the
 * application again on an empty state directory and times the restoration of the store from its
 * changelog (records restored per second). With {@code -Dbench.withWal=true} StrataDB's store also
 * runs with its WAL on ({@code strata.wal=true}), between the two. Run:
 *
 * <pre>
 * flock /tmp/bench.lock mvn -B -q -pl strata-kafka-streams -am test -Pslow-tests \
 *   -Dtest=KafkaClusterStoreBench -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dbench.dir=/work/bench-kraft -Dbench.records=2000000 -Dbench.keys=200000
 * </pre>
 */
@Tag("slow")
class KafkaClusterStoreBench {
  private static final int RECORDS = Integer.getInteger("bench.records", 200_000);
  private static final int KEYS = Integer.getInteger("bench.keys", 20_000);
  private static final int VALUE_BYTES = Integer.getInteger("bench.valueBytes", 100);
  private static final int WARMUP = Integer.getInteger("bench.warmup", 100_000);
  private static final boolean RESTORE = Boolean.parseBoolean(System.getProperty("bench.restore", "true"));
  /** Whether to run StrataDB's store a second time with its WAL on ({@code strata.wal=true}, the stores' default before issue 26). */
  private static final boolean WITH_WAL = Boolean.parseBoolean(System.getProperty("bench.withWal", "false"));
  private static final Path DIR = Path.of(System.getProperty("bench.dir", System.getProperty("java.io.tmpdir")))
      .resolve("kafka-cluster-store-bench");

  /** Runs the comparison outside JUnit (for a JFR recording or other JVM options of one's own). */
  public static void main(String[] args) throws Exception {
    new KafkaClusterStoreBench().countByKeyOnARealBroker();
  }

  @Test
  void countByKeyOnARealBroker() throws Exception {
    KafkaStreamsStoreBench.deleteTree(DIR);
    List<String> lines = new ArrayList<>();
    try (KafkaBroker broker = new KafkaBroker(Files.createDirectories(DIR.resolve("kraft")))) {
      broker.createTopics(4, "input", "warmup");
      produce(broker.bootstrapServers(), "warmup", WARMUP);
      long produceStart = System.nanoTime();
      produce(broker.bootstrapServers(), "input", RECORDS);
      lines.add(String.format("count-by-key on a KRaft broker: %d records, %d keys, %d-byte values, 4 partitions"
          + " (produced in %.1f s); java %s", RECORDS, KEYS, VALUE_BYTES, (System.nanoTime() - produceStart) / 1e9,
          System.getProperty("java.version")));
      if (WARMUP > 0) { // JIT-compile Kafka Streams' and both stores' paths before anything is timed
        count(broker.bootstrapServers(), "warmup", WARMUP, "warmup-kafka", Stores::persistentTimestampedKeyValueStore, Map.of(), new ArrayList<>());
        count(broker.bootstrapServers(), "warmup", WARMUP, "warmup-strata", StrataStores::persistentTimestampedKeyValueStore, Map.of(), new ArrayList<>());
        if (WITH_WAL) {
          count(broker.bootstrapServers(), "warmup", WARMUP, "warmup-strata-wal", StrataStores::persistentTimestampedKeyValueStore, Map.of(StrataStores.WAL_CONFIG, true), new ArrayList<>());
        }
      }
      double kafka = count(broker.bootstrapServers(), "input", RECORDS, "kafka-rocksdb", Stores::persistentTimestampedKeyValueStore, Map.of(), lines);
      if (WITH_WAL) {
        double wal = count(broker.bootstrapServers(), "input", RECORDS, "strata-wal", StrataStores::persistentTimestampedKeyValueStore, Map.of(StrataStores.WAL_CONFIG, true), lines);
        lines.add(String.format("  ratio strata-wal/kafka: %.2fx records/s", wal / kafka));
      }
      double strata = count(broker.bootstrapServers(), "input", RECORDS, "strata", StrataStores::persistentTimestampedKeyValueStore, Map.of(), lines);
      lines.add(String.format("  ratio strata/kafka: %.2fx records/s", strata / kafka));
    } finally {
      lines.forEach(System.out::println);
      KafkaStreamsStoreBench.deleteTree(DIR);
    }
  }

  /**
   * Produces {@code records} records into {@code topic}, resending those whose delivery failed (a
   * loaded broker may time out idempotent batches); returns once all are acknowledged.
   */
  private static void produce(String bootstrap, String topic, int records) {
    SplittableRandom rnd = new SplittableRandom(7);
    AtomicLong failed = new AtomicLong();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 20,
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long left = records; left > 0; left = failed.getAndSet(0)) {
        for (long i = 0; i < left; i++) {
          byte[] value = new byte[VALUE_BYTES];
          rnd.nextBytes(value);
          producer.send(new ProducerRecord<>(topic, String.format("key%09d", rnd.nextInt(KEYS)).getBytes(), value),
              (metadata, e) -> {
                if (e != null) {
                  failed.incrementAndGet();
                }
              });
        }
        producer.flush();
      }
    }
  }

  /** The state directory's bytes by file name extension (or name, without one), in MiB. */
  private static Map<String, String> bytesByKind(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      Map<String, Long> bytes = new java.util.TreeMap<>();
      files.filter(Files::isRegularFile).forEach(file -> {
        String name = file.getFileName().toString();
        bytes.merge(name.contains(".") ? name.substring(name.lastIndexOf('.')) : name, file.toFile().length(), Long::sum);
      });
      Map<String, String> mib = new java.util.TreeMap<>();
      bytes.forEach((kind, n) -> mib.put(kind, String.format("%.1f", n / 1048576.0)));
      return mib;
    }
  }

  /** Runs one application over the {@code records} records of {@code topic}; returns its records per second and adds a report line. */
  private static double count(String bootstrap, String topic, int records, String name, Function<String, KeyValueBytesStoreSupplier> stores,
      Map<String, Object> configs, List<String> lines) throws InterruptedException, java.io.IOException {
    Path stateDir = DIR.resolve("state-" + name);
    AtomicLong processed = new AtomicLong();
    AtomicLong first = new AtomicLong();
    AtomicLong last = new AtomicLong();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .peek((k, v) -> {
          long now = System.nanoTime();
          first.compareAndSet(0, now);
          last.set(now);
          processed.incrementAndGet();
        })
        .groupByKey(Grouped.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .count(Materialized.<byte[], Long>as(stores.apply("counts"))
            .withKeySerde(Serdes.ByteArray()).withValueSerde(Serdes.Long()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + name);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    props.putAll(configs);
    long disk;
    org.apache.kafka.streams.Topology topology = builder.build();
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      streams.start();
      long deadline = System.currentTimeMillis() + 600_000;
      while (processed.get() < records) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError(name + ": only " + processed.get() + " of " + records + " records in 10 min");
        }
        Thread.sleep(100);
      }
    }
    disk = KafkaStreamsStoreBench.diskBytes(stateDir);
    double seconds = (last.get() - first.get()) / 1e9;
    double perSecond = records / seconds;
    lines.add(String.format("%-14s %10d records %8.1f s %10.0f rec/s  state on disk %7.1f MiB %s",
        name, records, seconds, perSecond, disk / 1048576.0, bytesByKind(stateDir)));
    if (RESTORE) {
      KafkaStreamsStoreBench.deleteTree(stateDir);
      lines.add(restore(topology, props, name));
    }
    return perSecond;
  }

  /**
   * Starts the application again on an empty state directory and times the restoration of its 4
   * changelog partitions into the store (first restore start to last restore end).
   */
  private static String restore(org.apache.kafka.streams.Topology topology, Properties props, String name)
      throws InterruptedException {
    AtomicLong start = new AtomicLong();
    AtomicLong end = new AtomicLong();
    AtomicLong restored = new AtomicLong();
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(4);
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      streams.setGlobalStateRestoreListener(new org.apache.kafka.streams.processor.StateRestoreListener() {
        @Override
        public void onRestoreStart(org.apache.kafka.common.TopicPartition partition, String store, long startOffset, long endOffset) {
          start.compareAndSet(0, System.nanoTime());
        }

        @Override
        public void onBatchRestored(org.apache.kafka.common.TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        }

        @Override
        public void onRestoreEnd(org.apache.kafka.common.TopicPartition partition, String store, long totalRestored) {
          restored.addAndGet(totalRestored);
          end.set(System.nanoTime());
          ended.countDown();
        }
      });
      streams.start();
      if (!ended.await(10, java.util.concurrent.TimeUnit.MINUTES)) {
        throw new AssertionError(name + ": restoration did not end in 10 min");
      }
    }
    double seconds = (end.get() - start.get()) / 1e9;
    return String.format("%-14s restore %10d changelog records %8.1f s %10.0f rec/s", name, restored.get(), seconds,
        restored.get() / seconds);
  }
}
