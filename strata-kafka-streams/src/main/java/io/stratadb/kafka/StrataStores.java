package io.stratadb.kafka;

import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

/**
 * Factories of StrataDB state stores for Kafka Streams, returning Kafka's own store supplier
 * types, so they plug in wherever Kafka's {@code Stores.persistent*Store} suppliers do:
 *
 * <pre>{@code
 * builder.stream("words", Consumed.with(Serdes.String(), Serdes.String()))
 *     .groupBy((k, word) -> word)
 *     .count(Materialized.as(StrataStores.persistentKeyValueStore("counts")));
 * }</pre>
 *
 * <p>or, in the Processor API, {@code Stores.keyValueStoreBuilder(StrataStores.persistentKeyValueStore("s"),
 * keySerde, valueSerde)}. Tune the databases with a {@link StrataConfigSetter}. The state lives
 * under the task's state directory, in {@code strata/<store name>/}.
 *
 * <p>Thread safety: the factories are stateless and thread-safe.
 */
public final class StrataStores {

  /**
   * The application configuration key {@code strata.sync.on.commit} ({@code true} or {@code
   * false}, default {@code true}): whether a store fsyncs its WAL at each Kafka Streams commit that
   * follows writes (flushes the memtable, or with {@link #WAL_CONFIG} on fsyncs the WAL). On, neither
   * a crash nor a power loss leaves Kafka's checkpoint of the changelog offsets ahead of the data.
   * Off, the writes are made durable only when the store closes (or its memtable fills): for tests
   * and benchmarks with {@code TopologyTestDriver}, which commits after every record, or an
   * application whose lost machine's state is restored from the changelog. Off turns {@link
   * #WAL_CONFIG} on unless it is set (a crashed process then loses no write, as in earlier
   * versions); off together with {@code strata.wal=false} is refused with a {@code
   * ConfigException} when the store opens (a crash would leave Kafka's checkpoint ahead of the
   * data: the state would silently lose updates).
   */
  public static final String SYNC_ON_COMMIT_CONFIG = "strata.sync.on.commit";

  /**
   * The application configuration key {@code strata.wal} ({@code true} or {@code false}, default
   * {@code false}, or {@code true} when {@link #SYNC_ON_COMMIT_CONFIG} is off): whether the stores write StrataDB's WAL. Off, as Kafka's RocksDB stores (which
   * disable RocksDB's WAL: the changelog topic is the durable copy), a write goes to the memtable
   * only ({@code WriteOptions.withoutWal()}) and each commit that follows writes flushes the
   * memtable to an SSTable before Kafka Streams writes its checkpoint; a crash loses the writes
   * since the last commit, which Kafka Streams restores from the changelog. On, every write reaches
   * the operating system through the WAL and a commit fsyncs the WAL instead.
   */
  public static final String WAL_CONFIG = "strata.wal";

  private StrataStores() {}

  /**
   * A supplier of persistent key-value stores on StrataDB, in place of Kafka's {@code
   * Stores.persistentKeyValueStore}. Kafka's timestamped builders ({@code
   * Stores.timestampedKeyValueStoreBuilder}, the DSL's {@code Materialized}) accept it and convert
   * its values on the fly, as they do for Kafka's plain RocksDB store; prefer {@link
   * #persistentTimestampedKeyValueStore} for them.
   *
   * @param name the store's name (a valid Kafka Streams store name: also a directory name)
   * @return a supplier of {@link StrataKeyValueStore}s
   * @throws NullPointerException if {@code name} is null
   */
  public static KeyValueBytesStoreSupplier persistentKeyValueStore(String name) {
    return new StrataKeyValueBytesStoreSupplier(name, false);
  }

  /**
   * A supplier of persistent key-value stores on StrataDB whose values carry the record timestamp
   * (Kafka's timestamped format: 8-byte timestamp, then the value), in place of Kafka's {@code
   * Stores.persistentTimestampedKeyValueStore}. The DSL's KTables and aggregations use this kind.
   *
   * @param name the store's name
   * @return a supplier of {@link StrataTimestampedKeyValueStore}s
   * @throws NullPointerException if {@code name} is null
   */
  public static KeyValueBytesStoreSupplier persistentTimestampedKeyValueStore(String name) {
    return new StrataKeyValueBytesStoreSupplier(name, true);
  }

