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
   * follows writes. On, a power loss never leaves Kafka's checkpoint of the changelog offsets ahead
   * of the data. Off, the writes reach the operating system only (a crashed process still loses
   * none) and are synced when the store closes: for tests and benchmarks with {@code
   * TopologyTestDriver}, which commits after every record, or when a lost machine's state is
   * always restored from the changelog.
   */
  public static final String SYNC_ON_COMMIT_CONFIG = "strata.sync.on.commit";

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
}
