package io.stratadb.kafka;

import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The Interactive Queries v2 handlers of the window and session stores, answering as Kafka's
 * RocksDB stores do ({@code StoreQueryUtils}): a window store answers {@link WindowKeyQuery} with
 * {@code fetch(key, from, to)} and {@link WindowRangeQuery#withWindowStartRange} with {@code
 * fetchAll(from, to)}; a session store answers {@link WindowRangeQuery#withKey} with {@code
 * fetch(key)}. Other shapes fail with {@link FailureReason#UNKNOWN_QUERY_TYPE}; an exception of
 * the store with {@link FailureReason#STORE_EXCEPTION}. The results are open iterators the caller
 * closes.
 */
final class WindowQueries {

  private WindowQueries() {}

  /** The handlers of a window store. */
  static Map<Class<?>, StoreQueries.Handler<WindowStore<Bytes, byte[]>>> windowHandlers() {
    return Map.of(
        WindowKeyQuery.class, WindowQueries::windowKey,
        WindowRangeQuery.class, WindowQueries::windowRange);
  }

  /** The handlers of a session store. */
  static Map<Class<?>, StoreQueries.Handler<SessionStore<Bytes, byte[]>>> sessionHandlers() {
    return Map.of(WindowRangeQuery.class, WindowQueries::sessionRange);
  }

  @SuppressWarnings("unchecked")
  private static QueryResult<?> windowKey(Query<?> query, WindowStore<Bytes, byte[]> store) {
    WindowKeyQuery<Bytes, byte[]> q = (WindowKeyQuery<Bytes, byte[]>) query;
    if (q.getTimeFrom().isEmpty() || q.getTimeTo().isEmpty()) {
      return unsupported(store, query, "it only supports closed-range queries");
    }
    try {
      return QueryResult.forResult(
          store.fetch(q.getKey(), q.getTimeFrom().get().toEpochMilli(), q.getTimeTo().get().toEpochMilli()));
    } catch (RuntimeException e) {
      return failed(store, query, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static QueryResult<?> windowRange(Query<?> query, WindowStore<Bytes, byte[]> store) {
    WindowRangeQuery<Bytes, byte[]> q = (WindowRangeQuery<Bytes, byte[]>) query;
    if (q.getTimeFrom().isEmpty() || q.getTimeTo().isEmpty()) {
      return unsupported(store, query, "window stores only support WindowRangeQuery.withWindowStartRange");
    }
    try {
      return QueryResult.forResult(
          store.fetchAll(q.getTimeFrom().get().toEpochMilli(), q.getTimeTo().get().toEpochMilli()));
    } catch (RuntimeException e) {
      return failed(store, query, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static QueryResult<?> sessionRange(Query<?> query, SessionStore<Bytes, byte[]> store) {
    WindowRangeQuery<Bytes, byte[]> q = (WindowRangeQuery<Bytes, byte[]>) query;
    if (q.getKey().isEmpty()) {
      return unsupported(store, query, "session stores only support WindowRangeQuery.withKey");
    }
    try {
      return QueryResult.forResult(store.fetch(q.getKey().get()));
    } catch (RuntimeException e) {
      return failed(store, query, e);
    }
  }

  private static QueryResult<?> unsupported(Object store, Query<?> query, String why) {
    return QueryResult.forFailure(
        FailureReason.UNKNOWN_QUERY_TYPE,
        "This store (" + store.getClass() + ") doesn't know how to execute the given query (" + query
            + ") because " + why + ".");
  }

  private static QueryResult<?> failed(Object store, Query<?> query, RuntimeException e) {
    return QueryResult.forFailure(
        FailureReason.STORE_EXCEPTION, store.getClass() + " failed to handle query " + query + ": " + e);
  }
}
