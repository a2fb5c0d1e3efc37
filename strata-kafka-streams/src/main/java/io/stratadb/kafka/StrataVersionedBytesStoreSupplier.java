package io.stratadb.kafka;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.internals.VersionedKeyValueToBytesStoreAdapter;

/**
 * Supplies StrataDB versioned stores ({@link StrataVersionedStore}) to Kafka Streams, wrapped in
 * Kafka's own {@code VersionedKeyValueToBytesStoreAdapter}, the {@code VersionedBytesStore} view
 * that Kafka's versioned store builder and DSL expect. Obtained from {@link
 * StrataStores#persistentVersionedKeyValueStore}, which validates the arguments. Immutable and
 * thread-safe; each {@link #get()} is a new store.
 */
final class StrataVersionedBytesStoreSupplier implements VersionedBytesStoreSupplier {

  private final String name;
  private final long historyRetentionMs;
  private final long segmentIntervalMs;

  StrataVersionedBytesStoreSupplier(String name, long historyRetentionMs, long segmentIntervalMs) {
    this.name = name;
    this.historyRetentionMs = historyRetentionMs;
    this.segmentIntervalMs = segmentIntervalMs;
  }

  /**
   * Kafka's default segment interval of a versioned store for a history retention (ms): a third of
   * it up to 1 min (at least 2 s), a fifth up to 5 min (at least 20 s), a twelfth up to 1 h (at
   * least 1 min), else a 24th (at least 5 min).
   */
  static long defaultSegmentInterval(long historyRetentionMs) {
    if (historyRetentionMs <= 60_000L) {
      return Math.max(historyRetentionMs / 3, 2_000L);
    } else if (historyRetentionMs <= 300_000L) {
      return Math.max(historyRetentionMs / 5, 20_000L);
    } else if (historyRetentionMs <= 3_600_000L) {
      return Math.max(historyRetentionMs / 12, 60_000L);
    }
    return Math.max(historyRetentionMs / 24, 300_000L);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long historyRetentionMs() {
    return historyRetentionMs;
  }

  /** The history segments' interval, ms. */
  long segmentIntervalMs() {
    return segmentIntervalMs;
  }

  @Override
  public KeyValueStore<Bytes, byte[]> get() {
    return new VersionedKeyValueToBytesStoreAdapter(new StrataVersionedStore(name, historyRetentionMs, segmentIntervalMs));
  }

  @Override
  public String metricsScope() {
    return StrataKeyValueBytesStoreSupplier.METRICS_SCOPE;
  }

  @Override
  public String toString() {
    return "StrataVersionedBytesStoreSupplier{name=" + name + ", historyRetentionMs=" + historyRetentionMs
        + ", segmentIntervalMs=" + segmentIntervalMs + "}";
  }
}
