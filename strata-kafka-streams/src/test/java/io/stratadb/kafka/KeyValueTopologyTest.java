package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams DSL topologies run through Kafka's {@link TopologyTestDriver} twice, once on Kafka's
 * RocksDB stores and once on StrataDB's (timestamped, as the DSL asks for, and plain, which Kafka
 * adapts): the output topics must be equal record by record (key, value, timestamp), the final
 * store contents equal, and the word counts equal to a model computed from the input.
 */
class KeyValueTopologyTest {

  private static final Function<String, KeyValueBytesStoreSupplier> KAFKA = Stores::persistentTimestampedKeyValueStore;
  private static final List<Function<String, KeyValueBytesStoreSupplier>> STRATA = List.of(
      StrataStores::persistentTimestampedKeyValueStore, StrataStores::persistentKeyValueStore);

  @TempDir
  File tmp;

  private int runs;

  /** What one run produced: the output records and the final contents of the queried store. */
  record Run(List<TestRecord<String, Long>> output, Map<String, Long> store) {}

  /**
   * The driver's configuration. The driver commits after every record, so the word count and the
   * join turn {@link StrataStores#SYNC_ON_COMMIT_CONFIG} off (a memtable flush per record would make them
   * several times slower without changing a record); the suppressed count keeps the default.
   */
  private Properties props(boolean syncOnCommit) {
    Properties p = new Properties();
    p.put(StrataStores.SYNC_ON_COMMIT_CONFIG, syncOnCommit);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kv-topology");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, new File(tmp, "run" + runs++).getAbsolutePath());
    return p;
  }

