package io.stratadb.kafka;

import io.stratadb.WriteBatch;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The storage under a StrataDB window or session store: binary keys ({@link SegmentKeySchema})
 * spread over time {@link Segments}, one StrataDB database each, with Kafka's retention rules
 * (its {@code AbstractRocksDBSegmentedBytesStore}). Stream time is the largest segment timestamp
 * put or restored since the store opened; a record older than {@code streamTime - retention + 1}
 * is invisible to reads and dropped on writes (counted by the expired-records sensor), and whole
 * segments older than that are deleted.
 *
 * <p>On disk, under the task's state directory: {@code strata/<name>/<name>.<segment start ms>/}
 * per segment, and the IQv2 position in {@code strata/<name>.position}, saved at commits (at most
 * once a second, see {@link PositionCheckpoint}) and at close.
 *
 * <p>Thread safety: one stream thread writes ({@code put}, {@code remove}, restoration, {@code
 * commit}, {@code close}); interactive-query threads may read concurrently. Iterators are
 * single-threaded and must be closed.
 */
final class SegmentedStore {

  private final String name;
  private final long retentionPeriod;
  private final long segmentInterval;
  private final SegmentKeySchema schema;

  private StateStoreContext context;
  private Segments segments;
  private PositionCheckpoint positionCheckpoint;
  private volatile Position position = Position.emptyPosition();
  private boolean consistencyEnabled;
  private StoreMetrics metrics;
  private ExpiredRecordsSensor expired;
  private volatile long observedStreamTime = -1L;
  private volatile boolean open;

  /**
   * @param name the store's name
   * @param retentionPeriod ms of stream time a record stays readable
   * @param segmentInterval ms of time per segment, at least 1
   * @param schema the binary key layout
   */
  SegmentedStore(String name, long retentionPeriod, long segmentInterval, SegmentKeySchema schema) {
    this.name = name;
    this.retentionPeriod = retentionPeriod;
    this.segmentInterval = segmentInterval;
    this.schema = schema;
  }

  String name() {
    return name;
  }

  /**
   * Opens the segments found in the store's directory and registers the store, with a batching
   * restore callback and a commit callback that saves the position, with {@code context}.
   *
   * @param root the store Kafka Streams registers (the outermost wrapper)
   */
  void init(StateStoreContext context, StateStore root) {
    if (open) {
      throw new IllegalStateException("Store " + name + " is already open");
    }
    this.context = context;
    observedStreamTime = -1L; // as a new Kafka store: stream time starts over at each init
    Path storeDir = StoreDb.storeDir(context.stateDir(), name);
    Map<String, Object> configs = context.appConfigs();
    this.segments =
        new Segments(
            name,
            retentionPeriod,
            segmentInterval,
            storeDir,
            (id, dir) -> new Segment(id, StoreDb.open(name, dir, configs)));
    PositionFile positionFile = PositionFile.besides(storeDir);
    Position saved = positionFile.read();
    positionCheckpoint = new PositionCheckpoint(positionFile, saved, System::currentTimeMillis);
    position = saved; // a store initialised again (after Kafka wiped its state) starts from the file
    consistencyEnabled = StoreQueries.consistencyEnabled(configs);
    try {
      segments.openExisting(observedStreamTime);
      this.metrics = StoreMetrics.register(context, name, segments::databases);
      this.expired = ExpiredRecordsSensor.register(context, name);
      open = true;
      context.register(
          root, (RecordBatchingStateRestoreCallback) this::restoreBatch, () -> checkpointPosition(false));
    } catch (RuntimeException e) {
      open = false; // a failed init leaves no database open and locked
      closeQuietly(e);
      throw e;
    }
  }

  private void closeQuietly(RuntimeException cause) {
    Closing.closeAll(cause, expired, metrics, segments::close);
    expired = null;
    metrics = null;
  }

  /**
   * Saves the position if it moved (see {@link PositionCheckpoint} for how often), unless a crash
   * could lose writes it covers (unforced saves only: the forced one at close follows the sync).
   */
  private void checkpointPosition(boolean force) {
    if (!force && !segments.holdsAllWrites()) {
      return; // an older saved position is safe, a newer one than the data is not
    }
    Position now;
    synchronized (position) {
      now = position.copy();
    }
    positionCheckpoint.maybeSave(now, force);
  }

  /** The store's IQv2 position, the lock the queries take. */
  Position getPosition() {
    return position;
  }

  /** The context given to {@link #init}; null before. */
  StateStoreContext context() {
    return context;
  }

  private long actualFrom(long from) {
    return Math.max(from, observedStreamTime - retentionPeriod + 1);
  }

  /**
   * Stores {@code value} under {@code storeKey} (deletes it when null) in its segment, unless the
   * segment has expired, when the record is dropped and counted.
   */
  void put(byte[] storeKey, byte[] value) {
    requireOpen();
    long timestamp = schema.segmentTimestamp(storeKey);
    observedStreamTime = Math.max(observedStreamTime, timestamp);
    Segment segment = segments.getOrCreateSegmentIfLive(segments.segmentId(timestamp), observedStreamTime);
    if (segment == null) {
      expired.record();
      return;
    }
    synchronized (position) {
      StoreQueries.updatePosition(position, context);
      segment.put(storeKey, value);
    }
  }

  /** Deletes {@code storeKey} from its segment, if that segment exists. */
  void remove(byte[] storeKey) {
    requireOpen();
    long timestamp = schema.segmentTimestamp(storeKey);
    observedStreamTime = Math.max(observedStreamTime, timestamp);
    Segment segment = segments.segmentForTimestamp(timestamp);
    if (segment != null) {
      segment.delete(storeKey);
    }
  }

