package io.stratadb.kafka;

import io.stratadb.Db;
import io.stratadb.StrataException;
import io.stratadb.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.MultiVersionedKeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.ResultOrder;
import org.apache.kafka.streams.query.VersionedKeyQuery;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.state.VersionedRecordIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A persistent versioned key-value store of bytes on StrataDB, in place of Kafka's {@code
 * RocksDBVersionedStore}: every key keeps its versions {@code (value, validFrom)}, each valid until
 * the next version's {@code validFrom}, and {@code get(key, asOf)} answers as of any time within
 * the history retention. Obtain it through {@link StrataStores#persistentVersionedKeyValueStore};
 * Kafka Streams sees it through Kafka's {@code VersionedKeyValueToBytesStoreAdapter}.
 *
 * <p>Semantics, as Kafka's store: stream time is the largest timestamp put or restored since the
 * store opened. The history retention doubles as the grace period: a put or delete older than
 * {@code streamTime - historyRetention} is dropped ({@code put} returns {@link
 * #PUT_RETURN_CODE_NOT_PUT}, {@code delete} null) and counted. {@code get(key, asOf)} with {@code
 * asOf} older than that returns the latest version if it is old enough, else null. The latest
 * version of a key never expires.
 *
 * <p>Storage: a latest-value database ({@code strata/<name>/<name>.latestValues/}, see {@link
 * LatestValue}; the latest values written since the segments were last made durable are held in
 * memory until they are, {@link PendingLatestValues}) and history segments ({@code strata/<name>/<name>.<segment start ms>/}, one StrataDB
 * database each, see {@link Segments}) holding the older versions by their end time ({@link
 * VersionedRow}); a segment whose versions all ended before {@code streamTime - historyRetention}
 * is deleted whole. The IQv2 position lives in {@code strata/<name>.position}.
 *
 * <p>Thread safety: one stream thread writes; IQ threads may read. Writes, restoration and IQv2
 * queries hold the position's monitor, so a query never sees half of a put that touched two
 * databases.
 */
public final class StrataVersionedStore implements VersionedKeyValueStore<Bytes, byte[]> {

  private static final Logger log = LoggerFactory.getLogger(StrataVersionedStore.class);

  private static final String LATEST_SUFFIX = ".latestValues";

  private static final Map<Class<?>, StoreQueries.Handler<StrataVersionedStore>> QUERY_HANDLERS = Map.of(
      VersionedKeyQuery.class, (q, s) -> s.runVersionedKeyQuery((VersionedKeyQuery<?, ?>) q),
      MultiVersionedKeyQuery.class, (q, s) -> s.runMultiVersionedKeyQuery((MultiVersionedKeyQuery<?, ?>) q));

  private final String name;
  private final long historyRetention;
  private final long segmentInterval;

  private StateStoreContext context;
  private StoreDb latestDb;
  /** Latest values not yet in {@link #latestDb}: held back until the segments are durable. */
  private PendingLatestValues pending;
  /** Pending bytes past which the segments are made durable and the pending values written. */
  private long pendingLimitBytes;
  private Segments segments;
  private VersionedWriteBuffer buffer;
  private PositionCheckpoint positionCheckpoint;
  private volatile Position position = Position.emptyPosition();
  private boolean consistencyEnabled;
  private StoreMetrics metrics;
  private ExpiredRecordsSensor expired;
  private volatile long observedStreamTime = -1L;
  private volatile boolean open;

  /**
   * A closed store; {@link #init} opens it.
   *
   * @param name the store's name
   * @param historyRetention ms of stream time old versions stay readable (also the grace period), at least 0
   * @param segmentInterval ms of version end times per history segment, at least 1
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code historyRetention < 0} or {@code segmentInterval < 1}
   */
  public StrataVersionedStore(String name, long historyRetention, long segmentInterval) {
    this.name = Objects.requireNonNull(name, "name cannot be null");
    if (historyRetention < 0 || segmentInterval < 1) {
      throw new IllegalArgumentException(
          "historyRetention " + historyRetention + " must be >= 0 and segmentInterval " + segmentInterval + " >= 1");
    }
    this.historyRetention = historyRetention;
    this.segmentInterval = segmentInterval;
  }

  /** The store's name, as given to the supplier; also its directory name under {@code strata/}. */
  @Override
  public String name() {
    return name;
  }

  /**
   * Opens the latest-value database and the history segments found on disk, loads the position and
   * registers the store (a batching restore callback, a commit callback saving the position).
   * Stream time starts over, as in a new Kafka store.
   *
   * @throws IllegalStateException if the store is already open
   * @throws ProcessorStateException if a database cannot be opened
   */
  @Override
  public void init(StateStoreContext context, StateStore root) {
    if (open) {
      throw new IllegalStateException("Store " + name + " is already open");
    }
    this.context = context;
    observedStreamTime = -1L;
    Path storeDir = StoreDb.storeDir(context.stateDir(), name);
    Map<String, Object> configs = context.appConfigs();
    PositionFile positionFile = PositionFile.besides(storeDir);
    Position saved = positionFile.read();
    positionCheckpoint = new PositionCheckpoint(positionFile, saved, System::currentTimeMillis);
    position = saved;
    consistencyEnabled = StoreQueries.consistencyEnabled(configs);
    segments = new Segments(name, historyRetention, segmentInterval, storeDir,
        (id, dir) -> new Segment(id, StoreDb.open(name, dir, configs)));
    latestDb = null;
    try {
      latestDb = StoreDb.open(name, storeDir.resolve(name + LATEST_SUFFIX), configs);
      pending = new PendingLatestValues();
      pendingLimitBytes = latestDb.options().writeBufferSize(); // about one memtable of heap at most
      segments.openExisting(observedStreamTime);
      buffer = new VersionedWriteBuffer(new Storage());
      metrics = StoreMetrics.register(context, name, this::databases);
      expired = ExpiredRecordsSensor.register(context, name);
      open = true;
      context.register(root, (RecordBatchingStateRestoreCallback) this::restoreBatch, this::checkpointPosition);
    } catch (RuntimeException e) {
      open = false; // a failed init leaves no database open and locked
      closeQuietly(e);
      throw e;
    }
  }

  private List<Db> databases() {
    List<Db> dbs = new ArrayList<>(segments.databases());
    dbs.add(latestDb.db());
    return dbs;
  }

  private void closeQuietly(RuntimeException cause) {
    Closing.closeAll(cause, expired, metrics, segments::close, latestDb);
    expired = null;
    metrics = null;
    latestDb = null;
  }

  /** Reads and writes of the databases for the {@link VersionedWriteBuffer}. */
  private final class Storage implements VersionedWriteBuffer.Storage {
    @Override
    public byte[] latest(byte[] key) {
      return latestValue(key);
    }

    @Override
    public void writeLatest(Map<Bytes, byte[]> latest) {
      pending.putAll(latest);
      if (pending.bytes() > pendingLimitBytes) {
        writePending(); // as the latest-value memtable would fill: segments durable first
      }
    }

    @Override
    public Segments segments() {
      return segments;
    }
  }

  /**
   * Makes the segments durable as a commit does ({@link Segments#commit}), then writes the pending
   * latest values to the latest-value database: from then on it may flush them on its own.
   *
   * @throws ProcessorStateException if a segment fails to sync or the write fails
   */
  private void writePending() {
    segments.commit();
    pending.drainTo(this::writeLatest);
  }

  private void writeLatest(WriteBatch batch) {
    latestDb.written();
    try {
      latestDb.db().write(batch, latestDb.writeOptions());
    } catch (StrataException e) {
      throw StoreErrors.translate(name, "writing to", e);
    }
  }

  private byte[] latestValue(byte[] key) {
    byte[] held = pending.get(key);
    if (held != null) {
      return PendingLatestValues.isDeleted(held) ? null : held;
    }
    try {
      return latestDb.db().get(key);
    } catch (StrataException e) {
      throw StoreErrors.translate(name, "reading from", e);
    }
  }

  private void validateStoreOpen() {
    if (!open) {
      throw new InvalidStateStoreException("Store " + name + " is currently closed");
    }
  }

  /**
   * Adds the version {@code (value, timestamp)} of {@code key}; a null value deletes as of {@code
   * timestamp}.
   *
   * @return the new version's validTo; {@link #PUT_RETURN_CODE_VALID_TO_UNDEFINED} if it is the
   *     latest; {@link #PUT_RETURN_CODE_NOT_PUT} if it is older than the grace period
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code timestamp} is negative and not already beyond the
   *     grace period (Kafka record timestamps are never negative; Kafka's store fails on most
   *     negative ones too, when it needs a segment for them)
   * @throws InvalidStateStoreException if the store is closed
   * @throws ProcessorStateException if the databases fail
   */
  @Override
  public long put(Bytes key, byte[] value, long timestamp) {
    Objects.requireNonNull(key, "key cannot be null");
    validateStoreOpen();
    synchronized (position) {
      if (timestamp < observedStreamTime - historyRetention) {
        expired.record();
        log.warn("Skipping record for expired put.");
        StoreQueries.updatePosition(position, context);
        return PUT_RETURN_CODE_NOT_PUT;
      }
      checkTimestamp(timestamp);
      observedStreamTime = Math.max(observedStreamTime, timestamp);
      long validTo = write(key.get(), value, timestamp, observedStreamTime);
      StoreQueries.updatePosition(position, context);
      return validTo;
    }
  }

  private static void checkTimestamp(long timestamp) {
    if (timestamp < 0) {
      throw new IllegalArgumentException("A versioned store takes no negative timestamp: " + timestamp);
    }
  }

  /** Files one version and writes it; if filing fails half-way, nothing of it is written. */
  private long write(byte[] key, byte[] value, long timestamp, long streamTime) {
    long validTo;
    try {
      validTo = VersionedPut.put(buffer, streamTime, historyRetention, key, value, timestamp);
    } catch (RuntimeException e) {
      buffer.discard();
      throw e;
    }
    buffer.flush();
    return validTo;
  }

  /**
   * Deletes {@code key} as of {@code timestamp}.
   *
   * @return the version valid at {@code timestamp} before the delete, or null (also when the delete
   *     is older than the grace period, and then nothing is deleted)
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if {@code timestamp} is negative and not beyond the grace period
   * @throws InvalidStateStoreException if the store is closed
   */
  @Override
  public VersionedRecord<byte[]> delete(Bytes key, long timestamp) {
    Objects.requireNonNull(key, "key cannot be null");
    validateStoreOpen();
    synchronized (position) {
      if (timestamp < observedStreamTime - historyRetention) {
        expired.record();
        log.warn("Skipping record for expired delete.");
        return null;
      }
      checkTimestamp(timestamp);
      VersionedRecord<byte[]> existing = get(key, timestamp);
      observedStreamTime = Math.max(observedStreamTime, timestamp);
      write(key.get(), null, timestamp, observedStreamTime);
      StoreQueries.updatePosition(position, context);
      return existing;
    }
  }

  /**
   * The latest version of {@code key} (no validTo), or null if there is none or it is a delete.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws InvalidStateStoreException if the store is closed
   */
  @Override
  public VersionedRecord<byte[]> get(Bytes key) {
    Objects.requireNonNull(key, "key cannot be null");
    validateStoreOpen();
    byte[] latest = latestValue(key.get());
    return latest == null ? null : new VersionedRecord<>(LatestValue.value(latest), LatestValue.timestamp(latest));
  }

  /**
   * The version of {@code key} valid at {@code asOfTimestamp} (the one with the largest validFrom
   * not after it), with its validTo unless it is the latest; null if none, if it is a delete, or if
   * {@code asOfTimestamp} is older than the history retention and the latest version is not old
   * enough.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws InvalidStateStoreException if the store is closed
   */
  @Override
  public VersionedRecord<byte[]> get(Bytes key, long asOfTimestamp) {
    Objects.requireNonNull(key, "key cannot be null");
    validateStoreOpen();
    VersionedRecord<byte[]> latest = get(key);
    if (latest != null && latest.timestamp() <= asOfTimestamp) {
      return latest;
    }
    if (asOfTimestamp < observedStreamTime - historyRetention) {
      return null; // beyond the history retention, even if a segment still holds it
    }
    for (Segment segment : segments.segments(asOfTimestamp, Long.MAX_VALUE, false)) {
      byte[] raw = segment.get(key.get());
      if (raw == null) {
        continue;
      }
      if (VersionedRow.next(raw) <= asOfTimestamp) {
        return null; // the key's versions ended (a delete) at or before asOf
      }
      if (VersionedRow.min(raw) > asOfTimestamp) {
        continue;
      }
      VersionedRow row = VersionedRow.decode(raw);
      int i = row.floorIndex(asOfTimestamp);
      return row.value(i) == null ? null : new VersionedRecord<>(row.value(i), row.validFrom(i), row.validTo(i));
    }
    return null;
  }

  /**
   * The versions of {@code key} valid at some time in {@code [fromTime, toTime]}, deletes left out,
   * by validFrom, ascending if {@code order} says so, else (also for {@code ANY}) descending; what
   * {@link MultiVersionedKeyQuery} answers.
   */
  List<VersionedRecord<byte[]>> versions(Bytes key, long fromTime, long toTime, ResultOrder order) {
    validateStoreOpen();
    List<VersionedRecord<byte[]>> out = new ArrayList<>();
    if (toTime >= observedStreamTime - historyRetention) {
      // A version valid in the range ends after fromTime, so it is filed in a segment from the
      // one of fromTime on (Kafka's store searches up to toTime's instead, missing versions that
      // end after toTime's segment; see docs/kafka-streams.md).
      for (Segment segment : segments.segments(fromTime, Long.MAX_VALUE, true)) {
        byte[] raw = segment.get(key.get());
        if (raw != null) {
          out.addAll(VersionedRow.decode(raw).versions(fromTime, toTime));
        }
      }
    }
    VersionedRecord<byte[]> latest = get(key);
    if (latest != null && latest.timestamp() <= toTime) {
      out.add(latest);
    }
    if (order != ResultOrder.ASCENDING) { // Kafka's store answers ANY newest first
      Collections.reverse(out);
    }
    return out;
  }

  /**
   * Answers {@link VersionedKeyQuery} (a {@code VersionedRecord<byte[]>} or null) and {@link
   * MultiVersionedKeyQuery} (a {@code VersionedRecordIterator<byte[]>}) with the store's position;
   * other queries fail with {@code UNKNOWN_QUERY_TYPE}, a store behind the bound with {@code
   * NOT_UP_TO_BOUND}. Callable from any thread.
   */
  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return StoreQueries.answer(query, positionBound, config, this, position, context, QUERY_HANDLERS);
  }

  private QueryResult<?> runVersionedKeyQuery(VersionedKeyQuery<?, ?> query) {
    try {
      Bytes key = (Bytes) query.key();
      return QueryResult.forResult(query.asOfTimestamp().isPresent()
          ? get(key, query.asOfTimestamp().get().toEpochMilli()) : get(key));
    } catch (RuntimeException e) {
      return QueryResult.forFailure(FailureReason.STORE_EXCEPTION, "Error querying store " + name + ": " + e);
    }
  }

  private QueryResult<?> runMultiVersionedKeyQuery(MultiVersionedKeyQuery<?, ?> query) {
    try {
      long from = query.fromTime().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE);
      long to = query.toTime().map(java.time.Instant::toEpochMilli).orElse(Long.MAX_VALUE);
      return QueryResult.forResult(new ListIterator(versions((Bytes) query.key(), from, to, query.resultOrder())));
    } catch (RuntimeException e) {
      return QueryResult.forFailure(FailureReason.STORE_EXCEPTION, "Error querying store " + name + ": " + e);
    }
  }

  /** The versions of one query, read under the position's monitor: a point in time. */
  private static final class ListIterator implements VersionedRecordIterator<byte[]> {
    private final Iterator<VersionedRecord<byte[]>> it;
    private boolean open = true;

    ListIterator(List<VersionedRecord<byte[]>> records) {
      this.it = records.iterator();
    }

    @Override
    public boolean hasNext() {
      if (!open) {
        throw new IllegalStateException("The iterator is out of scope.");
      }
      return it.hasNext();
    }

    @Override
    public VersionedRecord<byte[]> next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return it.next();
    }

    @Override
    public void close() {
      open = false;
    }
  }

  /** The store's current IQv2 position (a copy). Callable from any thread. */
  @Override
  public Position getPosition() {
    synchronized (position) {
      return position.copy();
    }
  }

  /**
   * Restores a batch of changelog records (key, value or null, the version's timestamp), as Kafka's
   * versioned store does: records older than the grace period at their turn are skipped; the
   * others are filed with stream time taken at the end of the batch, so versions that the batch
   * itself pushes out of the history retention are not written; all writes go out as one unsynced
   * {@link WriteBatch} per database touched. The position advances from the records' headers once
   * the batch is written. A failure leaves the batch unwritten, or (a write failing after others
   * succeeded) partly written in the safe order {@link VersionedWriteBuffer#flush} uses.
   *
   * @throws InvalidStateStoreException if the store is closed
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if a database fails
   */
  void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
    validateStoreOpen();
    long endOfBatch = observedStreamTime;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      endOfBatch = Math.max(endOfBatch, r.timestamp());
    }
    Position restored = Position.emptyPosition(); // merged once the batch is written
    synchronized (position) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (r.timestamp() < observedStreamTime - historyRetention) {
            continue; // never written by the store that logged it
          }
          observedStreamTime = Math.max(observedStreamTime, r.timestamp());
          StoreQueries.updatePosition(restored, r, consistencyEnabled);
          VersionedPut.put(buffer, endOfBatch, historyRetention, r.key(), r.value(), r.timestamp());
        }
      } catch (RuntimeException e) {
        buffer.discard(); // the task fails, and its restoration starts again from the checkpoint
        throw e;
      }
      buffer.flush();
      position.merge(restored);
    }
  }

  /** Saves the position when every write it covers is durable (never ahead of the data). */
  private void checkpointPosition() {
    if (pending.isEmpty() && latestDb.holdsAllWrites() && segments.holdsAllWrites()) {
      positionCheckpoint.maybeSave(getPosition(), false);
    }
  }

  /**
   * At each Kafka Streams commit: makes every database written since the last commit durable
   * (flushes its memtable, or with {@link StrataStores#WAL_CONFIG} on fsyncs its WAL), unless
   * {@link StrataStores#SYNC_ON_COMMIT_CONFIG} is off: the history segments first, then the latest
   * values held back until then ({@link PendingLatestValues}) are written and their database made
   * durable. The changelog offsets are left to Kafka Streams' checkpoint file.
   *
   * @throws InvalidStateStoreException if the store is closed
   * @throws ProcessorStateException if a sync fails
   */
  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    validateStoreOpen();
    segments.commit();
    Runnable fault = testCommitFault;
    if (fault != null) {
      fault.run();
    }
    writePending(); // the segments are durable: their commit again finds nothing to sync
    latestDb.commit();
  }

  /**
   * TEST ONLY: run by {@link #commit} once the history segments are durable and before the
   * latest values are written and made durable, where a crash leaves the two apart (the test
   * copies the directory there, as a crash would leave it); null for none.
   */
  static volatile Runnable testCommitFault;

  /** TEST ONLY: the latest-value database, for a test to flush it alone as a full memtable would be. */
  Db testLatestValuesDb() {
    return latestDb.db();
  }

  /** TEST ONLY: sets the pending bytes past which the latest values are written before a commit. */
  void testPendingLimitBytes(long bytes) {
    pendingLimitBytes = bytes;
  }

  /**
   * Kafka Streams before 4.x's name of {@link #commit(Map)}.
   *
   * @deprecated as {@code StateStore.flush()}: use {@link #commit(Map)}
   */
  @Deprecated
  @Override
  public void flush() {
    commit(Map.of());
  }

  /**
   * Removes the metrics, syncs and closes the history segments, writes the pending latest values
   * and syncs and closes their database (the data stays), then saves the position, fsynced.
   * Idempotent.
   *
   * @throws ProcessorStateException if a database fails to sync or close (the others are closed
   *     regardless; the position is then not saved)
   */
  @Override
  public void close() {
    if (!open) {
      return;
    }
    synchronized (position) {
      open = false;
    }
    metrics.close();
    expired.close();
    try {
      segments.close();
      pending.drainTo(this::writeLatest); // the segments are durable: the latest values may follow
    } finally {
      latestDb.close();
    }
    positionCheckpoint.maybeSave(getPosition(), true);
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
}
