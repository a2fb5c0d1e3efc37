package io.stratadb.kafka;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * A persistent window store on StrataDB, the counterpart of Kafka's {@code RocksDBWindowStore}:
 * the bytes store under Kafka's metered, caching and change-logging layers. Each put is one key
 * {@code key | start | seqnum} ({@link WindowKeySchema}) in the time segment of its window start;
 * whole segments expire after the retention period ({@link SegmentedStore}).
 *
 * <p>With {@code retainDuplicates}, every put is kept under a new sequence number and a null
 * value is ignored; without, a put replaces the window's value and a null value deletes it.
 * Fetches by key return windows in start order (backward: reverse); fetches by key range, {@code
 * all} and {@code fetchAll} go segment by segment and, within one, by key then start, as Kafka's.
 * Times are ms; window ends are {@code start + windowSize}.
 *
 * <p>Thread safety: one stream thread writes; interactive queries may read concurrently. The
 * iterators returned are single-threaded and must be closed. After {@link #close()} every call
 * but {@code close}, {@code name}, {@code persistent} and {@code isOpen} throws {@code
 * InvalidStateStoreException}.
 */
class StrataWindowStore extends SegmentedStateStore implements WindowStore<Bytes, byte[]> {

  private final boolean retainDuplicates;
  private final long windowSize;
  private int seqnum;

  /**
   * @param store the segmented storage, not yet initialised
   * @param retainDuplicates whether each put is kept under its own sequence number
   * @param windowSize the window length, ms
   */
  StrataWindowStore(SegmentedStore store, boolean retainDuplicates, long windowSize) {
    super(store);
    this.retainDuplicates = retainDuplicates;
    this.windowSize = windowSize;
  }

  @Override
  public void put(Bytes key, byte[] value, long windowStartTimestamp) {
    if (value == null && retainDuplicates) {
      return; // a delete of one duplicate cannot be addressed
    }
    if (retainDuplicates) {
      seqnum = (seqnum + 1) & 0x7FFFFFFF;
    }
    store.put(WindowKeySchema.toStoreKey(key.get(), windowStartTimestamp, seqnum), value);
  }

  /** The value of {@code key}'s window at {@code timestamp} under the latest sequence number. */
  @Override
  public byte[] fetch(Bytes key, long timestamp) {
    return store.get(WindowKeySchema.toStoreKey(key.get(), timestamp, seqnum));
  }

  @Override
  public WindowStoreIterator<byte[]> fetch(Bytes key, long timeFrom, long timeTo) {
    return KeyMappingIterator.startTimes(store.fetch(key.get(), timeFrom, timeTo, true));
  }

  @Override
  public WindowStoreIterator<byte[]> backwardFetch(Bytes key, long timeFrom, long timeTo) {
    return KeyMappingIterator.startTimes(store.fetch(key.get(), timeFrom, timeTo, false));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo) {
    return windowed(store.fetch(keyFrom, keyTo, timeFrom, timeTo, true));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(
      Bytes keyFrom, Bytes keyTo, long timeFrom, long timeTo) {
    return windowed(store.fetch(keyFrom, keyTo, timeFrom, timeTo, false));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> all() {
    return windowed(store.all(true));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardAll() {
    return windowed(store.all(false));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> fetchAll(long timeFrom, long timeTo) {
    return windowed(store.fetchAll(timeFrom, timeTo, true));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetchAll(long timeFrom, long timeTo) {
    return windowed(store.fetchAll(timeFrom, timeTo, false));
  }

  private KeyValueIterator<Windowed<Bytes>, byte[]> windowed(KeyValueIterator<Bytes, byte[]> inner) {
    return new KeyMappingIterator<>(inner, k -> WindowKeySchema.windowed(k, windowSize));
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return answer(query, positionBound, config, this, WindowQueries.windowHandlers());
  }
}
