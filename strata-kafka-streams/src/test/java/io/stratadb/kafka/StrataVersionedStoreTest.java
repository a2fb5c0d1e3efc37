package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStore;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.internals.RocksDbVersionedKeyValueBytesStoreSupplier;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What StrataDB's versioned store does beyond the shared contract: disk layout, expiry, reopen, restore. */
class StrataVersionedStoreTest {

  private static final String NAME = VersionedStoreContractTest.NAME;
  private static final long RETENTION = VersionedStoreContractTest.RETENTION;
  private static final long INTERVAL = VersionedStoreContractTest.INTERVAL;

  @TempDir File stateDir;

  private static Bytes b(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] v(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code value@validFrom[..validTo]} of a raw record, or null. */
  private static String show(VersionedRecord<byte[]> r) {
    return r == null ? null
        : new String(r.value(), StandardCharsets.UTF_8) + "@" + r.timestamp() + r.validTo().map(t -> ".." + t).orElse("");
  }

  private StrataVersionedStore open(StoreHarness h) {
    return h.init(new StrataVersionedStore(NAME, RETENTION, INTERVAL));
  }

  private List<String> storeDir() throws Exception {
    try (Stream<Path> s = Files.list(stateDir.toPath().resolve("strata").resolve(NAME))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void oldVersionsLiveInSegmentDatabasesByEndTimeAndExpireWhole() throws Exception {
    StrataVersionedStore store = open(new StoreHarness(stateDir, 0, Map.of()));
    store.put(b("a"), v("a1"), 1_000);
    assertEquals(List.of(NAME + ".latestValues"), storeDir()); // no history yet
    store.put(b("a"), v("a2"), 12_000); // a1 ends at 12 s: segment 10 000
    store.put(b("a"), v("a3"), 25_000); // a2 ends at 25 s: segment 20 000
    store.put(b("a"), v("a0"), 500); // ends at 1 s, segment 0
    assertEquals(List.of(NAME + ".0", NAME + ".10000", NAME + ".20000", NAME + ".latestValues"), storeDir());
    assertTrue(Files.exists(stateDir.toPath().resolve("strata/" + NAME + "/" + NAME + ".10000/CURRENT")));
    assertEquals("a1@1000..12000", show(store.get(b("a"), 11_999)));

    store.put(b("b"), v("b1"), 41_000); // stream time 41 s: history from 11 s on; segment 0 goes
    assertEquals(List.of(NAME + ".10000", NAME + ".20000", NAME + ".latestValues"), storeDir());
    assertEquals("a1@1000..12000", show(store.get(b("a"), 11_000)));
    store.put(b("b"), v("b2"), 50_000); // history from 20 s: segment 10 000 goes
    assertEquals(List.of(NAME + ".20000", NAME + ".50000", NAME + ".latestValues"), storeDir());
    assertNull(store.get(b("a"), 19_999));
    assertEquals("a2@12000..25000", show(store.get(b("a"), 20_000)));
    assertEquals("a3@25000", show(store.get(b("a"))));
    store.close();
  }

  @Test
  void historyAndPositionSurviveCloseAndReopen() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    StrataVersionedStore store = open(h);
    h.processing("input", 0, 41);
    store.put(b("a"), v("a1"), 1_000);
    store.put(b("a"), v("a2"), 12_000);
    store.put(b("a"), v("a3"), 23_000);
    store.delete(b("b"), 5_000);
    store.close();
    assertFalse(store.isOpen());
    assertThrows(org.apache.kafka.streams.errors.InvalidStateStoreException.class, () -> store.get(b("a")));

    StrataVersionedStore again = open(new StoreHarness(stateDir, 0, Map.of()));
    assertEquals(Position.emptyPosition().withComponent("input", 0, 41), again.getPosition());
    assertEquals("a3@23000", show(again.get(b("a"))));
    assertEquals("a1@1000..12000", show(again.get(b("a"), 11_999)));
    assertEquals("a2@12000..23000", show(again.get(b("a"), 12_000)));
    assertEquals(5_000, again.put(b("b"), v("b"), 4_000)); // the tombstone row was kept too
    again.close();
  }

  /**
   * A random history of puts and deletes of keys k0..k4 as Kafka's own versioned store logged it
   * (change-logging on), and what that store answers afterwards for every key as of every 500 ms
   * within the history retention.
   *
   * @param changelog the changelog records, in offset order
   * @param answers {@code "k<i> as of <ms>"} to Kafka's answer ({@code value@validFrom[..validTo]} or null)
   * @param streamTime the largest timestamp of the history
   */
  private record KafkaHistory(List<ConsumerRecord<byte[], byte[]>> changelog, Map<String, String> answers,
      long streamTime) {}

  private KafkaHistory kafkaHistory(long seed, int records) {
    List<ConsumerRecord<byte[], byte[]>> changelog = new ArrayList<>();
    Map<String, String> kafkaAnswers = new java.util.TreeMap<>();
    long streamTime = 0;
    try (StoreTopology t = VersionedStoreContractTest.host(
        VersionedStoreContractTest.Impl.KAFKA_ROCKSDB, stateDir.toPath().resolve("kafka-" + seed), true)) {
      Random rnd = new Random(seed);
      for (int i = 0; i < records; i++) {
        long ts = Math.max(0, streamTime + 1_000 - rnd.nextInt(rnd.nextInt(8) == 0 ? 40_000 : 8_000));
        streamTime = Math.max(streamTime, ts);
        t.input.pipeInput("k" + rnd.nextInt(5), rnd.nextInt(5) == 0 ? null : "v" + i, ts);
      }
      TestOutputTopic<byte[], byte[]> out = t.driver.createOutputTopic(
          "contract-" + NAME + "-changelog", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      long offset = 0;
      for (TestRecord<byte[], byte[]> r : out.readRecordsToList()) {
        changelog.add(new ConsumerRecord<>("contract-" + NAME + "-changelog", 0, offset++, r.timestamp(),
            TimestampType.CREATE_TIME, -1, -1, r.key(), r.value(), new org.apache.kafka.common.header.internals.RecordHeaders(),
            java.util.Optional.empty()));
      }
      VersionedKeyValueStore<String, String> kafka = t.store(NAME);
      for (int k = 0; k < 5; k++) {
        for (long at = streamTime - RETENTION; at <= streamTime; at += 500) {
          kafkaAnswers.put("k" + k + " as of " + at, VersionedStoreContractTest.asOf(kafka, "k" + k, at));
        }
      }
    }
    assertTrue(changelog.size() > records * 5 / 6, "changelog records: " + changelog.size());
    return new KafkaHistory(changelog, kafkaAnswers, streamTime);
  }

  /** What {@code store} answers to the questions of {@link KafkaHistory#answers}. */
  private static Map<String, String> answers(StrataVersionedStore store, long streamTime) {
    Map<String, String> answers = new java.util.TreeMap<>();
    for (int k = 0; k < 5; k++) {
      for (long at = streamTime - RETENTION; at <= streamTime; at += 500) {
        answers.put("k" + k + " as of " + at, show(store.get(b("k" + k), at)));
      }
    }
    return answers;
  }

  /** Hands {@code records} to the store's restore callback in batches of 100, as the restore consumer does. */
  private static void restoreInBatches(StoreHarness h, List<ConsumerRecord<byte[], byte[]>> records) {
    for (int from = 0; from < records.size(); from += 100) {
      h.restore(records.subList(from, Math.min(records.size(), from + 100)));
    }
  }

  /**
   * Random puts and deletes go through Kafka's own versioned store with change-logging on; its
   * changelog, restored in batches into StrataDB's store, gives the same answers as Kafka's store
   * for every read inside the history retention.
   */
  @Test
  void aChangelogWrittenByKafkasVersionedStoreRestoresInBatchesIntoStrataDb() {
    KafkaHistory kafka = kafkaHistory(7, 600);
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    StrataVersionedStore store = open(h);
    restoreInBatches(h, kafka.changelog());
    assertEquals(kafka.answers(), answers(store, kafka.streamTime()));
    store.close();
  }

  /** The exception standing for the process dying in {@link #aCrashBetweenTheSegmentsAndTheLatestValuesCommitLosesNothing}. */
  private static final class Crash extends RuntimeException {
    Crash() {
      super("simulated crash");
    }
  }

  /**
   * A commit makes the history segments durable, then the latest-value database (without the WAL,
   * a memtable flush each). The process dies between the two: on disk, the segments hold every
   * write up to the crash, the latest values only those up to the commit before, the last offset
   * Kafka Streams checkpointed. After a restart Kafka restores the changelog from that offset; the
   * store must then answer as Kafka's own store does, for crash points all over the history.
   * With the two commits the other way round (the latest values first) this test fails: a version
   * moved from the latest values into a segment is then lost.
   */
  @Test
  void aCrashBetweenTheSegmentsAndTheLatestValuesCommitLosesNothing() throws Exception {
    crashesAnswerAsKafka(11, (store, sinceCommit, crash) -> {
      putAll(store, sinceCommit);
      StrataVersionedStore.testCommitFault = () -> {
        crash.run();
        throw new Crash();
      };
      try {
        assertThrows(Crash.class, () -> store.commit(Map.of()));
      } finally {
        StrataVersionedStore.testCommitFault = null;
      }
    });
  }

  /**
   * Between two commits the latest-value database's memtable fills and is flushed on its own (here
   * forced), while the segments' are not; the process dies. Were the latest values written to
   * their database at once, it would then be ahead of the segments on disk: a version the writes
   * since the commit moved from the latest values into a segment would be in neither, and
   * replaying the changelog from the commit could not bring it back (the latest value already is
   * the one that replaced it). Seen before {@link PendingLatestValues}: three as-of reads of 305
   * answered null where Kafka's store returns a version.
   */
  @Test
  void aCrashAfterTheLatestValuesFlushedOnTheirOwnLosesNothing() throws Exception {
    crashesAnswerAsKafka(13, (store, sinceCommit, crash) -> {
      putAll(store, sinceCommit);
      store.testLatestValuesDb().flush(); // as a full memtable would be
      crash.run();
    });
  }

  /**
   * As {@link #aCrashAfterTheLatestValuesFlushedOnTheirOwnLosesNothing}, with the pending latest
   * values passing their limit half-way since the commit: they are written to their database
   * then, after the segments were made durable, and the crash still loses nothing.
   */
  @Test
  void aCrashAfterPendingLatestValuesWereWrittenBeforeACommitLosesNothing() throws Exception {
    crashesAnswerAsKafka(17, (store, sinceCommit, crash) -> {
      int half = sinceCommit.size() / 2;
      putAll(store, sinceCommit.subList(0, half));
      store.testPendingLimitBytes(0);
      putAll(store, sinceCommit.subList(half, half + 1)); // past the limit: written
      store.testPendingLimitBytes(Long.MAX_VALUE);
      putAll(store, sinceCommit.subList(half + 1, sinceCommit.size()));
      store.testLatestValuesDb().flush(); // as a full memtable would be
      crash.run();
    });
  }

  /**
   * A put older than the latest splits a version in a segment, and the older part moves to an
   * older segment: written there first, then removed from the newer one. Each segment is its own
   * database, flushed on its own when its memtable fills (no WAL): here the newer segment's is
   * flushed (forced) and the older one's not when the process dies. On disk the version is then in
   * neither, and replaying the changelog from the last commit cannot bring it back (it was put
   * before that commit): Kafka's store answers a1 as of 5 s, this one null. The latest values are
   * held back until the segments are durable ({@link PendingLatestValues}); moves between
   * segments need the same ordering.
   */
  @Test
  void aCrashAfterANewerSegmentFlushedOnItsOwnLosesNoVersionMovedToAnOlderOne() throws Exception {
    File live = new File(stateDir, "live");
    Path crashed = stateDir.toPath().resolve("crashed");
    List<ConsumerRecord<byte[], byte[]>> changelog = List.of(
        record(0, "a", "a1", 1_000), record(1, "a", "a3", 25_000), // a1 ends at 25 s: segment 20 000
        record(2, "a", "a2", 15_000)); // a1 now ends at 15 s: it moves to segment 10 000
    StrataVersionedStore store = open(new StoreHarness(live, 0, Map.of()));
    putAll(store, changelog.subList(0, 2));
    store.commit(Map.of()); // Kafka Streams then checkpoints offset 2
    putAll(store, changelog.subList(2, 3));
    assertEquals("a1@1000..15000", show(store.get(b("a"), 5_000)));
    java.lang.reflect.Field segmentsField = StrataVersionedStore.class.getDeclaredField("segments");
    segmentsField.setAccessible(true);
    ((Segments) segmentsField.get(store)).segmentForTimestamp(20_000).db().flush(); // as a full memtable would be
    StoreDbSyncOnCommitTest.copyAsAfterProcessCrash(live.toPath().resolve(StoreDb.STRATA_DIR),
        crashed.resolve(StoreDb.STRATA_DIR));
    store.close(); // the live directory only: the copy is what the crash left

    StoreHarness restarted = new StoreHarness(crashed.toFile(), 0, Map.of());
    StrataVersionedStore again = open(restarted);
    restoreInBatches(restarted, changelog.subList(2, 3));
    assertEquals("a3@25000", show(again.get(b("a"))));
    assertEquals("a2@15000..25000", show(again.get(b("a"), 20_000)));
    assertEquals("a1@1000..15000", show(again.get(b("a"), 5_000)), "the version moved between segments");
    again.close();
  }

  /** How a test brings the store down: it puts the records since the commit, then runs the copy (the crash) where it means. */
  private interface CrashScenario {
    void crash(StrataVersionedStore store, List<ConsumerRecord<byte[], byte[]>> sinceCommit, Runnable copyAsCrashed)
        throws Exception;
  }

  /**
   * For crash points all over a history of Kafka's store: puts the history up to a commit, commits
   * (Kafka Streams then checkpoints that offset), lets {@code scenario} put the records up to the
   * crash point and crash the store (the crash is simulated by copying the store's directory as a killed process
   * leaves it: the flushed tables, not the memtables written without a WAL), then opens the copy,
   * restores the changelog from the checkpointed offset as Kafka does after a restart, and checks
   * that the store answers as Kafka's own store does.
   */
  private void crashesAnswerAsKafka(long seed, CrashScenario scenario) throws Exception {
    KafkaHistory kafka = kafkaHistory(seed, 600);
    List<ConsumerRecord<byte[], byte[]>> changelog = kafka.changelog();
    int[][] points = {{150, 300}, {300, 310}, {0, 450}, {420, changelog.size()}}; // {last commit, crash}
    for (int[] point : points) {
      int committed = point[0];
      int crash = Math.min(point[1], changelog.size());
      File live = new File(stateDir, "live-" + seed + "-" + committed);
      Path crashed = stateDir.toPath().resolve("crashed-" + seed + "-" + committed);
      StrataVersionedStore store = open(new StoreHarness(live, 0, Map.of()));
      putAll(store, changelog.subList(0, committed));
      store.commit(Map.of()); // Kafka Streams then checkpoints the offset `committed`
      scenario.crash(store, changelog.subList(committed, crash), () -> {
        try {
          StoreDbSyncOnCommitTest.copyAsAfterProcessCrash(live.toPath().resolve(StoreDb.STRATA_DIR),
              crashed.resolve(StoreDb.STRATA_DIR));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      store.close(); // the live directory only: the copy is what the crash left

      StoreHarness restarted = new StoreHarness(crashed.toFile(), 0, Map.of());
      StrataVersionedStore again = open(restarted);
      restoreInBatches(restarted, changelog.subList(committed, changelog.size()));
      assertEquals(kafka.answers(), answers(again, kafka.streamTime()),
          "committed " + committed + ", crashed after " + crash + " of " + changelog.size() + " records");
      again.close();
    }
  }

  /** Puts each changelog record as the processor did when the store logged it (a null value deletes). */
  private static void putAll(StrataVersionedStore store, List<ConsumerRecord<byte[], byte[]>> records) {
    for (ConsumerRecord<byte[], byte[]> r : records) {
      store.put(Bytes.wrap(r.key()), r.value(), r.timestamp());
    }
  }

  @Test
  void restorationSkipsRecordsOlderThanTheGracePeriod() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    StrataVersionedStore store = open(h);
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    batch.add(record(0, "a", "a1", 1_000));
    batch.add(record(1, "a", "a2", 50_000));
    batch.add(record(2, "a", "late", 10_000)); // older than 50 s - 30 s: never written by the store that logged it
    batch.add(record(3, "b", null, 45_000));
    batch.add(record(4, "b", "b1", 44_000));
    h.restore(batch);
    assertEquals("a2@50000", show(store.get(b("a"))));
    assertNull(store.get(b("a"), 10_000));
    assertNull(store.get(b("b")));
    assertEquals("b1@44000..45000", show(store.get(b("b"), 44_500)));
    QueryResult<VersionedRecord<byte[]>> r = store.query(VersionedKeyQuery.<Bytes, byte[]>withKey(b("b"))
        .asOf(Instant.ofEpochMilli(44_000)), PositionBound.unbounded(), new QueryConfig(false));
    assertEquals("b1@44000..45000", show(r.getResult()));
    store.close();
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset, String key, String value, long ts) {
    return new ConsumerRecord<>("contract-" + NAME + "-changelog", 0, offset, ts, TimestampType.CREATE_TIME, -1, -1,
        v(key), value == null ? null : v(value), new org.apache.kafka.common.header.internals.RecordHeaders(),
        java.util.Optional.empty());
  }

  @Test
  void restorationFollowsThePositionInTheChangelogHeadersWhenConsistencyIsOn() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of("__iq.consistency.offset.vector.enabled__", true));
    StrataVersionedStore store = open(h);
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    batch.add(withPosition(0, "a", "a1", 1_000, Position.emptyPosition().withComponent("input", 0, 10)));
    batch.add(withPosition(1, "a", "a2", 2_000, Position.emptyPosition().withComponent("input", 0, 12)));
    batch.add(withPosition(2, "b", null, 3_000, Position.emptyPosition().withComponent("input", 1, 3)));
    h.restore(batch);
    assertEquals(Position.emptyPosition().withComponent("input", 0, 12).withComponent("input", 1, 3),
        store.getPosition());
    assertEquals("a1@1000..2000", show(store.get(b("a"), 1_500)));
    store.close();
  }

  private static ConsumerRecord<byte[], byte[]> withPosition(long offset, String key, String value, long ts,
      Position position) {
    org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add(org.apache.kafka.streams.processor.internals.ChangelogRecordDeserializationHelper
        .CHANGELOG_VERSION_HEADER_RECORD_CONSISTENCY);
    headers.add("c", org.apache.kafka.streams.state.internals.PositionSerde.serialize(position).array());
    return new ConsumerRecord<>("contract-" + NAME + "-changelog", 0, offset, ts, TimestampType.CREATE_TIME, -1, -1,
        v(key), value == null ? null : v(value), headers, java.util.Optional.empty());
  }

  @Test
  void aCommitFlushesEachDatabaseWrittenSinceTheLastOne() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    StrataVersionedStore store = open(h);
    store.put(b("a"), v("x"), 1_000);
    store.put(b("a"), v("y"), 12_000); // the latest-value database and one segment
    double before = h.gauge(NAME, "flushes");
    store.commit(Map.of());
    assertEquals(before + 2, h.gauge(NAME, "flushes"), "one memtable flush per written database");
    store.commit(Map.of());
    assertEquals(before + 2, h.gauge(NAME, "flushes"), "nothing written since: no flush");
    assertEquals(0.0, h.gauge(NAME, "wal-syncs"), "no WAL, no WAL sync");
    store.close();
  }

  @Test
  void withTheWalOnACommitSyncsTheWalOfEachDatabaseWrittenSinceTheLastOne() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of(StrataStores.WAL_CONFIG, "true"));
    StrataVersionedStore store = open(h);
    store.put(b("a"), v("x"), 1_000);
    store.put(b("a"), v("y"), 12_000); // the latest-value database and one segment
    double before = h.gauge(NAME, "wal-syncs");
    store.commit(Map.of()); // what Kafka Streams calls at each commit
    assertEquals(before + 2, h.gauge(NAME, "wal-syncs"), "one sync per written database");
    store.commit(Map.of());
    assertEquals(before + 2, h.gauge(NAME, "wal-syncs"), "nothing written since: no sync");
    store.close();

