package io.stratadb.kafka;

import static io.stratadb.kafka.StoreTopology.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What StrataDB's window and session stores do beyond the shared contract: disk, restore, reopen. */
class StrataSegmentedStoreTest {

  private static final long RETENTION = 120_000;

  @TempDir File stateDir;

  private static Bytes b(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] v(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String windows(KeyValueIterator<Windowed<Bytes>, byte[]> it) {
    return String.join(
        ",",
        drain(it, kv -> new String(kv.key.key().get(), StandardCharsets.UTF_8) + "@" + kv.key.window().start() + "="
            + new String(kv.value, StandardCharsets.UTF_8)));
  }

  private WindowStore<Bytes, byte[]> window(StoreHarness h) {
    return h.init(StrataStores.persistentWindowStore("w", Duration.ofMillis(RETENTION), Duration.ofMillis(5), false).get());
  }

  private List<String> segmentDirs() throws Exception {
    Path dir = stateDir.toPath().resolve("strata").resolve("w");
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void eachSegmentIsADatabaseUnderStrataInTheTaskStateDirectory() throws Exception {
    WindowStore<Bytes, byte[]> store = window(new StoreHarness(stateDir, 0, Map.of()));
    store.put(b("a"), v("x"), 10);
    store.put(b("a"), v("y"), 70_000);
    store.close();
    assertEquals(List.of("w.0", "w.60000"), segmentDirs());
    assertTrue(Files.exists(stateDir.toPath().resolve("strata/w/w.60000/CURRENT")));
  }

  @Test
  void restorationWritesLiveRecordsAndSkipsThoseOfExpiredSegments() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    WindowStore<Bytes, byte[]> store = window(h);
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    batch.add(StoreHarness.changelog("w-changelog", 0, WindowKeySchema.toStoreKey(v("a"), 0, 0), v("old")));
    batch.add(StoreHarness.changelog("w-changelog", 1, WindowKeySchema.toStoreKey(v("a"), 200_000, 0), v("x")));
    batch.add(StoreHarness.changelog("w-changelog", 2, WindowKeySchema.toStoreKey(v("b"), 250_000, 0), v("y")));
    batch.add(StoreHarness.changelog("w-changelog", 3, WindowKeySchema.toStoreKey(v("a"), 200_000, 0), v("x2")));
    batch.add(StoreHarness.changelog("w-changelog", 4, WindowKeySchema.toStoreKey(v("c"), 250_000, 0), v("z")));
    batch.add(StoreHarness.changelog("w-changelog", 5, WindowKeySchema.toStoreKey(v("c"), 250_000, 0), null));
    h.restore(batch);

    // The batch's latest time (250 s) is stream time: the record at 0 belongs to an expired segment
    // and is skipped, the later put of a@200000 wins, the tombstone deletes c.
    assertEquals("a@200000=x2,b@250000=y", windows(store.all()));
    assertNull(store.fetch(b("c"), 250_000));
    assertEquals(List.of("w.180000", "w.240000"), segmentDirs());
    store.close();
  }

  @Test
  void dataAndPositionSurviveCloseAndReopen() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    SessionStore<Bytes, byte[]> store =
        h.init(StrataStores.persistentSessionStore("s", Duration.ofMillis(RETENTION)).get());
    h.processing("input", 0, 7);
    store.put(new Windowed<>(b("a"), new org.apache.kafka.streams.kstream.internals.SessionWindow(0, 10)), v("x"));
    h.commit();
    h.processing("input", 0, 8);
    store.put(new Windowed<>(b("a"), new org.apache.kafka.streams.kstream.internals.SessionWindow(70_000, 80_000)), v("y"));
    store.flush();
    store.close();
    assertFalse(store.isOpen());

    SessionStore<Bytes, byte[]> again =
        new StoreHarness(stateDir, 0, Map.of()).init(StrataStores.persistentSessionStore("s", Duration.ofMillis(RETENTION)).get());
    assertEquals("a@0=x,a@70000=y", windows(again.fetch(b("a"))));
    assertEquals(Position.emptyPosition().withComponent("input", 0, 8), again.getPosition());
    again.close();
  }

