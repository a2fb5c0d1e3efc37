package io.stratadb.kafka;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Supplies StrataDB window stores ({@link StrataWindowStore}, or {@link
 * StrataTimestampedWindowStore} when {@code timestamped}) to Kafka Streams; obtained from {@link
 * StrataStores#persistentWindowStore} and {@link StrataStores#persistentTimestampedWindowStore},
 * which validate the arguments. Immutable and thread-safe; each {@link #get()} is a new store.
 */
final class StrataWindowBytesStoreSupplier implements WindowBytesStoreSupplier {

  /** The metrics scope, as Kafka's {@code rocksdb-window}: tags the metered store's metrics. */
  static final String METRICS_SCOPE = "strata-window";

  private final String name;
  private final long retentionPeriod;
  private final long segmentInterval;
  private final long windowSize;
  private final boolean retainDuplicates;
  private final boolean timestamped;

  StrataWindowBytesStoreSupplier(
      String name,
      long retentionPeriod,
      long segmentInterval,
      long windowSize,
      boolean retainDuplicates,
      boolean timestamped) {
    this.name = name;
    this.retentionPeriod = retentionPeriod;
    this.segmentInterval = segmentInterval;
    this.windowSize = windowSize;
    this.retainDuplicates = retainDuplicates;
    this.timestamped = timestamped;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public WindowStore<Bytes, byte[]> get() {
    SegmentedStore store = new SegmentedStore(name, retentionPeriod, segmentInterval, WindowKeySchema.INSTANCE);
    return timestamped
        ? new StrataTimestampedWindowStore(store, retainDuplicates, windowSize)
        : new StrataWindowStore(store, retainDuplicates, windowSize);
  }

  @Override
  public String metricsScope() {
    return METRICS_SCOPE;
  }

  @Override
  public long segmentIntervalMs() {
    return segmentInterval;
  }

  @Override
  public long windowSize() {
    return windowSize;
  }

  @Override
  public boolean retainDuplicates() {
    return retainDuplicates;
  }

  @Override
  public long retentionPeriod() {
    return retentionPeriod;
  }

  @Override
  public String toString() {
    return "StrataWindowBytesStoreSupplier{name=" + name + ", retentionPeriod=" + retentionPeriod
        + ", segmentInterval=" + segmentInterval + ", windowSize=" + windowSize
        + ", retainDuplicates=" + retainDuplicates + ", timestamped=" + timestamped + "}";
  }
}