    StoreHarness off = new StoreHarness(stateDir, 0,
        Map.of(StrataStores.SYNC_ON_COMMIT_CONFIG, "false", StrataStores.WAL_CONFIG, "true"));
    StrataVersionedStore unsynced = open(off);
    double start = off.gauge(NAME, "wal-syncs");
    unsynced.put(b("a"), v("z"), 13_000);
    unsynced.commit(Map.of());
    assertEquals(start, off.gauge(NAME, "wal-syncs"), "strata.sync.on.commit=false: no sync at commits");
    unsynced.close();
  }

  @Test
  void aStoreInitialisedAgainAfterItsStateWasWipedStartsEmpty() throws Exception {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    StrataVersionedStore store = open(h);
    h.processing("input", 0, 3);
    store.put(b("a"), v("x"), 1_000);
    store.put(b("a"), v("y"), 12_000);
    store.close();
    try (Stream<Path> paths = Files.walk(stateDir.toPath())) { // as Kafka wipes a corrupted task
      for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
    Files.createDirectories(stateDir.toPath());
    store.init(h.processorContext.getStateStoreContext(), store);
    assertEquals(Position.emptyPosition(), store.getPosition());
    assertNull(store.get(b("a")));
    assertNull(store.get(b("a"), 5_000));
    store.close();
  }

  /**
   * A put or a restored batch that fails half-way (here on a malformed row left in a segment)
   * writes none of its changes and, for a batch, does not advance the position.
   */
  @Test
  void anOperationThatFailsHalfWayWritesNothing() throws Exception {
    Path segment = stateDir.toPath().resolve("strata").resolve(NAME).resolve(NAME + ".0");
    Files.createDirectories(segment);
    try (io.stratadb.Db db = io.stratadb.Db.open(segment)) {
      db.put(v("bad"), new byte[] {1, 2, 3});
    }
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of("__iq.consistency.offset.vector.enabled__", true));
    StrataVersionedStore store = open(h);
    store.put(b("bad"), v("x"), 15_000); // no segment searched: the latest value only
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    batch.add(withPosition(0, "good", "g", 1_000, Position.emptyPosition().withComponent("input", 0, 10)));
    batch.add(withPosition(1, "bad", "y", 1_000, Position.emptyPosition().withComponent("input", 0, 11)));
    assertThrows(org.apache.kafka.streams.errors.ProcessorStateException.class, () -> h.restore(batch));
    assertNull(store.get(b("good")), "nothing of the failed batch is written");
    assertEquals(Position.emptyPosition(), store.getPosition());

    store.put(b("good"), v("g2"), 16_000);
    assertThrows(org.apache.kafka.streams.errors.ProcessorStateException.class,
        () -> store.put(b("bad"), v("z"), 2_000)); // searches segment 0, meets the malformed row
    assertEquals("x@15000", show(store.get(b("bad"))));
    assertEquals("g2@16000", show(store.get(b("good"))));
    store.close();
  }

  @Test
  void negativeTimestampsAreRefused() {
    StrataVersionedStore store = open(new StoreHarness(stateDir, 0, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> store.put(b("a"), v("x"), -1));
    assertThrows(IllegalArgumentException.class, () -> store.delete(b("a"), -20_000));
    assertNull(store.get(b("a")));
    assertEquals(VersionedKeyValueStore.PUT_RETURN_CODE_VALID_TO_UNDEFINED, store.put(b("a"), v("x"), 0));
    assertNull(store.get(b("a"), -1)); // a read before time 0 is no error
    store.close();
  }

  @Test
  void metricsCountDroppedLatePutsAndSumTheDatabases() {
    StoreHarness h = new StoreHarness(stateDir, 0, Map.of());
    StrataVersionedStore store = open(h);
    store.put(b("a"), v("x"), 100_000);
    store.put(b("a"), v("y"), 110_000);
    assertEquals(VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT, store.put(b("a"), v("late"), 1_000));
    assertNull(store.delete(b("a"), 1_000));
    assertEquals(2.0, h.processorContext.metrics().metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("expired-window-record-drop-total"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum());
    assertTrue(h.gauge(NAME, "memtable-bytes") > 0);
    store.close();
  }

  @Test
  void factoriesRejectBadArgumentsAsKafkasStoresDo() {
    Duration minute = Duration.ofMinutes(1);
    List<Supplier<Object>> kafka = List.of(
        () -> Stores.persistentVersionedKeyValueStore(null, minute),
        () -> Stores.persistentVersionedKeyValueStore("v", minute.negated()),
        () -> Stores.persistentVersionedKeyValueStore("v", null),
        () -> Stores.persistentVersionedKeyValueStore("v", Duration.ofSeconds(Long.MAX_VALUE)),
        () -> Stores.persistentVersionedKeyValueStore("v", minute, Duration.ZERO),
        () -> Stores.persistentVersionedKeyValueStore("v", minute, minute.negated()),
        () -> Stores.persistentVersionedKeyValueStore("v", minute, null));
    List<Supplier<Object>> strata = List.of(
        () -> StrataStores.persistentVersionedKeyValueStore(null, minute),
        () -> StrataStores.persistentVersionedKeyValueStore("v", minute.negated()),
        () -> StrataStores.persistentVersionedKeyValueStore("v", null),
        () -> StrataStores.persistentVersionedKeyValueStore("v", Duration.ofSeconds(Long.MAX_VALUE)),
        () -> StrataStores.persistentVersionedKeyValueStore("v", minute, Duration.ZERO),
        () -> StrataStores.persistentVersionedKeyValueStore("v", minute, minute.negated()),
        () -> StrataStores.persistentVersionedKeyValueStore("v", minute, null));
    for (int i = 0; i < kafka.size(); i++) {
      Class<? extends Throwable> expected = assertThrows(RuntimeException.class, kafka.get(i)::get).getClass();
      assertEquals(expected, assertThrows(RuntimeException.class, strata.get(i)::get).getClass(), "case " + i);
    }
    for (Duration retention : List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(90),
        Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofDays(1))) {
      var k = (RocksDbVersionedKeyValueBytesStoreSupplier) Stores.persistentVersionedKeyValueStore("v", retention);
      var s = (StrataVersionedBytesStoreSupplier) StrataStores.persistentVersionedKeyValueStore("v", retention);
      assertEquals(k.segmentIntervalMs(), s.segmentIntervalMs(), "retention " + retention);
      assertEquals(k.historyRetentionMs(), s.historyRetentionMs());
    }
    VersionedBytesStoreSupplier supplier = StrataStores.persistentVersionedKeyValueStore("v", minute, minute);
    assertEquals("v", supplier.name());
    assertInstanceOf(VersionedBytesStore.class, supplier.get());
    assertEquals("strata", supplier.metricsScope());
  }
}
