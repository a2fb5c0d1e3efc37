package io.stratadb.kafka;

import org.apache.kafka.streams.state.TimestampedBytesStore;

/**
 * A {@link StrataKeyValueStore} that holds values in Kafka's timestamped format: each value is the
 * record timestamp (8 bytes, big-endian, ms since the epoch) followed by the plain value, exactly
 * as Kafka's {@code RocksDBTimestampedStore} and its changelog hold them. The store keeps the bytes
 * it is given; declaring {@link TimestampedBytesStore} tells Kafka's timestamped store builders
 * that no format adapter is needed. Obtain it through {@link
 * StrataStores#persistentTimestampedKeyValueStore(String)}.
 *
 * <p>Unlike Kafka's store it has no upgrade path from a plain store's on-disk format: a plain
 * StrataDB store's directory is not converted (restore it from the changelog instead).
 *
 * <p>Thread safety: as {@link StrataKeyValueStore}.
 */
public class StrataTimestampedKeyValueStore extends StrataKeyValueStore implements TimestampedBytesStore {

  /**
   * A closed store; {@link #init} opens it.
   *
   * @param name the store's name
   * @throws NullPointerException if {@code name} is null
   */
  public StrataTimestampedKeyValueStore(String name) {
    super(name);
  }
}
