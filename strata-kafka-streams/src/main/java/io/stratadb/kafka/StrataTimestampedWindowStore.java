package io.stratadb.kafka;

import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * A {@link StrataWindowStore} whose values carry their record timestamp: {@code timestamp (8
 * bytes, BE) | value}, written and read by Kafka's timestamped layers. The marker {@link
 * TimestampedBytesStore} tells Kafka's {@code TimestampedWindowStoreBuilder} to store that format
 * as is, instead of wrapping the store in an adapter that adds and strips the timestamp (Kafka's
 * {@code RocksDBTimestampedWindowStore}). Thread safety as {@link StrataWindowStore}.
 */
final class StrataTimestampedWindowStore extends StrataWindowStore implements TimestampedBytesStore {

  StrataTimestampedWindowStore(SegmentedStore store, boolean retainDuplicates, long windowSize) {
    super(store, retainDuplicates, windowSize);
  }
}