  // ---- Window and session stores -------------------------------------------------------------

  /**
   * A persistent window store on StrataDB, in place of Kafka's {@code
   * Stores.persistentWindowStore}: pass it to {@code Stores.windowStoreBuilder} or (wrapped by
   * Kafka's adapter) to {@code Materialized.as}. Records live in time segments of {@code
   * max(retentionPeriod / 2, 60 s)}, one StrataDB database each; a segment is deleted whole once
   * stream time has moved {@code retentionPeriod} past it.
   *
   * @param name the store's name (also its directory and changelog topic's name)
   * @param retentionPeriod how long records stay, in stream time; at least {@code windowSize}
   *     (and, for a windowed aggregation, window size plus grace)
   * @param windowSize the windows' length
   * @param retainDuplicates whether each put is kept (joins); if so, null values are ignored and
   *     caching is turned off by the builder
   * @return a supplier of StrataDB window stores
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if a duration is null, negative, not representable in ms, or
   *     {@code windowSize > retentionPeriod}
   */
  public static org.apache.kafka.streams.state.WindowBytesStoreSupplier persistentWindowStore(
      String name, java.time.Duration retentionPeriod, java.time.Duration windowSize, boolean retainDuplicates) {
    return windowStore(name, retentionPeriod, windowSize, retainDuplicates, false);
  }

  /**
   * A persistent window store on StrataDB whose values carry their record timestamp, in place of
   * Kafka's {@code Stores.persistentTimestampedWindowStore}: the supplier to pass to {@code
   * Stores.timestampedWindowStoreBuilder} and to the DSL's windowed aggregations ({@code
   * Materialized.as}). Arguments, segments and exceptions as {@link #persistentWindowStore}.
   *
   * @param name the store's name (also its directory and changelog topic's name)
   * @param retentionPeriod how long records stay, in stream time; at least {@code windowSize}
   * @param windowSize the windows' length
   * @param retainDuplicates whether each put is kept (joins)
   * @return a supplier of StrataDB timestamped window stores
   */
  public static org.apache.kafka.streams.state.WindowBytesStoreSupplier persistentTimestampedWindowStore(
      String name, java.time.Duration retentionPeriod, java.time.Duration windowSize, boolean retainDuplicates) {
    return windowStore(name, retentionPeriod, windowSize, retainDuplicates, true);
  }

  /**
   * A persistent session store on StrataDB, in place of Kafka's {@code
   * Stores.persistentSessionStore}: pass it to {@code Stores.sessionStoreBuilder} or to a session
   * windowed aggregation's {@code Materialized.as}. Sessions are filed by their end in time
   * segments of {@code max(retentionPeriod / 2, 60 s)}, deleted whole as they expire.
   *
   * @param name the store's name
   * @param retentionPeriod how long sessions stay, in stream time (at least the inactivity gap
   *     plus grace)
   * @return a supplier of StrataDB session stores
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code retentionPeriod} is null, negative or not
   *     representable in ms
   */
  public static org.apache.kafka.streams.state.SessionBytesStoreSupplier persistentSessionStore(String name, java.time.Duration retentionPeriod) {
    java.util.Objects.requireNonNull(name, "name cannot be null");
    long retentionMs = millis(retentionPeriod, "retentionPeriod");
    return new StrataSessionBytesStoreSupplier(name, retentionMs);
  }

  // ---- Versioned key-value stores ------------------------------------------------------------