  @Test
  void aChangelogWrittenByKafkasRocksDbWindowStoreRestoresIntoStrataDb() {
    // Kafka's own store writes its changelog through Kafka's change-logging layer...
    List<ConsumerRecord<byte[], byte[]>> changelog = new ArrayList<>();
    String kafkaView;
    try (StoreTopology t =
        StoreTopology.host(
            Stores.windowStoreBuilder(
                    SegmentedImpl.KAFKA_ROCKSDB.window("w", RETENTION, 5, false), Serdes.String(), Serdes.String())
                .withCachingDisabled(),
            stateDir.toPath().resolve("kafka"))) {
      t.input.pipeInput("a", "x", 10);
      t.input.pipeInput("b", "y", 10);
      t.input.pipeInput("a", "z", 70_000);
      t.input.pipeInput("a", "x2", 10);
      TestOutputTopic<byte[], byte[]> out =
          t.driver.createOutputTopic("contract-w-changelog", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      long offset = 0;
      for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
        changelog.add(StoreHarness.changelog("contract-w-changelog", offset++, r.key(), r.value()));
      }
      WindowStore<String, String> kafkaStore = t.store("w");
      kafkaView = String.join(",", drain(kafkaStore.all(), kv -> kv.key.key() + "@" + kv.key.window().start() + "=" + kv.value));
    }
    assertEquals(4, changelog.size());

    // ...and StrataDB's store, restored from it, holds the same windows.
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    WindowStore<Bytes, byte[]> store = window(h);
    h.restore(changelog);
    assertEquals("a@10=x2,b@10=y,a@70000=z", kafkaView);
    assertEquals(kafkaView, windows(store.all()));
    store.close();
  }

