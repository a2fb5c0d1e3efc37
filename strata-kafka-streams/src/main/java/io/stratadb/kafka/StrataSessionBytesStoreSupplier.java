package io.stratadb.kafka;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.SessionStore;

/**
 * Supplies StrataDB session stores ({@link StrataSessionStore}) to Kafka Streams; obtained from
 * {@link StrataStores#persistentSessionStore}, which validates the arguments. The segment
 * interval is Kafka's: {@code max(retentionPeriod / 2, 60 000)} ms. Immutable and thread-safe;
 * each {@link #get()} is a new store.
 */
final class StrataSessionBytesStoreSupplier implements SessionBytesStoreSupplier {

  /** The metrics scope, as Kafka's {@code rocksdb-session}: tags the metered store's metrics. */
  static final String METRICS_SCOPE = "strata-session";

  private final String name;
  private final long retentionPeriod;

  StrataSessionBytesStoreSupplier(String name, long retentionPeriod) {
    this.name = name;
    this.retentionPeriod = retentionPeriod;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public SessionStore<Bytes, byte[]> get() {
    return new StrataSessionStore(
        new SegmentedStore(name, retentionPeriod, segmentIntervalMs(), SessionKeySchema.INSTANCE));
  }

  @Override
  public String metricsScope() {
    return METRICS_SCOPE;
  }

  @Override
  public long segmentIntervalMs() {
    return StrataStores.defaultSegmentInterval(retentionPeriod);
  }

  @Override
  public long retentionPeriod() {
    return retentionPeriod;
  }

  @Override
  public String toString() {
    return "StrataSessionBytesStoreSupplier{name=" + name + ", retentionPeriod=" + retentionPeriod + "}";
  }
}
