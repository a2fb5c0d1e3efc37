package io.stratadb.kafka;

import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.ChangelogRecordDeserializationHelper;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;

/**
 * The Interactive Queries v2 and {@link Position} plumbing every StrataDB store shares, with the
 * semantics of Kafka's own stores ({@code StoreQueryUtils}): a store's position is the highest
 * input offset per topic partition whose effect it holds; a query bound by a {@link PositionBound}
 * is answered only if the store has reached the bound on the task's partition; otherwise the answer
 * is {@link QueryResult#notUpToBound}.
 *
 * <p>Thread safety: the {@code Position} object is the lock; {@link #updatePosition} and {@link
 * #answer} synchronize on it, so an IQ thread reads a position consistent with the data it saw.
 */
final class StoreQueries {

  private StoreQueries() {}

  /**
   * Handles one query type for a store: runs the query and returns its result. Runs under the
   * position's lock.
   */
  interface Handler<S extends StateStore> extends BiFunction<Query<?>, S, QueryResult<?>> {}

  /**
   * Advances {@code position} to the record being processed (its topic, partition and offset), if
   * there is one (there is none during punctuations and restoration).
   */
  static void updatePosition(Position position, StateStoreContext context) {
    if (context == null) {
      return;
    }
    java.util.Optional<RecordMetadata> meta = context.recordMetadata();
    if (meta.isPresent() && meta.get().topic() != null) {
      synchronized (position) {
        position.withComponent(meta.get().topic(), meta.get().partition(), meta.get().offset());
      }
    }
  }

  /**
   * Advances {@code position} from a changelog record's headers while restoring, as Kafka's stores
   * do (the headers carry the position when IQ consistency vectors are enabled).
   */
  static void updatePosition(Position position, ConsumerRecord<byte[], byte[]> record, boolean consistencyEnabled) {
    synchronized (position) {
      ChangelogRecordDeserializationHelper.applyChecksAndUpdatePosition(record, consistencyEnabled, position);
    }
  }

  /** Whether the application enabled IQ consistency vectors in changelog headers. */
  static boolean consistencyEnabled(Map<String, Object> configs) {
    return StreamsConfig.InternalConfig.getBoolean(configs,
        StreamsConfig.InternalConfig.IQ_CONSISTENCY_OFFSET_VECTOR_ENABLED, false);
  }

  /**
   * Whether a store at {@code position} may answer a query bound by {@code bound} for the task's
   * {@code partition}: for every topic the bound names with this partition, the store has seen that
   * partition at or past the bound's offset.
   */
  static boolean isPermitted(Position position, PositionBound bound, int partition) {
    Position limit = bound.position();
    for (String topic : limit.getTopics()) {
      Long wanted = limit.getPartitionPositions(topic).get(partition);
      if (wanted == null) {
        continue;
      }
      Long seen = position.getPartitionPositions(topic).get(partition);
      if (seen == null || seen < wanted) {
        return false;
      }
    }
    return true;
  }

  /**
   * Answers {@code query} for {@code store}: an unknown query type gets {@link
   * QueryResult#forUnknownQueryType}, a store behind the bound {@link QueryResult#notUpToBound},
   * otherwise the handler's result. With {@link QueryConfig#isCollectExecutionInfo()} the time
   * taken is added as execution info. The result carries a copy of the store's position.
   *
   * @param handlers the handler of each query class the store answers
   */
  @SuppressWarnings("unchecked")
  static <R, S extends StateStore> QueryResult<R> answer(Query<R> query, PositionBound bound, QueryConfig config,
      S store, Position position, StateStoreContext context, Map<Class<?>, Handler<S>> handlers) {
    long start = config.isCollectExecutionInfo() ? System.nanoTime() : -1L;
    Handler<S> handler = handlers.get(query.getClass());
    QueryResult<R> result;
    synchronized (position) {
      if (handler == null) {
        result = QueryResult.forUnknownQueryType(query, store);
      } else if (context == null || !isPermitted(position, bound, context.taskId().partition())) {
        result = QueryResult.notUpToBound(position, bound, context == null ? null : context.taskId().partition());
      } else {
        result = (QueryResult<R>) handler.apply(query, store);
      }
      if (config.isCollectExecutionInfo()) {
        result.addExecutionInfo("Handled in " + store.getClass() + " in " + (System.nanoTime() - start) + "ns");
      }
      result.setPosition(position.copy());
    }
    return result;
  }
}
