package io.stratadb.kafka;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.SessionStore;

/**
 * A persistent session store on StrataDB, the counterpart of Kafka's {@code RocksDBSessionStore}:
 * each session is one key {@code key | end | start} ({@link SessionKeySchema}) in the time segment
 * of its end; whole segments expire after the retention period ({@link SegmentedStore}).
 *
 * <p>{@code findSessions(key, earliestSessionEndTime, latestSessionStartTime)} returns the
 * sessions with {@code end >= earliestSessionEndTime} and {@code start <= latestSessionStartTime},
 * which is what Kafka's session aggregation asks for when it merges a new record into the sessions
 * it overlaps (it then removes those and puts the merged one). Within a segment they come by key,
 * then end, then start; backward methods reverse the whole order. Times are ms.
 *
 * <p>Thread safety: one stream thread writes; interactive queries may read concurrently. The
 * iterators returned are single-threaded and must be closed. After {@link #close()} every call
 * but {@code close}, {@code name}, {@code persistent} and {@code isOpen} throws {@code
 * InvalidStateStoreException}.
 */
final class StrataSessionStore extends SegmentedStateStore implements SessionStore<Bytes, byte[]> {

  /** @param store the segmented storage, not yet initialised */
  StrataSessionStore(SegmentedStore store) {
    super(store);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> findSessions(
      Bytes key, long earliestSessionEndTime, long latestSessionStartTime) {
    return sessions(store.fetch(key.get(), earliestSessionEndTime, latestSessionStartTime, true));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFindSessions(
      Bytes key, long earliestSessionEndTime, long latestSessionStartTime) {
    return sessions(store.fetch(key.get(), earliestSessionEndTime, latestSessionStartTime, false));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> findSessions(
      Bytes keyFrom, Bytes keyTo, long earliestSessionEndTime, long latestSessionStartTime) {
    return sessions(store.fetch(keyFrom, keyTo, earliestSessionEndTime, latestSessionStartTime, true));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFindSessions(
      Bytes keyFrom, Bytes keyTo, long earliestSessionEndTime, long latestSessionStartTime) {
    return sessions(store.fetch(keyFrom, keyTo, earliestSessionEndTime, latestSessionStartTime, false));
  }

  /** The aggregate of exactly the session {@code [sessionStartTime, sessionEndTime]}, or null. */
  @Override
  public byte[] fetchSession(Bytes key, long sessionStartTime, long sessionEndTime) {
    return store.get(SessionKeySchema.toStoreKey(key.get(), sessionStartTime, sessionEndTime));
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes key) {
    return findSessions(key, 0, Long.MAX_VALUE);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(Bytes key) {
    return backwardFindSessions(key, 0, Long.MAX_VALUE);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> fetch(Bytes keyFrom, Bytes keyTo) {
    return findSessions(keyFrom, keyTo, 0, Long.MAX_VALUE);
  }

  @Override
  public KeyValueIterator<Windowed<Bytes>, byte[]> backwardFetch(Bytes keyFrom, Bytes keyTo) {
    return backwardFindSessions(keyFrom, keyTo, 0, Long.MAX_VALUE);
  }

  @Override
  public void remove(Windowed<Bytes> sessionKey) {
    store.remove(SessionKeySchema.toStoreKey(sessionKey));
  }

  @Override
  public void put(Windowed<Bytes> sessionKey, byte[] aggregate) {
    store.put(SessionKeySchema.toStoreKey(sessionKey), aggregate);
  }

  private static KeyValueIterator<Windowed<Bytes>, byte[]> sessions(KeyValueIterator<Bytes, byte[]> inner) {
    return new KeyMappingIterator<>(inner, SessionKeySchema::windowed);
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return answer(query, positionBound, config, this, WindowQueries.sessionHandlers());
  }
}
