package io.stratadb.kafka;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;

/**
 * The {@link StateStore} side shared by the window and session stores: life cycle, position and
 * IQv2 dispatch, all delegated to the {@link SegmentedStore} underneath. Thread safety as the
 * segmented store: one writer, concurrent readers.
 */
abstract class SegmentedStateStore implements StateStore {

  /** The storage this store reads and writes. */
  final SegmentedStore store;

  SegmentedStateStore(SegmentedStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return store.name();
  }

  /**
   * Opens the store's segments and registers it with {@code context}.
   *
   * @throws IllegalStateException if the store is already open
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if a segment cannot be opened
   */
  @Override
  public void init(StateStoreContext context, StateStore root) {
    store.init(context, root);
  }

  /** Answers {@code query} with {@code handlers}, under the store's position (IQv2). */
  <R, S extends StateStore> QueryResult<R> answer(
      Query<R> query, PositionBound bound, QueryConfig config, S self, Map<Class<?>, StoreQueries.Handler<S>> handlers) {
    return StoreQueries.answer(query, bound, config, self, store.getPosition(), store.context(), handlers);
  }

  @Override
  public Position getPosition() {
    return store.getPosition();
  }

  /** Nothing to write: puts are in the segments' WALs when they return (see {@link SegmentedStore#flush}). */
  @Override
  public void flush() {
    store.flush();
  }

  /** Saves the position and closes every segment; the data stays on disk. Idempotent. */
  @Override
  public void close() {
    store.close();
  }

  @Override
  public boolean persistent() {
    return true;
  }

  @Override
  public boolean isOpen() {
    return store.isOpen();
  }
}
