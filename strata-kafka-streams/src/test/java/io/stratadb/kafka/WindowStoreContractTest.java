package io.stratadb.kafka;

import static io.stratadb.kafka.StoreTopology.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The window store contract, run unchanged against Kafka's RocksDB window store and StrataDB's,
 * both under Kafka's real metered layer in a {@code TopologyTestDriver} task. The expected values
 * are Kafka's behaviour: a test that passes on {@link SegmentedImpl#KAFKA_ROCKSDB} states what
 * Kafka does, and the same test passing on {@link SegmentedImpl#STRATADB} shows ours does the same.
 * Retention 120 s gives 60 s segments (Kafka's {@code max(retention / 2, 60 s)}).
 */
class WindowStoreContractTest {

  private static final String NAME = "windows";
  private static final long RETENTION = 120_000;
  private static final long SIZE = 5;

  @TempDir Path stateDir;

  private StoreTopology host(SegmentedImpl impl, boolean dups) {
    WindowBytesStoreSupplier supplier = impl.window(NAME, RETENTION, SIZE, dups);
    return StoreTopology.host(
        Stores.windowStoreBuilder(supplier, Serdes.String(), Serdes.String()).withCachingDisabled().withLoggingDisabled(),
        stateDir);
  }

  private static List<String> times(WindowStoreIterator<String> it) {
    return drain(it, kv -> kv.key + "=" + kv.value);
  }

  private static List<String> windows(KeyValueIterator<Windowed<String>, String> it) {
    return drain(it, StoreTopology::windowed);
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void fetchByKeyHonoursInclusiveTimeBoundsInBothDirections(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, false)) {
      WindowStore<String, String> s = t.store(NAME);
      s.put("a", "a0", 0);
      s.put("a", "a10", 10);
      s.put("a", "a20", 20);
      s.put("a", "a70k", 70_000); // the next segment
      s.put("aa", "aa10", 10);
      s.put("b", "b10", 10);

      assertEquals(List.of("10=a10", "20=a20"), times(s.fetch("a", 10, 20)));
      assertEquals(List.of("20=a20", "10=a10"), times(s.backwardFetch("a", 10, 20)));
      assertEquals(List.of("0=a0", "10=a10", "20=a20", "70000=a70k"), times(s.fetch("a", 0, 100_000)));
      assertEquals(List.of("70000=a70k", "20=a20", "10=a10", "0=a0"), times(s.backwardFetch("a", 0, 100_000)));
      assertEquals(List.of(), times(s.fetch("a", 11, 19)));
      assertEquals(List.of(), times(s.fetch("a", 20, 10)));
      assertEquals(List.of("0=a0"), times(s.fetch("a", 0, 0)));
      assertEquals(List.of(), times(s.fetch("c", 0, 100_000)));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void putOverwritesAndANullValueDeletes(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, false)) {
      WindowStore<String, String> s = t.store(NAME);
      s.put("a", "x", 10);
      s.put("a", "y", 10);
      assertEquals("y", s.fetch("a", 10));
      assertNull(s.fetch("a", 11));
      s.put("a", null, 10);
      assertNull(s.fetch("a", 10));
      assertEquals(List.of(), times(s.fetch("a", 0, 100)));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void keyRangeFetchesGoSegmentBySegmentThenByKeyAndStart(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, false)) {
      WindowStore<String, String> s = t.store(NAME);
      for (String k : List.of("a", "aa", "ab", "b", "ba", "c")) {
        s.put(k, k + "1", 10);
        s.put(k, k + "2", 20);
        s.put(k, k + "3", 70_000);
      }
      assertEquals(
          List.of("a@10..15=a1", "a@20..25=a2", "aa@10..15=aa1", "aa@20..25=aa2", "ab@10..15=ab1",
              "ab@20..25=ab2", "b@10..15=b1", "b@20..25=b2", "a@70000..70005=a3", "aa@70000..70005=aa3",
              "ab@70000..70005=ab3", "b@70000..70005=b3"),
          windows(s.fetch("a", "b", 0, 100_000)));
      assertEquals(
          List.of("b@70000..70005=b3", "ab@70000..70005=ab3", "aa@70000..70005=aa3", "a@70000..70005=a3",
              "b@20..25=b2", "b@10..15=b1", "ab@20..25=ab2", "ab@10..15=ab1", "aa@20..25=aa2", "aa@10..15=aa1",
              "a@20..25=a2", "a@10..15=a1"),
          windows(s.backwardFetch("a", "b", 0, 100_000)));
      assertEquals(List.of("aa@20..25=aa2", "ab@20..25=ab2"), windows(s.fetch("aa", "ab", 20, 20)));
      assertEquals(List.of("a@10..15=a1", "aa@10..15=aa1"), windows(s.fetch(null, "aa", 10, 10)));
      assertEquals(List.of("ba@70000..70005=ba3", "c@70000..70005=c3"), windows(s.fetch("ba", null, 30, 80_000)));
      assertEquals(List.of(), windows(s.fetch("b", "a", 0, 100_000)));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void fetchAllAndAllCoverEveryKeyInBothDirections(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, false)) {
      WindowStore<String, String> s = t.store(NAME);
      s.put("b", "b10", 10);
      s.put("a", "a20", 20);
      s.put("a", "a10", 10);
      s.put("c", "c70k", 70_000);
      List<String> all = List.of("a@10..15=a10", "a@20..25=a20", "b@10..15=b10", "c@70000..70005=c70k");
      assertEquals(all, windows(s.all()));
      List<String> reversed = new java.util.ArrayList<>(all);
      java.util.Collections.reverse(reversed);
      assertEquals(reversed, windows(s.backwardAll()));
      assertEquals(List.of("a@10..15=a10", "b@10..15=b10"), windows(s.fetchAll(10, 10)));
      assertEquals(List.of("a@20..25=a20", "c@70000..70005=c70k"), windows(s.fetchAll(11, 70_000)));
      assertEquals(
          List.of("c@70000..70005=c70k", "a@20..25=a20"),
          windows(s.backwardFetchAll(Instant.ofEpochMilli(11), Instant.ofEpochMilli(70_000))));
      assertEquals(List.of(), windows(s.fetchAll(30, 20)));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void retainedDuplicatesAreAllKeptAndNullsIgnored(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, true)) {
      WindowStore<String, String> s = t.store(NAME);
      s.put("a", "x", 10);
      s.put("a", "y", 10);
      s.put("a", null, 10);
      s.put("b", "z", 10);
      assertEquals(List.of("10=x", "10=y"), times(s.fetch("a", 0, 100)));
      assertEquals(List.of("10=y", "10=x"), times(s.backwardFetch("a", 0, 100)));
      assertEquals(List.of("a@10..15=x", "a@10..15=y", "b@10..15=z"), windows(s.all()));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void retentionHidesOldWindowsDropsLatePutsAndDeletesWholeSegments(SegmentedImpl impl) throws Exception {
    try (StoreTopology t = host(impl, false)) {
      WindowStore<String, String> s = t.store(NAME);
      s.put("a", "old", 0);
      s.put("a", "mid", 61_000);
      s.put("a", "edge", 125_000);
      assertEquals(List.of(NAME + ".0", NAME + ".120000", NAME + ".60000"), t.segmentDirs(NAME));

      // Stream time 250 s: records live from 130 001 ms; segments from id 2 (120 s) stay.
      s.put("a", "new", 250_000);
      assertNull(s.fetch("a", 0));
      assertNull(s.fetch("a", 61_000));
      assertNull(s.fetch("a", 125_000)); // its segment is live, the record is not
      assertEquals(List.of("250000=new"), times(s.fetch("a", 0, 300_000)));
      assertEquals(List.of("250000=new"), times(s.backwardFetch("a", 0, 300_000)));
      assertEquals(List.of("a@250000..250005=new"), windows(s.all()));
      assertEquals(List.of("a@250000..250005=new"), windows(s.fetchAll(0, 300_000)));
      assertEquals(List.of(NAME + ".120000", NAME + ".240000"), t.segmentDirs(NAME));

      s.put("a", "late", 1_000); // its segment expired: dropped
      assertNull(s.fetch("a", 1_000));
      s.put("a", "in-retention", 200_000);
      assertEquals(List.of("200000=in-retention", "250000=new"), times(s.fetch("a", 0, 300_000)));
      assertEquals(List.of(NAME + ".120000", NAME + ".180000", NAME + ".240000"), t.segmentDirs(NAME));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void anIteratorWhoseSegmentsExpireUnderItEndsQuietly(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, false)) {
      WindowStore<String, String> s = t.store(NAME);
      s.put("a", "a10", 10);
      s.put("b", "b10", 10);
      s.put("a", "a61k", 61_000);
      try (KeyValueIterator<Windowed<String>, String> it = s.all()) {
        assertTrue(it.hasNext());
        s.put("z", "z500k", 500_000); // expires both segments the iterator covers
        List<String> rest = new java.util.ArrayList<>();
        it.forEachRemaining(kv -> rest.add(StoreTopology.windowed(kv)));
        assertTrue(rest.size() <= 1, rest::toString); // at most the entry hasNext already read
      }
      assertEquals(List.of("z@500000..500005=z500k"), windows(s.all()));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void timestampedStoreKeepsTheRecordTimestamp(SegmentedImpl impl) {
    WindowBytesStoreSupplier supplier = impl.timestampedWindow(NAME, RETENTION, SIZE, false);
    try (StoreTopology t =
        StoreTopology.host(
            Stores.timestampedWindowStoreBuilder(supplier, Serdes.String(), Serdes.String())
                .withCachingDisabled()
                .withLoggingDisabled(),
            stateDir)) {
      WindowStore<String, ValueAndTimestamp<String>> s = t.store(NAME);
      s.put("a", ValueAndTimestamp.make("x", 7), 10);
      assertEquals(ValueAndTimestamp.make("x", 7), s.fetch("a", 10));
      assertEquals(
          List.of("10=" + ValueAndTimestamp.make("x", 7)), drain(s.fetch("a", 0, 20), kv -> kv.key + "=" + kv.value));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void aPlainStoreUnderTheTimestampedBuilderIsAdaptedAndAnswersQueries(SegmentedImpl impl) {
    WindowBytesStoreSupplier supplier = impl.window(NAME, RETENTION, SIZE, false);
    try (StoreTopology t =
        StoreTopology.host(
            Stores.timestampedWindowStoreBuilder(supplier, Serdes.String(), Serdes.String())
                .withCachingDisabled()
                .withLoggingDisabled(),
            stateDir)) {
      WindowStore<String, ValueAndTimestamp<String>> s = t.store(NAME);
      s.put("a", ValueAndTimestamp.make("x", 7), 10);
      assertEquals(ValueAndTimestamp.make("x", -1), s.fetch("a", 10), "the adapter keeps no timestamp");
      QueryResult<WindowStoreIterator<ValueAndTimestamp<String>>> r =
          s.query(
              WindowKeyQuery.withKeyAndWindowStartRange("a", Instant.ofEpochMilli(0), Instant.ofEpochMilli(20)),
              PositionBound.unbounded(),
              new QueryConfig(false));
      assertTrue(r.isSuccess(), r::toString);
      assertEquals(List.of("10=x"), drain(r.getResult(), kv -> kv.key + "=" + kv.value));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void interactiveQueriesAnswerWithThePositionOfTheInput(SegmentedImpl impl) {
    try (StoreTopology t = host(impl, false)) {
      t.input.pipeInput("a", "a10", 10);
      t.input.pipeInput("b", "b10", 10);
      t.input.pipeInput("a", "a20", 20);
      WindowStore<String, String> s = t.store(NAME);
      Position atThree = Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 2);

      QueryResult<WindowStoreIterator<String>> byKey =
          s.query(
              WindowKeyQuery.withKeyAndWindowStartRange("a", Instant.ofEpochMilli(0), Instant.ofEpochMilli(15)),
              PositionBound.unbounded(),
              new QueryConfig(false));
      assertTrue(byKey.isSuccess(), byKey::toString);
      assertEquals(List.of("10=a10"), times(byKey.getResult()));
      assertEquals(atThree, byKey.getPosition());

      QueryResult<KeyValueIterator<Windowed<String>, String>> byRange =
          s.query(
              WindowRangeQuery.withWindowStartRange(Instant.ofEpochMilli(10), Instant.ofEpochMilli(20)),
              PositionBound.at(atThree),
              new QueryConfig(false));
      assertTrue(byRange.isSuccess(), byRange::toString);
      assertEquals(List.of("a@10..15=a10", "a@20..25=a20", "b@10..15=b10"), windows(byRange.getResult()));

      QueryResult<KeyValueIterator<Windowed<String>, String>> ahead =
          s.query(
              WindowRangeQuery.withWindowStartRange(Instant.ofEpochMilli(10), Instant.ofEpochMilli(20)),
              PositionBound.at(Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 3)),
              new QueryConfig(false));
      assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());

      QueryResult<KeyValueIterator<Windowed<String>, String>> keyOnly =
          s.query(WindowRangeQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
      assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, keyOnly.getFailureReason());
    }
  }
}
