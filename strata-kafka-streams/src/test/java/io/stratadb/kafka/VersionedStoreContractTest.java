package io.stratadb.kafka;

import static org.apache.kafka.streams.state.VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT;
import static org.apache.kafka.streams.state.VersionedKeyValueStore.PUT_RETURN_CODE_VALID_TO_UNDEFINED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The versioned key-value store contract, run unchanged against Kafka's {@code
 * Stores.persistentVersionedKeyValueStore} (its RocksDB versioned store) and StrataDB's, both under
 * Kafka's real metered layer in a {@code TopologyTestDriver} task. The expected values are what
 * Kafka's store does; the same test passing on StrataDB's shows it does the same. History retention
 * 30 s, history segments of 10 s.
 */
class VersionedStoreContractTest {

  static final String NAME = "versions";
  static final long RETENTION = 30_000;
  static final long INTERVAL = 10_000;

  /** The two implementations under test. */
  enum Impl {
    KAFKA_ROCKSDB {
      @Override
      VersionedBytesStoreSupplier supplier(String name, long retention, long interval) {
        return Stores.persistentVersionedKeyValueStore(name, Duration.ofMillis(retention), Duration.ofMillis(interval));
      }
    },
    STRATADB {
      @Override
      VersionedBytesStoreSupplier supplier(String name, long retention, long interval) {
        return StrataStores.persistentVersionedKeyValueStore(
            name, Duration.ofMillis(retention), Duration.ofMillis(interval));
      }
    };

    abstract VersionedBytesStoreSupplier supplier(String name, long retention, long interval);
  }

  @TempDir Path stateDir;

  static StoreTopology host(Impl impl, Path stateDir, boolean logging) {
    var builder = Stores.versionedKeyValueStoreBuilder(impl.supplier(NAME, RETENTION, INTERVAL), Serdes.String(),
        Serdes.String());
    return StoreTopology.host(logging ? builder : builder.withLoggingDisabled(), stateDir);
  }

  /** {@code value@validFrom} or {@code value@validFrom..validTo}, or null. */
  static String show(VersionedRecord<String> r) {
    if (r == null) {
      return null;
    }
    return r.value() + "@" + r.timestamp() + r.validTo().map(t -> ".." + t).orElse("");
  }

  /** The version valid at {@code asOf} with its validTo, through IQv2's {@link VersionedKeyQuery}. */
  static String asOf(VersionedKeyValueStore<String, String> s, String key, long asOf) {
    QueryResult<VersionedRecord<String>> r = s.query(
        VersionedKeyQuery.<String, String>withKey(key).asOf(Instant.ofEpochMilli(asOf)), PositionBound.unbounded(),
        new QueryConfig(false));
    assertTrue(r.isSuccess(), () -> r.getFailureMessage());
    String viaQuery = show(r.getResult());
    VersionedRecord<String> direct = s.get(key, asOf); // the metered get drops validTo
    assertEquals(viaQuery == null ? null : viaQuery.replaceAll("\\.\\..*", ""), show(direct));
    return viaQuery;
  }

