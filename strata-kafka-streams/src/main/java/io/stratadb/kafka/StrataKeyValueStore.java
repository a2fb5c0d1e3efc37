package io.stratadb.kafka;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.StrataException;
import io.stratadb.WriteBatch;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.ResultOrder;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent Kafka Streams key-value store of bytes on one StrataDB database: the innermost
 * store under Kafka's metered, caching and change-logging layers, in place of Kafka's {@code
 * RocksDBStore}. Obtain it through {@link StrataStores#persistentKeyValueStore(String)}.
 *
 * <p>Contract, as Kafka's RocksDB store honours it: keys are ordered by unsigned lexicographic byte
 * order; a {@code null} value deletes; {@code range(from, to)} is inclusive at both ends, either
 * end may be {@code null} (open), and {@code from > to} gives an empty iterator (with a warning);
 * iterators read a point in time, must be closed, and are closed when the store closes. After
 * {@link #close()} every operation throws {@link InvalidStateStoreException}, and so does one that
 * raced the close and found the database closed. Other storage failures throw {@link
 * ProcessorStateException}; a {@code null} key throws {@link NullPointerException}.
 *
 * <p>State lives in {@code <task state dir>/strata/<name>/} (see {@link StoreDb}); the IQv2
 * {@link Position} is kept in {@code strata/<name>.position} at each commit. Restoration from the
 * changelog writes each restored batch as one {@link WriteBatch}, unsynced. Writes skip StrataDB's
 * WAL unless {@link StrataStores#WAL_CONFIG} is on (see {@link StoreDb}).
 *
 * <p>Thread safety: one stream thread writes; Interactive Queries read from other threads
 * concurrently ({@link Db} is thread-safe, and the position is guarded by its own monitor, see
 * {@link StoreQueries}).
 */
public class StrataKeyValueStore implements KeyValueStore<Bytes, byte[]> {

  private static final Logger log = LoggerFactory.getLogger(StrataKeyValueStore.class);

  private static final Map<Class<?>, StoreQueries.Handler<StrataKeyValueStore>> QUERY_HANDLERS = Map.of(
      KeyQuery.class, (q, s) -> s.runKeyQuery((KeyQuery<?, ?>) q),
      RangeQuery.class, (q, s) -> s.runRangeQuery((RangeQuery<?, ?>) q));

  private final String name;
  private final Set<StrataKeyValueIterator> openIterators = ConcurrentHashMap.newKeySet();
  /** Replaced at each {@link #init} (Kafka may init a closed store again); its own monitor guards it. */
  private volatile Position position = Position.emptyPosition();

  private volatile boolean open;
  private StoreDb storeDb;
  private Db db;
  private StateStoreContext context;
  private PositionFile positionFile;
  private PositionCheckpoint positionCheckpoint;
  private boolean consistencyEnabled;
  private StoreMetrics metrics;

  /**
   * A closed store; {@link #init} opens it.
   *
   * @param name the store's name, also its directory name under the task's {@code strata/} directory
   * @throws NullPointerException if {@code name} is null
   */
  public StrataKeyValueStore(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** The store's name, as given to the supplier. */
  @Override
  public String name() {
    return name;
  }

  /**
   * Opens the database in {@code <context.stateDir()>/strata/<name>} with the options of the
   * application's {@link StrataConfigSetter}, loads the position, registers the store (with a
   * batching restore callback and a commit callback that saves the position) and its metrics.
   *
   * @throws IllegalStateException if the store is already open
   * @throws ProcessorStateException if the database cannot be opened
   * @throws org.apache.kafka.common.config.ConfigException if the config setter cannot be loaded
   */
  @Override
  public void init(StateStoreContext context, StateStore root) {
    if (open) {
      throw new IllegalStateException("Store " + name + " is already open");
    }
    Path dir = StoreDb.storeDir(context.stateDir(), name);
    positionFile = PositionFile.besides(dir);
    Position saved = positionFile.read();
    storeDb = StoreDb.open(name, dir, context.appConfigs());
    db = storeDb.db();
    this.context = context;
    positionCheckpoint = new PositionCheckpoint(positionFile, saved, System::currentTimeMillis);
    position = saved;
    consistencyEnabled = StoreQueries.consistencyEnabled(context.appConfigs());
    metrics = null;
    try {
      metrics = StoreMetrics.register(context, name, () -> List.of(db));
      open = true;
      context.register(root, (RecordBatchingStateRestoreCallback) this::restoreBatch, this::checkpointPosition);
    } catch (RuntimeException e) { // the database is not left open behind a failed init
      open = false;
      if (metrics != null) {
        metrics.close();
      }
      storeDb.close();
      throw e;
    }
  }

  /** True: the state is on disk. */
  @Override
  public boolean persistent() {
    return true;
  }

  /** Whether {@link #init} opened the store and {@link #close} has not closed it. */
  @Override
  public boolean isOpen() {
    return open;
  }

  private void validateStoreOpen() {
    if (!open) {
      throw new InvalidStateStoreException("Store " + name + " is currently closed");
    }
  }

  /** A closed database is a closed store ({@link InvalidStateStoreException}), as in Kafka's store. */
  private RuntimeException failure(String what, StrataException e) {
    return StoreErrors.translate(name, what, e);
  }

  /**
   * Stores {@code value} under {@code key}, or deletes {@code key} if {@code value} is null.
   *
   * @throws NullPointerException if {@code key} is null
   */
  @Override
  public void put(Bytes key, byte[] value) {
    Objects.requireNonNull(key, "key cannot be null");
    validateStoreOpen();
    storeDb.written();
    try {
      if (value == null) {
        db.delete(key.get(), storeDb.writeOptions());
      } else {
        db.put(key.get(), value, storeDb.writeOptions());
      }
    } catch (StrataException e) {
      throw failure("putting key " + key + " into", e);
    }
    StoreQueries.updatePosition(position, context);
  }

  /** Stores {@code value} if {@code key} has none; returns the value it had, or null. */
  @Override
  public byte[] putIfAbsent(Bytes key, byte[] value) {
    Objects.requireNonNull(key, "key cannot be null");
    byte[] old = get(key);
    if (old == null) {
      put(key, value);
    }
    return old;
  }

  /** Applies all entries (a null value deletes) in one atomic {@link WriteBatch}. */
  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    validateStoreOpen();
    WriteBatch batch = new WriteBatch();
    for (KeyValue<Bytes, byte[]> e : entries) {
      Objects.requireNonNull(e.key, "key cannot be null");
      if (e.value == null) {
        batch.delete(e.key.get());
      } else {
        batch.put(e.key.get(), e.value);
      }
    }
    write(batch);
    StoreQueries.updatePosition(position, context);
  }

  private void write(WriteBatch batch) {
    storeDb.written();
    try {
      db.write(batch, storeDb.writeOptions());
    } catch (StrataException e) {
      throw failure("writing a batch to", e);
    }
  }

  /** Deletes {@code key}; returns the value it had, or null. */
  @Override
  public byte[] delete(Bytes key) {
    Objects.requireNonNull(key, "key cannot be null");
    byte[] old = get(key);
    put(key, null);
    return old;
  }

  /** The value of {@code key}, or null. */
  @Override
  public byte[] get(Bytes key) {
    Objects.requireNonNull(key, "key cannot be null");
    validateStoreOpen();
    try {
      return db.get(key.get());
    } catch (StrataException e) {
      throw failure("getting key " + key + " from", e);
    }
  }

  /**
   * The pairs with keys in {@code [from, to]}, ascending; a null end is open; empty (with a
   * warning) if {@code from > to}. Close the iterator.
   */
  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return range(from, to, true);
  }

  /** As {@link #range}, descending. */
  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    return range(from, to, false);
  }

  private KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to, boolean forward) {
    if (from != null && to != null && from.compareTo(to) > 0) {
      log.warn("Returning empty iterator for fetch with invalid key range: from > to. This may be due to range "
          + "arguments set in the wrong order, or serdes that don't preserve ordering when lexicographically "
          + "comparing the serialized bytes.");
      return StrataKeyValueIterator.empty();
    }
    return iterator(StrataKeyValueIterator.inclusiveOrOpen(from), StrataKeyValueIterator.inclusiveOrOpen(to), forward);
  }

  private KeyValueIterator<Bytes, byte[]> iterator(Bound lower, Bound upper, boolean forward) {
    validateStoreOpen();
    return new StrataKeyValueIterator(name, db, lower, upper, forward, openIterators);
  }

  /** Every pair, ascending. Close the iterator. */
  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return range(null, null, true);
  }

  /** Every pair, descending. Close the iterator. */
  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    return range(null, null, false);
  }

  /** The keys that start with the serialized {@code prefix}, ascending. */
  @Override
  public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
    Objects.requireNonNull(prefix, "prefix cannot be null");
    Objects.requireNonNull(prefixKeySerializer, "prefixKeySerializer cannot be null");
    Bound[] range = StrataKeyValueIterator.prefixRange(prefixKeySerializer.serialize(null, prefix));
    return iterator(range[0], range[1], true);
  }

  /**
   * The number of live keys. Exact, and counted by a scan of the keys (StrataDB keeps no per-table
   * key count), so it costs a pass over the store; Kafka Streams itself never calls it.
   */
  @Override
  public long approximateNumEntries() {
    validateStoreOpen();
    long n = 0;
    try (KeyValueIterator<Bytes, byte[]> it = all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  /**
   * Makes the writes since the last commit durable (flushes the memtable, or fsyncs the WAL with
   * {@link StrataStores#WAL_CONFIG} on, see {@link StoreDb#commit()}), unless {@link
   * StrataStores#SYNC_ON_COMMIT_CONFIG} is off. Kafka Streams calls it at each commit; the
   * changelog offsets are not kept here ({@link #managesOffsets()} is false: Kafka Streams writes
   * them to its checkpoint file after this returns). Writes between commits are in the memtable
   * only (a crash loses them; Kafka Streams restores them from the changelog), or with the WAL on
   * in the operating system (a crashed process loses none).
   *
   * @param changelogOffsets the changelog offsets the store now holds (unused)
   * @throws ProcessorStateException if the flush or sync fails
   * @throws InvalidStateStoreException if the store is closed
   */
  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    validateStoreOpen();
    storeDb.commit();
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

  /**
   * Answers an IQv2 {@link KeyQuery} (the value, or null) or {@link RangeQuery} (an iterator to
   * close) with the store's position, or fails it as {@link StoreQueries#answer} says. Callable
   * from any thread.
   */
  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return StoreQueries.answer(query, positionBound, config, this, position, context, QUERY_HANDLERS);
  }

  private QueryResult<?> runKeyQuery(KeyQuery<?, ?> query) {
    try {
      return QueryResult.forResult(get((Bytes) query.getKey()));
    } catch (RuntimeException e) {
      return QueryResult.forFailure(org.apache.kafka.streams.query.FailureReason.STORE_EXCEPTION,
          "Error querying store " + name + ": " + e);
    }
  }

  private QueryResult<?> runRangeQuery(RangeQuery<?, ?> query) {
    try {
      Bytes lower = (Bytes) query.getLowerBound().orElse(null);
      Bytes upper = (Bytes) query.getUpperBound().orElse(null);
      boolean forward = query.resultOrder() != ResultOrder.DESCENDING;
      return QueryResult.forResult(range(lower, upper, forward));
    } catch (RuntimeException e) {
      return QueryResult.forFailure(org.apache.kafka.streams.query.FailureReason.STORE_EXCEPTION,
          "Error querying store " + name + ": " + e);
    }
  }

  /** The store's current position (a copy). */
  @Override
  public Position getPosition() {
    synchronized (position) {
      return position.copy();
    }
  }

  /**
   * Writes one batch of changelog records (a null value deletes) as one {@link WriteBatch},
   * advancing the position from the records' headers. Called by Kafka Streams' restoration.
   */
  void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
    validateStoreOpen();
    WriteBatch batch = new WriteBatch();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      StoreQueries.updatePosition(position, r, consistencyEnabled);
      if (r.value() == null) {
        batch.delete(r.key());
      } else {
        batch.put(r.key(), r.value());
      }
    }
    write(batch);
  }

  /**
   * At each Kafka Streams commit (after the store's {@link #commit}): saves the position as {@link
   * PositionCheckpoint} says, unless a crash could lose writes it covers (not made durable since:
   * {@link StrataStores#SYNC_ON_COMMIT_CONFIG} off, without the WAL): an older saved position is
   * safe, a newer one than the data is not.
   */
  private void checkpointPosition() {
    if (storeDb.holdsAllWrites()) {
      positionCheckpoint.maybeSave(getPosition(), false);
    }
  }

  /**
   * Closes the open iterators, removes the metrics, makes the data durable ({@link StoreDb#sync()})
   * and then saves the position, fsynced, and closes the database. Idempotent.
   *
   * @throws ProcessorStateException if the database fails to close cleanly
   */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    if (!openIterators.isEmpty()) {
      log.warn("Closing {} open iterators for store {}", openIterators.size(), name);
      for (StrataKeyValueIterator it : List.copyOf(openIterators)) {
        it.close();
      }
    }
    metrics.close();
    try {
      storeDb.sync(); // the data durable before the position that says the store holds it
      positionFile.write(getPosition(), true);
    } finally {
      storeDb.close();
    }
  }
}
