package io.stratadb.kafka;

import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A view of an iterator over binary store keys that decodes each key (into a {@code Windowed}
 * key, or a window start time); values pass through unchanged. Closing it closes the underlying
 * iterator.
 *
 * <p>Not thread-safe, as the iterator it wraps.
 *
 * @param <K> the decoded key type
 */
class KeyMappingIterator<K> implements KeyValueIterator<K, byte[]> {

  private final KeyValueIterator<Bytes, byte[]> inner;
  private final Function<byte[], K> decode;

  /**
   * @param inner the iterator over store keys; owned by this one
   * @param decode decodes a store key
   */
  KeyMappingIterator(KeyValueIterator<Bytes, byte[]> inner, Function<byte[], K> decode) {
    this.inner = inner;
    this.decode = decode;
  }

  /** The window start times of a window store's records, as Kafka's {@code WindowStoreIterator}. */
  static WindowStoreIterator<byte[]> startTimes(KeyValueIterator<Bytes, byte[]> inner) {
    return new StartTimes(inner);
  }

  private static final class StartTimes extends KeyMappingIterator<Long> implements WindowStoreIterator<byte[]> {
    StartTimes(KeyValueIterator<Bytes, byte[]> inner) {
      super(inner, WindowKeySchema::start);
    }
  }

  @Override
  public boolean hasNext() {
    return inner.hasNext();
  }

  @Override
  public KeyValue<K, byte[]> next() {
    KeyValue<Bytes, byte[]> kv = inner.next();
    return KeyValue.pair(decode.apply(kv.key.get()), kv.value);
  }

  @Override
  public K peekNextKey() {
    return decode.apply(inner.peekNextKey().get());
  }

  @Override
  public void close() {
    inner.close();
  }
}