  private static List<String> lines(int count, long seed) {
    Random rnd = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 1 + rnd.nextInt(6); w > 0; w--) {
        sb.append("w").append(rnd.nextInt(300)).append(' ');
      }
      out.add(sb.toString().trim());
    }
    return out;
  }

  private static Map<String, Long> storeContents(TopologyTestDriver driver, String name) {
    Map<String, Long> out = new HashMap<>();
    KeyValueStore<String, Long> store = driver.getKeyValueStore(name);
    try (KeyValueIterator<String, Long> it = store.all()) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return out;
  }

  private Run wordCount(Function<String, KeyValueBytesStoreSupplier> stores, List<String> input) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("text", Consumed.with(Serdes.String(), Serdes.String()))
        .flatMapValues(line -> List.of(line.toLowerCase().split(" ")))
        .groupBy((k, word) -> word, Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.<String, Long>as(stores.apply("counts")).withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()))
        .toStream()
        .to("counts-out", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props(false))) {
      TestInputTopic<String, String> in = driver.createInputTopic("text", new StringSerializer(),
          new StringSerializer(), Instant.ofEpochMilli(1_000), Duration.ofMillis(10));
      TestOutputTopic<String, Long> out = driver.createOutputTopic("counts-out", new StringDeserializer(),
          new LongDeserializer());
      for (String line : input) {
        in.pipeInput(null, line);
      }
      return new Run(out.readRecordsToList(), storeContents(driver, "counts"));
    }
  }

  @Test
  void wordCountIsEqualOnBothStores() {
    List<String> input = lines(2_000, 1);
    Map<String, Long> model = new HashMap<>();
    for (String line : input) {
      for (String w : line.split(" ")) {
        model.merge(w, 1L, Long::sum);
      }
    }
    Run kafka = wordCount(KAFKA, input);
    assertEquals(model, kafka.store());
    assertFalse(kafka.output().isEmpty());
    for (Function<String, KeyValueBytesStoreSupplier> strata : STRATA) {
      Run run = wordCount(strata, input);
      assertEquals(kafka.output(), run.output());
      assertEquals(model, run.store());
    }
  }

  /**
   * Clicks (user, count) joined with a user-to-region table, summed per region; the table and the
   * sums are both materialized in the stores under test.
   */
  private Run streamTableJoin(Function<String, KeyValueBytesStoreSupplier> stores, long seed) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, String> regions = builder.table("regions", Consumed.with(Serdes.String(), Serdes.String()),
        Materialized.<String, String>as(stores.apply("regions-table")).withKeySerde(Serdes.String())
            .withValueSerde(Serdes.String()));
    builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.Long()))
        .join(regions, (clicks, region) -> KeyValue.pair(region, clicks))
        .map((user, regionClicks) -> regionClicks)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.Long()))
        .reduce(Long::sum, Materialized.<String, Long>as(stores.apply("clicks-per-region"))
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .toStream()
        .to("region-clicks", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props(false))) {
      TestInputTopic<String, String> regionIn = driver.createInputTopic("regions", new StringSerializer(),
          new StringSerializer());
      TestInputTopic<String, Long> clickIn = driver.createInputTopic("clicks", new StringSerializer(),
          new org.apache.kafka.common.serialization.LongSerializer());
      TestOutputTopic<String, Long> out = driver.createOutputTopic("region-clicks", new StringDeserializer(),
          new LongDeserializer());
      Random rnd = new Random(seed);
      long ts = 10_000;
      for (int i = 0; i < 4_000; i++) {
        String user = "user" + rnd.nextInt(200);
        ts += rnd.nextInt(50);
        if (rnd.nextInt(10) == 0) { // users move between regions, or leave (a tombstone)
          String region = rnd.nextInt(8) == 0 ? null : "region" + rnd.nextInt(12);
          regionIn.pipeInput(user, region, ts);
        } else {
          clickIn.pipeInput(user, (long) (1 + rnd.nextInt(5)), ts);
        }
      }
      return new Run(out.readRecordsToList(), storeContents(driver, "clicks-per-region"));
    }
  }

  @Test
  void streamTableJoinIsEqualOnBothStores() {
    Run kafka = streamTableJoin(KAFKA, 2);
    assertFalse(kafka.output().isEmpty());
    for (Function<String, KeyValueBytesStoreSupplier> strata : STRATA) {
      Run run = streamTableJoin(strata, 2);
      assertEquals(kafka.output(), run.output());
      assertEquals(kafka.store(), run.store());
    }
  }

  /**
   * A count per key whose updates are suppressed until 5 s of stream time passed since the key's
   * first unsent update: each key emits at most once per interval, its latest count.
   */
  private Run suppressedCount(Function<String, KeyValueBytesStoreSupplier> stores, long seed) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("events", Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.<String, Long>as(stores.apply("event-counts")).withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()))
        .suppress(Suppressed.untilTimeLimit(Duration.ofSeconds(5), Suppressed.BufferConfig.unbounded()))
        .toStream()
        .to("suppressed-counts", Produced.with(Serdes.String(), Serdes.Long()));
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props(true))) {
      TestInputTopic<String, String> in = driver.createInputTopic("events", new StringSerializer(),
          new StringSerializer());
      TestOutputTopic<String, Long> out = driver.createOutputTopic("suppressed-counts", new StringDeserializer(),
          new LongDeserializer());
      Random rnd = new Random(seed);
      long ts = 0;
      for (int i = 0; i < 1_500; i++) {
        ts += rnd.nextInt(40);
        in.pipeInput("key" + rnd.nextInt(100), "e" + i, ts);
      }
      in.pipeInput("flush", "end", ts + 60_000); // advances stream time past every suppression
      return new Run(out.readRecordsToList(), storeContents(driver, "event-counts"));
    }
  }

  @Test
  void suppressedAggregationIsEqualOnBothStores() {
    Run kafka = suppressedCount(KAFKA, 3);
    assertFalse(kafka.output().isEmpty());
    for (Function<String, KeyValueBytesStoreSupplier> strata : STRATA) {
      Run run = suppressedCount(strata, 3);
      assertEquals(kafka.output(), run.output());
      assertEquals(kafka.store(), run.store());
    }
  }

  /** Typed IQv2 answers of the table's store (through Kafka's metered layers): values, range, position. */
  private List<String> queries(Function<String, KeyValueBytesStoreSupplier> stores) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.table("t", Consumed.with(Serdes.String(), Serdes.Long()),
        Materialized.<String, Long>as(stores.apply("t-store")).withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()));
    List<String> answers = new ArrayList<>();
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props(false))) {
      TestInputTopic<String, Long> in = driver.createInputTopic("t", new StringSerializer(),
          new org.apache.kafka.common.serialization.LongSerializer());
      for (int i = 0; i < 50; i++) {
        in.pipeInput("k" + (i % 7), (long) i, 1_000L + i);
      }
      in.pipeInput("k3", null, 2_000L);
      org.apache.kafka.streams.processor.StateStore store = driver.getAllStateStores().get("t-store");
      org.apache.kafka.streams.query.QueryConfig config = new org.apache.kafka.streams.query.QueryConfig(false);
      for (String key : List.of("k1", "k3", "k6", "nope")) {
        org.apache.kafka.streams.query.QueryResult<?> r = store.query(
            org.apache.kafka.streams.query.KeyQuery.withKey(key),
            org.apache.kafka.streams.query.PositionBound.unbounded(), config);
        answers.add(key + " -> " + r.isSuccess() + " " + valueOf(r.getResult()) + " at " + r.getPosition());
      }
      org.apache.kafka.streams.query.QueryResult<KeyValueIterator<String, Object>> range = store.query(
          org.apache.kafka.streams.query.RangeQuery.<String, Object>withRange("k2", "k5").withDescendingKeys(),
          org.apache.kafka.streams.query.PositionBound.unbounded(), config);
      try (KeyValueIterator<String, Object> it = range.getResult()) {
        it.forEachRemaining(kv -> answers.add("range " + kv.key + "=" + valueOf(kv.value)));
      }
      org.apache.kafka.streams.query.QueryResult<?> ahead = store.query(
          org.apache.kafka.streams.query.KeyQuery.withKey("k1"),
          org.apache.kafka.streams.query.PositionBound.at(
              org.apache.kafka.streams.query.Position.emptyPosition().withComponent("t", 0, 51)), config);
      answers.add("ahead -> " + ahead.getFailureReason());
    }
    return answers;
  }

  private static String valueOf(Object value) {
    return value instanceof org.apache.kafka.streams.state.ValueAndTimestamp<?> vt
        ? vt.value() + "@" + vt.timestamp() : String.valueOf(value);
  }

  @Test
  void interactiveQueriesAreAnsweredAlikeOnBothStores() {
    List<String> kafka = queries(KAFKA);
    assertEquals("k1 -> true 43 at Position{position={t={0=50}}}", kafka.get(0));
    assertEquals("ahead -> NOT_UP_TO_BOUND", kafka.get(kafka.size() - 1));
    for (Function<String, KeyValueBytesStoreSupplier> strata : STRATA) {
      assertEquals(kafka, queries(strata));
    }
  }

  @Test
  void theStrataStoreIsTheOneKafkaStreamsUses() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.table("t", Consumed.with(Serdes.String(), Serdes.String()),
        Materialized.as(StrataStores.persistentTimestampedKeyValueStore("t-store")));
    Topology topology = builder.build();
    File stateDir = new File(tmp, "which");
    Properties p = props(true);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getAbsolutePath());
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
      driver.createInputTopic("t", new StringSerializer(), new StringSerializer()).pipeInput("k", "v");
      assertEquals("v", driver.getTimestampedKeyValueStore("t-store").get("k").value());
      // the database directory of task 0_0, not Kafka's rocksdb/ directory
      assertEquals(true, new File(stateDir, "kv-topology/0_0/strata/t-store/CURRENT").exists());
      assertEquals(false, new File(stateDir, "kv-topology/0_0/rocksdb/t-store").exists());
      // its gauges are in the Streams metrics registry
      Map<String, Object> gauges = new HashMap<>();
      driver.metrics().forEach((name, metric) -> {
        if (name.group().equals("stream-state-metrics") && "t-store".equals(name.tags().get("strata-state-id"))
            && name.name().startsWith("strata-")) {
          gauges.put(name.name(), metric.metricValue());
        }
      });
      assertEquals(10, gauges.size(), gauges.toString());
      assertEquals(0.0, gauges.get("strata-memtable-bytes"), "the driver's commit flushed it: " + gauges);
      assertEquals(true, ((Double) gauges.get("strata-sstable-bytes")) > 0, gauges.toString());
      assertEquals(true, ((Double) gauges.get("strata-flushes")) >= 1, "the driver's commit flushed: " + gauges);
    }
  }
}