  /** The value of {@code storeKey}, or null if absent or expired. */
  byte[] get(byte[] storeKey) {
    requireOpen();
    long timestamp = schema.segmentTimestamp(storeKey);
    if (timestamp < observedStreamTime - retentionPeriod + 1) {
      return null;
    }
    Segment segment = segments.segmentForTimestamp(timestamp);
    return segment == null ? null : segment.get(storeKey);
  }

  /** The records of exactly {@code key} in time {@code [from, to]}, by time, either way. */
  KeyValueIterator<Bytes, byte[]> fetch(byte[] key, long from, long to, boolean forward) {
    requireOpen();
    long actualFrom = actualFrom(from);
    if (schema.emptyWhenToBeforeFrom() && to < actualFrom) {
      return empty();
    }
    return new SegmentIterator(
        segments.segments(actualFrom, schema.searchUpTo(to), forward).iterator(),
        schema.lowerRangeFixedSize(key, actualFrom),
        schema.upperRangeFixedSize(key, to),
        forward,
        k -> schema.matches(k, key, key, actualFrom, to));
  }

  /**
   * The records of keys in {@code [keyFrom, keyTo]} (null: unbounded) in time {@code [from, to]};
   * segment by segment, by key then time within one. Empty if {@code keyFrom > keyTo}.
   */
  KeyValueIterator<Bytes, byte[]> fetch(Bytes keyFromBytes, Bytes keyToBytes, long from, long to, boolean forward) {
    requireOpen();
    byte[] keyFrom = keyFromBytes == null ? null : keyFromBytes.get();
    byte[] keyTo = keyToBytes == null ? null : keyToBytes.get();
    if (keyFrom != null && keyTo != null && Bytes.BYTES_LEXICO_COMPARATOR.compare(keyFrom, keyTo) > 0) {
      return empty();
    }
    long actualFrom = actualFrom(from);
    if (schema.emptyWhenToBeforeFrom() && to < actualFrom) {
      return empty();
    }
    return new SegmentIterator(
        segments.segments(actualFrom, schema.searchUpTo(to), forward).iterator(),
        keyFrom == null ? null : schema.lowerRange(keyFrom, actualFrom),
        keyTo == null ? null : schema.upperRange(keyTo, to),
        forward,
        k -> schema.matches(k, keyFrom, keyTo, actualFrom, to));
  }

  /** Every live record whose segment timestamp is in {@code [from, to]}. */
  KeyValueIterator<Bytes, byte[]> fetchAll(long from, long to, boolean forward) {
    requireOpen();
    long actualFrom = actualFrom(from);
    if (schema.emptyWhenToBeforeFrom() && to < actualFrom) {
      return empty();
    }
    return new SegmentIterator(
        segments.segments(actualFrom, to, forward).iterator(),
        null,
        null,
        forward,
        k -> schema.matches(k, null, null, actualFrom, to));
  }

  /** Every live record. */
  KeyValueIterator<Bytes, byte[]> all(boolean forward) {
    requireOpen();
    long actualFrom = actualFrom(0);
    return new SegmentIterator(
        segments.segments(actualFrom, Long.MAX_VALUE, forward).iterator(),
        null,
        null,
        forward,
        k -> schema.matches(k, null, null, actualFrom, Long.MAX_VALUE));
  }

  /**
   * Restores a batch of changelog records (Kafka's byte formats): advances stream time to the
   * batch's latest, then writes one {@link WriteBatch} per live segment, unsynced (the changelog
   * is the source of truth). Records of expired segments are skipped; null values delete. The
   * position advances from the records' headers, as Kafka's stores do.
   */
  void restoreBatch(Collection<ConsumerRecord<byte[], byte[]>> records) {
    requireOpen();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      observedStreamTime = Math.max(observedStreamTime, schema.segmentTimestamp(r.key()));
    }
    Map<Segment, WriteBatch> batches = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long timestamp = schema.segmentTimestamp(r.key());
      Segment segment = segments.getOrCreateSegmentIfLive(segments.segmentId(timestamp), observedStreamTime);
      if (segment == null) {
        continue;
      }
      StoreQueries.updatePosition(position, r, consistencyEnabled);
      WriteBatch batch = batches.computeIfAbsent(segment, s -> new WriteBatch());
      if (r.value() == null) {
        batch.delete(r.key());
      } else {
        batch.put(r.key(), r.value());
      }
    }
    synchronized (position) {
      for (Map.Entry<Segment, WriteBatch> e : batches.entrySet()) {
        e.getKey().write(e.getValue());
      }
    }
  }

  /**
   * At each Kafka Streams commit: makes the writes of every segment written since its last sync
   * durable (flushes its memtable, or fsyncs its WAL with {@link StrataStores#WAL_CONFIG} on;
   * unless {@link StrataStores#SYNC_ON_COMMIT_CONFIG} is off), so Kafka's checkpoint is never
   * ahead of the data after a crash or a power loss.
   *
   * @throws InvalidStateStoreException if the store is closed
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if a sync fails
   */
  void commit() {
    requireOpen();
    segments.commit();
  }

  /**
   * Removes the metrics, syncs and closes every segment (the data stays on disk), then saves the
   * position, fsynced: after the data, so it is never ahead of it. Idempotent.
   *
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if a segment fails to sync or
   *     close (the position is then not saved; the others are closed regardless)
   */
  void close() {
    if (!open) {
      return;
    }
    open = false;
    metrics.close();
    expired.close();
    segments.close();
    checkpointPosition(true);
  }

  boolean isOpen() {
    return open;
  }

  private void requireOpen() {
    if (!open) {
      throw new InvalidStateStoreException("Store " + name + " is currently closed");
    }
  }

  private static KeyValueIterator<Bytes, byte[]> empty() {
    return new SegmentIterator(List.<Segment>of().iterator(), null, null, true, k -> false);
  }
}