  @Test
  void metricsAreRegisteredThroughTheContextAndCountExpiredPuts() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    WindowStore<Bytes, byte[]> store = window(h);
    store.put(b("a"), v("x"), 250_000);
    store.put(b("a"), v("late"), 0); // expired on arrival
    Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics = h.processorContext.metrics().metrics();
    assertEquals(1.0, metric(metrics, "expired-window-record-drop-total"));
    assertTrue(metric(metrics, "strata-memtable-bytes") > 0, "the segment's memtable holds the put");
    store.close();
    assertFalse(
        h.processorContext.metrics().metrics().keySet().stream().anyMatch(n -> "w".equals(n.tags().get("strata-state-id"))),
        "close removes the store's metrics");
  }

  @Test
  void aCommitFlushesTheMemtableOfEachSegmentWrittenSinceTheLastOne() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    WindowStore<Bytes, byte[]> store = window(h);
    Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics = h.processorContext.metrics().metrics();
    store.put(b("a"), v("x"), 10);
    store.put(b("a"), v("y"), 70_000);
    double before = metric(metrics, "strata-flushes");
    store.commit(Map.of());
    assertEquals(before + 2, metric(metrics, "strata-flushes"), "one flush per written segment");
    store.commit(Map.of());
    assertEquals(before + 2, metric(metrics, "strata-flushes"), "nothing written since: no flush");
    store.put(b("a"), v("z"), 70_001);
    store.commit(Map.of());
    assertEquals(before + 3, metric(metrics, "strata-flushes"));
    assertEquals(0.0, metric(metrics, "strata-wal-syncs"), "no WAL by default");
    store.close();
  }

  @Test
  void aCommitCallbackSavesThePositionOnlyOnceTheSegmentsWritesAreDurable() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    WindowStore<Bytes, byte[]> store = window(h);
    PositionFile file = PositionFile.besides(StoreDb.storeDir(stateDir, "w"));
    try {
      h.processing("input", 0, 5);
      store.put(b("a"), v("x"), 10);
      h.commit(); // a commit callback before the store's commit: the put is in a memtable only
      assertEquals(org.apache.kafka.streams.query.Position.emptyPosition(), file.read());
      store.commit(Map.of());
      h.commit();
      assertEquals(org.apache.kafka.streams.query.Position.emptyPosition().withComponent("input", 0, 5), file.read());
    } finally {
      store.close();
    }
  }

  @Test
  void withTheWalOnACommitSyncsTheWalOfEachSegmentWrittenSinceTheLastOne() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataStores.WAL_CONFIG, "true"));
    WindowStore<Bytes, byte[]> store = window(h);
    Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics = h.processorContext.metrics().metrics();
    store.put(b("a"), v("x"), 10);
    store.put(b("a"), v("y"), 70_000);
    double before = metric(metrics, "strata-wal-syncs");
    store.commit(Map.of()); // what Kafka Streams calls at each commit
    assertEquals(before + 2, metric(metrics, "strata-wal-syncs"), "one sync per written segment");
    store.flush(); // the deprecated name does the same
    assertEquals(before + 2, metric(metrics, "strata-wal-syncs"), "nothing written since: no sync");
    store.put(b("a"), v("z"), 70_001);
    store.commit(Map.of());
    assertEquals(before + 3, metric(metrics, "strata-wal-syncs"));
    store.close();

    StoreHarness off = new StoreHarness(stateDir, 0,
        Map.of(StrataStores.SYNC_ON_COMMIT_CONFIG, "false", StrataStores.WAL_CONFIG, "true"));
    WindowStore<Bytes, byte[]> unsynced = window(off);
    Map<MetricName, ? extends org.apache.kafka.common.Metric> offMetrics = off.processorContext.metrics().metrics();
    double start = metric(offMetrics, "strata-wal-syncs");
    unsynced.put(b("a"), v("w"), 70_002);
    unsynced.commit(Map.of());
    assertEquals(start, metric(offMetrics, "strata-wal-syncs"), "strata.sync.on.commit=false: no sync at commits");
    unsynced.close();
  }

  @Test
  void theDriversCommitsReachTheStoreAndFlushIt() {
    try (StoreTopology t =
        StoreTopology.host(
            Stores.windowStoreBuilder(
                    SegmentedImpl.STRATADB.window("w", RETENTION, 5, false), Serdes.String(), Serdes.String())
                .withCachingDisabled()
                .withLoggingDisabled(),
            stateDir.toPath())) {
      t.input.pipeInput("a", "x", 10);
      t.input.pipeInput("b", "y", 20);
      t.input.pipeInput("a", "z", 70_000);
      assertEquals(3.0, metric(t.driver.metrics(), "strata-flushes"), "one commit per record, each after a write");
    }
  }

  @Test
  void aStoreInitialisedAgainAfterCloseStartsFromTheSavedPosition() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    WindowStore<Bytes, byte[]> store = window(h);
    h.processing("input", 0, 3);
    store.put(b("a"), v("x"), 10);
    store.close();
    // Kafka wipes a corrupted task's directory and initialises the same store objects again.
    try (Stream<Path> paths = Files.walk(stateDir.toPath())) {
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
    Files.createDirectories(stateDir.toPath());
    store.init(h.processorContext.getStateStoreContext(), store);
    assertEquals(Position.emptyPosition(), store.getPosition());
    assertEquals("", windows(store.all()));
    store.close();
  }

  private static double metric(Map<MetricName, ? extends org.apache.kafka.common.Metric> metrics, String name) {
    return metrics.entrySet().stream()
        .filter(e -> e.getKey().name().equals(name) && "w".equals(e.getKey().tags().get("strata-state-id")))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }

  @Test
  void factoriesRejectBadArgumentsAsKafkasStoresDo() {
    Duration minute = Duration.ofMinutes(1);
    List<Supplier<Object>> kafka =
        List.of(
            () -> Stores.persistentWindowStore(null, minute, minute, false),
            () -> Stores.persistentWindowStore("w", minute.negated(), minute, false),
            () -> Stores.persistentWindowStore("w", minute, minute.negated(), false),
            () -> Stores.persistentWindowStore("w", minute, minute.plusMillis(1), false),
            () -> Stores.persistentWindowStore("w", null, minute, false),
            () -> Stores.persistentTimestampedWindowStore("w", Duration.ofSeconds(Long.MAX_VALUE), minute, false),
            () -> Stores.persistentSessionStore(null, minute),
            () -> Stores.persistentSessionStore("s", minute.negated()),
            () -> Stores.persistentSessionStore("s", null));
    List<Supplier<Object>> strata =
        List.of(
            () -> StrataStores.persistentWindowStore(null, minute, minute, false),
            () -> StrataStores.persistentWindowStore("w", minute.negated(), minute, false),
            () -> StrataStores.persistentWindowStore("w", minute, minute.negated(), false),
            () -> StrataStores.persistentWindowStore("w", minute, minute.plusMillis(1), false),
            () -> StrataStores.persistentWindowStore("w", null, minute, false),
            () -> StrataStores.persistentTimestampedWindowStore("w", Duration.ofSeconds(Long.MAX_VALUE), minute, false),
            () -> StrataStores.persistentSessionStore(null, minute),
            () -> StrataStores.persistentSessionStore("s", minute.negated()),
            () -> StrataStores.persistentSessionStore("s", null));
    for (int i = 0; i < kafka.size(); i++) {
      Class<? extends Throwable> expected = assertThrows(RuntimeException.class, kafka.get(i)::get).getClass();
      assertEquals(expected, assertThrows(RuntimeException.class, strata.get(i)::get).getClass(), "case " + i);
    }
    var k = Stores.persistentWindowStore("w", Duration.ofHours(1), minute, true);
    var s = StrataStores.persistentWindowStore("w", Duration.ofHours(1), minute, true);
    assertEquals(List.of(k.segmentIntervalMs(), k.retentionPeriod(), k.windowSize()),
        List.of(s.segmentIntervalMs(), s.retentionPeriod(), s.windowSize()));
    assertTrue(s.retainDuplicates());
    assertEquals(Stores.persistentSessionStore("s", Duration.ofHours(3)).segmentIntervalMs(),
        StrataStores.persistentSessionStore("s", Duration.ofHours(3)).segmentIntervalMs());
  }
}