  /**
   * A persistent versioned key-value store on StrataDB, in place of Kafka's {@code
   * Stores.persistentVersionedKeyValueStore(name, historyRetention)}: pass it to {@code
   * Stores.versionedKeyValueStoreBuilder} or to {@code Materialized.as} for a versioned KTable. The
   * segment interval is Kafka's default for the retention (see {@link
   * #persistentVersionedKeyValueStore(String, java.time.Duration, java.time.Duration)}).
   *
   * @param name the store's name
   * @param historyRetention how long, in stream time, old versions stay readable by {@code get(key,
   *     asOf)}; also the grace period after which out-of-order writes are dropped
   * @return a supplier of StrataDB versioned stores
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code historyRetention} is null, negative or not
   *     representable in ms
   */
  public static org.apache.kafka.streams.state.VersionedBytesStoreSupplier persistentVersionedKeyValueStore(
      String name, java.time.Duration historyRetention) {
    java.util.Objects.requireNonNull(name, "name cannot be null");
    long historyRetentionMs = millis(historyRetention, "historyRetention");
    return new StrataVersionedBytesStoreSupplier(
        name, historyRetentionMs, StrataVersionedBytesStoreSupplier.defaultSegmentInterval(historyRetentionMs));
  }

  /**
   * As {@link #persistentVersionedKeyValueStore(String, java.time.Duration)}, with the interval of
   * the history segments given: old versions are filed by their end time into segments of {@code
   * segmentInterval}, one StrataDB database each, and a segment is deleted whole once its versions
   * have all left the history retention. It trades the number of databases (retention / interval
   * + 1) against how much expired history lingers (up to one interval).
   *
   * @param name the store's name
   * @param historyRetention how long, in stream time, old versions stay readable by {@code
   *     get(key, asOf)}
   * @param segmentInterval the segments' length, at least 1 ms
   * @return a supplier of StrataDB versioned stores
   * @throws IllegalArgumentException also if {@code segmentInterval} is null, not representable in
   *     ms, or under 1 ms
   */
  public static org.apache.kafka.streams.state.VersionedBytesStoreSupplier persistentVersionedKeyValueStore(
      String name, java.time.Duration historyRetention, java.time.Duration segmentInterval) {
    java.util.Objects.requireNonNull(name, "name cannot be null");
    long historyRetentionMs = millis(historyRetention, "historyRetention");
    long segmentIntervalMs = millis(segmentInterval, "segmentInterval");
    if (segmentIntervalMs < 1L) {
      throw new IllegalArgumentException("segmentInterval cannot be zero or negative");
    }
    return new StrataVersionedBytesStoreSupplier(name, historyRetentionMs, segmentIntervalMs);
  }

  private static org.apache.kafka.streams.state.WindowBytesStoreSupplier windowStore(
      String name, java.time.Duration retentionPeriod, java.time.Duration windowSize, boolean retainDuplicates, boolean timestamped) {
    java.util.Objects.requireNonNull(name, "name cannot be null");
    long retentionMs = millis(retentionPeriod, "retentionPeriod");
    long windowSizeMs = millis(windowSize, "windowSize");
    if (windowSizeMs > retentionMs) {
      throw new IllegalArgumentException("The retention period of the window store " + name
          + " must be no smaller than its window size. Got size=[" + windowSizeMs + "], retention=["
          + retentionMs + "]");
    }
    return new StrataWindowBytesStoreSupplier(
        name, retentionMs, defaultSegmentInterval(retentionMs), windowSizeMs, retainDuplicates, timestamped);
  }

  /** Kafka's segment interval for a retention period: {@code max(retention / 2, 60 000)} ms. */
  static long defaultSegmentInterval(long retentionMs) {
    return Math.max(retentionMs / 2, 60_000L);
  }

  /**
   * {@code d} in ms, checked as Kafka's {@code Stores} checks durations.
   *
   * @throws IllegalArgumentException if {@code d} is null, negative or too large for a long of ms
   */
  private static long millis(java.time.Duration d, String what) {
    if (d == null) {
      throw new IllegalArgumentException("Failed to verify " + what + ": it cannot be null.");
    }
    long ms;
    try {
      ms = d.toMillis();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("Failed to verify " + what + ": it cannot be converted to milliseconds.", e);
    }
    if (ms < 0) {
      throw new IllegalArgumentException(what + " cannot be negative");
    }
    return ms;
  }
}
