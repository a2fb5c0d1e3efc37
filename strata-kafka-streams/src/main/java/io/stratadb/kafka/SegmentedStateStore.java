package io.stratadb.kafka;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
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

  /**
   * At each Kafka Streams commit: makes the writes of every segment written since its last sync
   * durable (a memtable flush, or a WAL fsync with {@link StrataStores#WAL_CONFIG} on), unless {@link StrataStores#SYNC_ON_COMMIT_CONFIG} is off ({@link SegmentedStore#commit}). The
   * changelog offsets are left to Kafka Streams' checkpoint file ({@code managesOffsets()} is
   * false).
   *
   * @param changelogOffsets the changelog offsets the store now holds (unused)
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException if the store is closed
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if a sync fails
   */
  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    store.commit();
  }

  /**
   * Kafka Streams before 4.x's name of {@link #commit(Map)}; does the same.
   *
   * @deprecated as {@code StateStore.flush()}: use {@link #commit(Map)}
   */
  @Deprecated
  @Override
  public void flush() {
    commit(Map.of());
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