  static List<String> versions(VersionedKeyValueStore<String, String> s, MultiVersionedKeyQuery<String, String> q) {
    QueryResult<VersionedRecordIterator<String>> r = s.query(q, PositionBound.unbounded(), new QueryConfig(false));
    assertTrue(r.isSuccess(), () -> r.getFailureMessage());
    List<String> out = new ArrayList<>();
    try (VersionedRecordIterator<String> it = r.getResult()) {
      it.forEachRemaining(v -> out.add(show(v)));
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void putsInAndOutOfOrderReturnTheirValidToAndReadAsOf(Impl impl) {
    try (StoreTopology t = host(impl, stateDir, false)) {
      VersionedKeyValueStore<String, String> s = t.store(NAME);
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("a", "v1", 1_000));
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("a", "v3", 3_000));
      assertEquals(3_000, s.put("a", "v2", 2_000));
      assertEquals(3_000, s.put("a", "v2b", 2_000)); // same timestamp: replaces
      assertEquals(1_000, s.put("a", "v0", 500));
      assertEquals("v3@3000", show(s.get("a")));
      assertNull(asOf(s, "a", 499));
      assertEquals("v0@500..1000", asOf(s, "a", 500));
      assertEquals("v0@500..1000", asOf(s, "a", 999));
      assertEquals("v1@1000..2000", asOf(s, "a", 1_000));
      assertEquals("v2b@2000..3000", asOf(s, "a", 2_999));
      assertEquals("v3@3000", asOf(s, "a", 3_000));
      assertEquals("v3@3000", asOf(s, "a", 1_000_000_000));
      assertNull(s.get("b"));
      assertNull(asOf(s, "b", 3_000));

      // Across segment boundaries (10 s segments, filed by validTo).
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("a", "v15", 15_000));
      assertEquals(15_000, s.put("a", "v12", 12_000));
      assertEquals(12_000, s.put("a", "v9", 9_000)); // v3 now ends at 9 s: it moves to the older segment
      assertEquals("v2b@2000..3000", asOf(s, "a", 2_000));
      assertEquals("v3@3000..9000", asOf(s, "a", 8_999));
      assertEquals("v9@9000..12000", asOf(s, "a", 9_000));
      assertEquals("v12@12000..15000", asOf(s, "a", 14_999));
      assertEquals("v15@15000", asOf(s, "a", 15_000));
      assertEquals(12_000, s.put("a", "v10", 10_000));
      assertEquals("v9@9000..10000", asOf(s, "a", 9_999));
      assertEquals("v10@10000..12000", asOf(s, "a", 10_000));
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void tombstonesEndVersionsAndBoundLaterOutOfOrderPuts(Impl impl) {
    try (StoreTopology t = host(impl, stateDir, false)) {
      VersionedKeyValueStore<String, String> s = t.store(NAME);
      s.put("k", "x1", 1_000);
      assertEquals("x1@1000", show(s.delete("k", 2_000)));
      assertNull(s.get("k"));
      assertEquals("x1@1000..2000", asOf(s, "k", 1_999));
      assertNull(asOf(s, "k", 2_000));
      assertEquals(1_000, s.put("k", "x0", 500));
      assertEquals(2_000, s.put("k", "x15", 1_500)); // ends at the delete
      assertEquals("x15@1500..2000", asOf(s, "k", 1_700));
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("k", "x3", 3_000));
      assertNull(asOf(s, "k", 2_500));
      assertEquals("x3@3000", asOf(s, "k", 3_000));
      assertEquals("x15@1500", show(s.delete("k", 1_800))); // an out-of-order delete
      assertNull(asOf(s, "k", 1_800));
      assertEquals("x15@1500..1800", asOf(s, "k", 1_799));
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("k", null, 4_000)); // a null value deletes
      assertNull(s.get("k"));
      assertEquals("x3@3000..4000", asOf(s, "k", 3_999));

      // A delete of a key with no versions is kept: a later out-of-order put ends there.
      assertNull(s.delete("absent", 5_000));
      assertEquals(5_000, s.put("absent", "y", 4_000));
      assertNull(s.get("absent"));
      assertEquals("y@4000..5000", asOf(s, "absent", 4_500));
      assertNull(s.delete("absent", 25_000)); // a second tombstone, in a later segment
      assertEquals(5_000, s.put("absent", "z", 4_500));
      assertEquals(25_000, s.put("absent", "w", 24_000));
      assertEquals("w@24000..25000", asOf(s, "absent", 24_999));
      assertNull(asOf(s, "absent", 5_000));

      // Kafka's representation: a delete at exactly the latest version's time replaces it and
      // leaves no tombstone behind, so an earlier put afterwards becomes the latest.
      s.put("q", "v", 20_000);
      assertEquals("v@20000", show(s.delete("q", 20_000)));
      assertNull(s.get("q"));
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("q", "w", 19_000));
      assertEquals("w@19000", show(s.get("q")));
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void historyRetentionIsAlsoTheGracePeriod(Impl impl) {
    try (StoreTopology t = host(impl, stateDir, false)) {
      VersionedKeyValueStore<String, String> s = t.store(NAME);
      s.put("a", "a1", 1_000);
      s.put("a", "a2", 20_000);
      s.put("b", "b1", 1_000);
      s.put("c", "c1", 50_000); // stream time 50 s: history from 20 s on
      assertNull(asOf(s, "a", 1_000)); // beyond the retention, and the latest is later
      assertNull(asOf(s, "a", 19_999));
      assertEquals("a2@20000", asOf(s, "a", 20_000));
      assertEquals("b1@1000", asOf(s, "b", 5_000)); // the latest version never expires
      assertEquals(PUT_RETURN_CODE_NOT_PUT, s.put("a", "late", 19_999));
      assertNull(s.delete("a", 19_999)); // dropped too
      assertEquals("a2@20000", show(s.get("a")));
      assertEquals(PUT_RETURN_CODE_VALID_TO_UNDEFINED, s.put("a", "x", 25_000));
      assertEquals("a2@20000..25000", asOf(s, "a", 24_999));
      assertEquals(25_000, s.put("a", "y", 20_000)); // at the edge of the grace period: kept
      assertEquals("y@20000..25000", asOf(s, "a", 24_999));

      s.put("c", "c2", 100_000); // stream time 100 s: history from 70 s on
      assertNull(asOf(s, "a", 24_999));
      assertEquals("x@25000", asOf(s, "a", 25_000));
      assertEquals("x@25000", asOf(s, "a", 69_999));
      assertEquals("c1@50000..100000", asOf(s, "c", 70_000));
      assertNull(asOf(s, "c", 69_999));
      assertEquals(PUT_RETURN_CODE_NOT_PUT, s.put("c", "late", 50_000));
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void multiVersionedKeyQueriesListTheVersionsOfATimeRange(Impl impl) {
    try (StoreTopology t = host(impl, stateDir, false)) {
      VersionedKeyValueStore<String, String> s = t.store(NAME);
      s.put("a", "v1", 1_000);
      s.put("a", "v2", 2_000);
      s.delete("a", 2_500);
      s.put("a", "v3", 3_000);
      s.put("a", "v12", 12_000);
      s.put("a", "v5", 5_000);
      MultiVersionedKeyQuery<String, String> q = MultiVersionedKeyQuery.withKey("a");
      assertEquals(List.of("v12@12000", "v5@5000..12000", "v3@3000..5000", "v2@2000..2500", "v1@1000..2000"),
          versions(s, q));
      assertEquals(List.of("v1@1000..2000", "v2@2000..2500", "v3@3000..5000", "v5@5000..12000", "v12@12000"),
          versions(s, q.withAscendingTimestamps()));
      assertEquals(List.of("v1@1000..2000", "v2@2000..2500"),
          versions(s, q.fromTime(Instant.ofEpochMilli(1_500)).toTime(Instant.ofEpochMilli(2_999))
              .withAscendingTimestamps()));
      assertEquals(List.of("v12@12000", "v5@5000..12000"),
          versions(s, q.fromTime(Instant.ofEpochMilli(11_000))));
      assertEquals(List.of(), versions(s, MultiVersionedKeyQuery.withKey("b")));
    }
  }

  /**
   * The one place the two differ: a version filed in a segment after {@code toTime} (it ended
   * later) but valid within the range. Kafka's store searches only the segments up to {@code
   * toTime} and misses it; StrataDB's searches from {@code fromTime} on and returns it.
   */
  @ParameterizedTest
  @EnumSource(Impl.class)
  void aVersionThatEndsInALaterSegmentIsValidWithinTheRange(Impl impl) {
    try (StoreTopology t = host(impl, stateDir, false)) {
      VersionedKeyValueStore<String, String> s = t.store(NAME);
      s.put("a", "v1", 1_000);
      s.put("a", "v2", 25_000); // v1 is filed in the segment of 25 s
      List<String> found = versions(s, MultiVersionedKeyQuery.<String, String>withKey("a")
          .fromTime(Instant.ofEpochMilli(0)).toTime(Instant.ofEpochMilli(5_000)).withAscendingTimestamps());
      assertEquals(impl == Impl.KAFKA_ROCKSDB ? List.of() : List.of("v1@1000..25000"), found);
      assertEquals("v1@1000..25000", asOf(s, "a", 5_000)); // what a point read says, on both
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void queriesAnswerWithThePositionOfTheInput(Impl impl) {
    try (StoreTopology t = host(impl, stateDir, false)) {
      VersionedKeyValueStore<String, String> s = t.store(NAME);
      t.input.pipeInput("a", "a1", 1_000);
      t.input.pipeInput("a", "a2", 2_000);
      t.input.pipeInput("b", "b1", 1_500);
      Position atTwo = Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 2);
      assertEquals(atTwo, s.getPosition());
      QueryResult<VersionedRecord<String>> r = s.query(
          VersionedKeyQuery.<String, String>withKey("a").asOf(Instant.ofEpochMilli(1_999)), PositionBound.at(atTwo),
          new QueryConfig(true));
      assertTrue(r.isSuccess());
      assertEquals("a1@1000..2000", show(r.getResult()));
      assertEquals(atTwo, r.getPosition());
      assertFalse(r.getExecutionInfo().isEmpty());
      QueryResult<VersionedRecord<String>> latest = s.query(
          VersionedKeyQuery.withKey("a"), PositionBound.unbounded(), new QueryConfig(false));
      assertEquals("a2@2000", show(latest.getResult()));
      QueryResult<VersionedRecord<String>> ahead = s.query(VersionedKeyQuery.withKey("a"),
          PositionBound.at(Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 3)), new QueryConfig(false));
      assertEquals(FailureReason.NOT_UP_TO_BOUND, ahead.getFailureReason());
      QueryResult<VersionedRecordIterator<String>> multiAhead = s.query(MultiVersionedKeyQuery.withKey("a"),
          PositionBound.at(Position.emptyPosition().withComponent(StoreTopology.INPUT, 0, 3)), new QueryConfig(false));
      assertEquals(FailureReason.NOT_UP_TO_BOUND, multiAhead.getFailureReason());
      assertEquals(PUT_RETURN_CODE_NOT_PUT, s.put("a", "late", -100_000)); // no record: position unchanged
      assertEquals(atTwo, s.getPosition());
    }
  }

  @ParameterizedTest
  @EnumSource(Impl.class)
  void aClosedStoreRefusesCalls(Impl impl) {
    VersionedKeyValueStore<String, String> closed;
    try (StoreTopology t = host(impl, stateDir, false)) {
      closed = t.store(NAME);
      closed.put("a", "v1", 1_000);
    }
    assertFalse(closed.isOpen());
    assertThrows(InvalidStateStoreException.class, () -> closed.get("a"));
    assertThrows(InvalidStateStoreException.class, () -> closed.get("a", 1_000));
    assertThrows(InvalidStateStoreException.class, () -> closed.put("a", "x", 30_000));
    assertThrows(InvalidStateStoreException.class, () -> closed.delete("a", 30_000));
  }

  /**
   * Random puts and deletes of a few keys, in and out of order, late ones included, with stream
   * time moving through many segments, applied to both stores: every return value and every as-of
   * read inside the history retention must be the same.
   */
  @Test
  void randomHistoriesAnswerAlikeOnBothStores() {
    Random rnd = new Random(26);
    try (StoreTopology kafka = host(Impl.KAFKA_ROCKSDB, stateDir.resolve("kafka"), false);
        StoreTopology strata = host(Impl.STRATADB, stateDir.resolve("strata"), false)) {
      VersionedKeyValueStore<String, String> k = kafka.store(NAME);
      VersionedKeyValueStore<String, String> s = strata.store(NAME);
      long streamTime = 0;
      for (int op = 0; op < 3_000; op++) {
        String key = "k" + rnd.nextInt(6);
        long ts = Math.max(0, streamTime + 2_000 - rnd.nextInt(rnd.nextInt(10) == 0 ? 45_000 : 12_000));
        ts -= ts % 250; // collisions on purpose
        streamTime = Math.max(streamTime, ts);
        if (rnd.nextInt(5) == 0) {
          assertEquals(show(k.delete(key, ts)), show(s.delete(key, ts)), "delete #" + op);
        } else {
          String value = "v" + op;
          assertEquals(k.put(key, value, ts), s.put(key, value, ts), "put #" + op + " " + key + "@" + ts);
        }
        if (op % 50 == 0) {
          for (int i = 0; i < 6; i++) {
            assertEquals(show(k.get("k" + i)), show(s.get("k" + i)), "get #" + op);
            for (long at = streamTime - RETENTION - 1_000; at <= streamTime + 500; at += 250) {
              assertEquals(asOf(k, "k" + i, at), asOf(s, "k" + i, at), "k" + i + " as of " + at + " after #" + op);
            }
            MultiVersionedKeyQuery<String, String> q = MultiVersionedKeyQuery.<String, String>withKey("k" + i)
                .fromTime(Instant.ofEpochMilli(streamTime - RETENTION)).toTime(Instant.ofEpochMilli(streamTime));
            assertEquals(versions(k, q), versions(s, q), "versions of k" + i + " after #" + op);
          }
        }
      }
    }
  }
}
