package io.stratadb.kafka;

import static io.stratadb.kafka.StoreTopology.drain;
import static io.stratadb.kafka.StoreTopology.session;
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
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The session store contract, run unchanged against Kafka's RocksDB session store and StrataDB's
 * under Kafka's metered layer in a {@code TopologyTestDriver} task (see {@link
 * WindowStoreContractTest} for how to read the expectations). Retention 120 s: 60 s segments,
 * sessions filed by their end.
 */
class SessionStoreContractTest {

  private static final String NAME = "sessions";
  private static final long RETENTION = 120_000;

  @TempDir Path stateDir;

  private StoreTopology host(SegmentedImpl impl) {
    return StoreTopology.host(
        Stores.sessionStoreBuilder(impl.session(NAME, RETENTION), Serdes.String(), Serdes.String())
            .withCachingDisabled()
            .withLoggingDisabled(),
        stateDir);
  }

  private static List<String> sessions(KeyValueIterator<Windowed<String>, String> it) {
    return drain(it, StoreTopology::windowed);
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void findSessionsReturnsTheSessionsOverlappingTheRangeInBothDirections(SegmentedImpl impl) {
    try (StoreTopology t = host(impl)) {
      SessionStore<String, String> s = t.store(NAME);
      s.put(session("a", 0, 10), "x");
      s.put(session("a", 20, 30), "y");
      s.put(session("a", 40, 50), "z");
      s.put(session("a", 65_000, 70_000), "w"); // next segment
      s.put(session("b", 5, 15), "v");

      // Sessions ending at or after 10 and starting at or before 20.
      assertEquals(List.of("a@0..10=x", "a@20..30=y"), sessions(s.findSessions("a", 10, 20)));
      assertEquals(List.of("a@20..30=y", "a@0..10=x"), sessions(s.backwardFindSessions("a", 10, 20)));
      assertEquals(List.of(), sessions(s.findSessions("a", 11, 19)));
      assertEquals(List.of("a@40..50=z", "a@65000..70000=w"), sessions(s.findSessions("a", 45, 100_000)));
      assertEquals(
          List.of("a@0..10=x", "a@20..30=y", "a@40..50=z", "a@65000..70000=w"), sessions(s.fetch("a")));
      assertEquals(
          List.of("a@65000..70000=w", "a@40..50=z", "a@20..30=y", "a@0..10=x"), sessions(s.backwardFetch("a")));
      assertEquals(List.of(), sessions(s.fetch("c")));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void keyRangesFetchSessionAndRemove(SegmentedImpl impl) {
    try (StoreTopology t = host(impl)) {
      SessionStore<String, String> s = t.store(NAME);
      s.put(session("a", 0, 10), "x");
      s.put(session("aa", 5, 5), "y");
      s.put(session("b", 20, 30), "z");
      s.put(session("c", 20, 30), "u");
      s.put(session("b", 61_000, 62_000), "w");

      assertEquals(
          List.of("a@0..10=x", "aa@5..5=y", "b@20..30=z", "b@61000..62000=w"),
          sessions(s.findSessions("a", "b", 0, Long.MAX_VALUE)));
      assertEquals(
          List.of("b@61000..62000=w", "b@20..30=z", "aa@5..5=y", "a@0..10=x"),
          sessions(s.backwardFindSessions("a", "b", 0, Long.MAX_VALUE)));
      assertEquals(List.of("aa@5..5=y", "b@20..30=z"), sessions(s.findSessions("aa", "b", 5, 20)));
      assertEquals(List.of("b@20..30=z", "c@20..30=u", "b@61000..62000=w"), sessions(s.fetch("b", null)));
      assertEquals(List.of("a@0..10=x", "aa@5..5=y"), sessions(s.fetch(null, "aa")));
      assertEquals(List.of(), sessions(s.fetch("c", "a")));

      assertEquals("z", s.fetchSession("b", 20, 30));
      assertNull(s.fetchSession("b", 20, 31));
      assertNull(s.fetchSession("b", 21, 30));

      s.remove(session("b", 20, 30));
      assertNull(s.fetchSession("b", 20, 30));
      assertEquals(List.of("b@61000..62000=w"), sessions(s.fetch("b")));
      s.put(session("a", 0, 10), null); // a null aggregate deletes too
      assertEquals(List.of(), sessions(s.fetch("a")));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void retentionHidesEndedSessionsAndDeletesWholeSegments(SegmentedImpl impl) throws Exception {
    try (StoreTopology t = host(impl)) {
      SessionStore<String, String> s = t.store(NAME);
      s.put(session("a", 0, 1_000), "old");
      s.put(session("a", 60_000, 125_000), "edge"); // ends in segment 2
      s.put(session("b", 61_000, 61_000), "mid");
      assertEquals(List.of(NAME + ".0", NAME + ".120000", NAME + ".60000"), t.segmentDirs(NAME));

      s.put(session("a", 240_000, 250_000), "new"); // stream time 250 s: live from 130 001 ms
      assertEquals(List.of("a@240000..250000=new"), sessions(s.fetch("a")));
      assertEquals(List.of(), sessions(s.fetch("b")));
      assertNull(s.fetchSession("a", 60_000, 125_000));
      assertEquals(List.of(NAME + ".120000", NAME + ".240000"), t.segmentDirs(NAME));

      s.put(session("c", 0, 2_000), "late"); // its segment expired: dropped
      assertEquals(List.of(), sessions(s.fetch("c")));
    }
  }

  @ParameterizedTest
  @EnumSource(SegmentedImpl.class)
  void interactiveQueriesAnswerByKeyWithThePositionOfTheInput(SegmentedImpl impl) {
    try (StoreTopology t = host(impl)) {
      t.input.pipeInput("a", "0:10:x", 10);
      t.input.pipeInput("b", "5:15:y", 15);
      t.input.pipeInput("a", "20:30:z", 30);
      SessionStore<String, String> s = t.store(NAME);

      QueryResult<KeyValueIterator<Windowed<String>, String>> byKey =
          s.query(WindowRangeQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
      assertTrue(byKey.isSuccess(), byKey::toString);
      assertEquals(List.of("a@0..10=x", "a@20..30=z"), sessions(byKey.getResult()));
      assertEquals(Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 2), byKey.getPosition());

      QueryResult<KeyValueIterator<Windowed<String>, String>> byTime =
          s.query(
              WindowRangeQuery.withWindowStartRange(Instant.ofEpochMilli(0), Instant.ofEpochMilli(30)),
              PositionBound.unbounded(),
              new QueryConfig(false));
      assertEquals(FailureReason.UNKNOWN_QUERY_TYPE, byTime.getFailureReason());

      QueryResult<KeyValueIterator<Windowed<String>, String>> ahead =
          s.query(
              WindowRangeQuery.withKey("a"),
              PositionBound.at(Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 3)),
              new QueryConfig(false));
      assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());
    }
  }
}
