package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Windowed DSL topologies run through Kafka's {@link TopologyTestDriver} on Kafka's RocksDB window
 * and session stores and on StrataDB's: every output topic must be equal record by record (key,
 * value, timestamp). The input has out-of-order and late records, so grace, retention and session
 * merges all shape the output.
 */
class WindowedTopologyTest {

  private static final Duration SIZE = Duration.ofSeconds(10);
  private static final Duration ADVANCE = Duration.ofSeconds(5);
  private static final Duration GRACE = Duration.ofSeconds(5);
  private static final Duration RETENTION = Duration.ofSeconds(90);
  private static final Duration GAP = Duration.ofSeconds(3);

  @TempDir File tmp;

  private int runs;

  /** The output topics of one run. */
  record Run(List<TestRecord<String, Long>> updates, List<TestRecord<String, Long>> finals, boolean onStrataDb) {}

  private Properties props(File stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "windowed");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getAbsolutePath());
    // The driver commits after every record: no WAL fsync per record (StrataDB's flush).
    p.put(StrataStores.SYNC_ON_COMMIT_CONFIG, false);
    return p;
  }

  /** Clicks of 30 users; time mostly advances, one record in 10 is out of order, one in 50 very late. */
  static List<TestRecord<String, String>> clicks(int count, long seed) {
    Random rnd = new Random(seed);
    List<TestRecord<String, String>> out = new ArrayList<>();
    long t = 1_000_000;
    for (int i = 0; i < count; i++) {
      t += rnd.nextInt(400);
      long ts = t;
      int dice = rnd.nextInt(50);
      if (dice < 5) {
        ts -= rnd.nextInt(8_000); // out of order, mostly within grace
      } else if (dice == 5) {
        ts -= 30_000 + rnd.nextInt(60_000); // behind grace: dropped, maybe behind retention
      }
      out.add(new TestRecord<>("user" + rnd.nextInt(30), "click", null, ts));
    }
    return out;
  }

  private static String render(Windowed<String> w) {
    return w.key() + "@" + w.window().start() + ".." + w.window().end();
  }

  private Run run(StreamsBuilder builder, List<TestRecord<String, String>> input, boolean withFinals) {
    File stateDir = new File(tmp, "run" + runs++);
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props(stateDir))) {
      TestInputTopic<String, String> in =
          driver.createInputTopic("clicks", new StringSerializer(), new StringSerializer());
      TestOutputTopic<String, Long> updates =
          driver.createOutputTopic("updates", new StringDeserializer(), new LongDeserializer());
      TestOutputTopic<String, Long> finals =
          driver.createOutputTopic("finals", new StringDeserializer(), new LongDeserializer());
      in.pipeRecordList(input);
      boolean onStrataDb = Files.isDirectory(stateDir.toPath().resolve("windowed/0_0/strata"));
      return new Run(updates.readRecordsToList(), withFinals ? finals.readRecordsToList() : List.of(), onStrataDb);
    }
  }

  /** Hopping 10 s windows advancing by 5 s, 5 s grace, 90 s retention: updates and final counts. */
  private Run windowedCount(Function<String, WindowBytesStoreSupplier> stores, List<TestRecord<String, String>> input) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<Windowed<String>, Long> counts =
        builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
            .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
            .windowedBy(TimeWindows.ofSizeAndGrace(SIZE, GRACE).advanceBy(ADVANCE))
            .count(Materialized.<String, Long>as(stores.apply("click-counts"))
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long()));
    counts.toStream((w, v) -> render(w)).to("updates", Produced.with(Serdes.String(), Serdes.Long()));
    counts.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream((w, v) -> render(w))
        .to("finals", Produced.with(Serdes.String(), Serdes.Long()));
    return run(builder, input, true);
  }

  /** Sessions of 3 s inactivity with 2 s grace, 90 s retention: every session update and merge. */
  private Run sessionCount(Function<String, SessionBytesStoreSupplier> stores, List<TestRecord<String, String>> input) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("clicks", Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(GAP, Duration.ofSeconds(2)))
        .count(Materialized.<String, Long>as(stores.apply("sessions"))
            .withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()))
        .toStream((w, v) -> render(w))
        .to("updates", Produced.with(Serdes.String(), Serdes.Long()));
    return run(builder, input, false);
  }

  @Test
  void windowedCountWithGraceAndRetentionIsEqualOnBothStores() throws Exception {
    List<TestRecord<String, String>> input = clicks(4_000, 7);
    Run kafka = windowedCount(n -> SegmentedImpl.KAFKA_ROCKSDB.timestampedWindow(n, RETENTION.toMillis(), SIZE.toMillis(), false), input);
    assertTrue(kafka.updates().size() > input.size(), "each click updates two hopping windows");
    assertTrue(kafka.updates().size() < 2 * input.size(), "late clicks are dropped");
    assertTrue(kafka.finals().size() > 100, "windows close and emit their final counts");
    assertFalse(kafka.onStrataDb());
    for (Function<String, WindowBytesStoreSupplier> strata :
        List.<Function<String, WindowBytesStoreSupplier>>of(
            n -> SegmentedImpl.STRATADB.timestampedWindow(n, RETENTION.toMillis(), SIZE.toMillis(), false),
            n -> SegmentedImpl.STRATADB.window(n, RETENTION.toMillis(), SIZE.toMillis(), false))) {
      Run run = windowedCount(strata, input);
      assertEquals(kafka.updates(), run.updates());
      assertEquals(kafka.finals(), run.finals());
      assertTrue(run.onStrataDb());
    }
  }

  @Test
  void sessionWindowsMergeAlikeOnBothStores() throws Exception {
    List<TestRecord<String, String>> input = clicks(4_000, 11);
    Run kafka = sessionCount(n -> SegmentedImpl.KAFKA_ROCKSDB.session(n, RETENTION.toMillis()), input);
    assertFalse(kafka.onStrataDb());
    long merges = kafka.updates().stream().filter(r -> r.value() == null).count();
    assertTrue(merges > 100, "sessions merge: the replaced sessions are deleted with tombstones");
    Run strata = sessionCount(n -> SegmentedImpl.STRATADB.session(n, RETENTION.toMillis()), input);
    assertEquals(kafka.updates(), strata.updates());
    assertTrue(strata.onStrataDb());
  }
}
