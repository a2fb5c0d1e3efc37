package io.stratadb.kafka;

import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Supplies {@link StrataKeyValueStore}s (or {@link StrataTimestampedKeyValueStore}s) to Kafka
 * Streams, which asks for one per task. Obtain it through {@link StrataStores}. Immutable and
 * thread-safe.
 */
final class StrataKeyValueBytesStoreSupplier implements KeyValueBytesStoreSupplier {

  /** The metrics scope of every StrataDB store ({@code strata-state-id} in the metric tags). */
  static final String METRICS_SCOPE = "strata";

  private final String name;
  private final boolean timestamped;

  StrataKeyValueBytesStoreSupplier(String name, boolean timestamped) {
    this.name = Objects.requireNonNull(name, "name cannot be null");
    this.timestamped = timestamped;
  }

  @Override
  public String name() {
    return name;
  }

  /** A new, closed store of this supplier's kind; Kafka Streams initialises it. */
  @Override
  public KeyValueStore<Bytes, byte[]> get() {
    return timestamped ? new StrataTimestampedKeyValueStore(name) : new StrataKeyValueStore(name);
  }

  @Override
  public String metricsScope() {
    return METRICS_SCOPE;
  }
}
