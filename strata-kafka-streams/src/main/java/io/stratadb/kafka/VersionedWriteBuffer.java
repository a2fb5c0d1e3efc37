package io.stratadb.kafka;

import io.stratadb.WriteBatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The writes of one versioned-store operation (a put, a delete, or a whole batch of restored
 * changelog records), buffered so that reads made while computing them see them, then written by
 * {@link #flush()} as one {@link WriteBatch} per history segment, oldest first, then the latest
 * values (which the store holds back until the segments are durable, {@link PendingLatestValues}).
 * A version moved from a newer place to an older one is thus written to the older one first, so a
 * failure between two batches duplicates a version rather than losing it ({@link
 * VersionedRow#appendLatest} reconciles the duplicate later); and made durable there first, so a
 * crash does not lose it either ({@link #flush}).
 *
 * <p>Not thread-safe: the stream thread owns it.
 */
final class VersionedWriteBuffer {

  /** The storage the buffer reads through and writes to. */
  interface Storage {
    /** The latest-value database's value of {@code key}, or null. */
    byte[] latest(byte[] key);

    /** Writes one operation's latest values: an encoded {@link LatestValue} per key, null for a deleted one. */
    void writeLatest(Map<Bytes, byte[]> latest);

    /** The history segments. */
    Segments segments();
  }

  private static final byte[] DELETED = new byte[0];

  private final Storage storage;
  /** Buffered latest values; {@link #DELETED} marks a delete. */
  private final Map<Bytes, byte[]> latest = new HashMap<>();
  /** Buffered rows per segment, by segment id. */
  private final TreeMap<Long, Map<Bytes, byte[]>> rows = new TreeMap<>();
  private final Map<Long, Segment> touched = new HashMap<>();

  VersionedWriteBuffer(Storage storage) {
    this.storage = storage;
  }

  Segments segments() {
    return storage.segments();
  }

  /** The latest value of {@code key} (buffered, else stored), or null. */
  byte[] latest(byte[] key) {
    byte[] v = latest.get(Bytes.wrap(key));
    if (v == null) {
      return storage.latest(key);
    }
    return v == DELETED ? null : v;
  }

  void putLatest(byte[] key, byte[] encoded) {
    latest.put(Bytes.wrap(key), encoded);
  }

  void deleteLatest(byte[] key) {
    latest.put(Bytes.wrap(key), DELETED);
  }

  /** The encoded row of {@code key} in {@code segment} (buffered, else stored), or null. */
  byte[] row(Segment segment, byte[] key) {
    Map<Bytes, byte[]> buffered = rows.get(segment.id());
    byte[] v = buffered == null ? null : buffered.get(Bytes.wrap(key));
    return v != null ? v : segment.get(key);
  }

  void putRow(Segment segment, byte[] key, VersionedRow row) {
    touched.put(segment.id(), segment);
    rows.computeIfAbsent(segment.id(), id -> new HashMap<>()).put(Bytes.wrap(key), row.encode());
  }

  /** The segment of {@code segmentId}, opened or created, if live at {@code streamTime}; else null. */
  Segment liveSegment(long segmentId, long streamTime) {
    return storage.segments().getOrCreateSegmentIfLive(segmentId, streamTime);
  }

  /** The open segments that may hold versions ending at or after {@code timestamp}, newest first. */
  List<Segment> segmentsFrom(long timestamp) {
    return storage.segments().segments(timestamp, Long.MAX_VALUE, false);
  }

  /** Drops what is buffered, unwritten: the operation that buffered it failed before it finished. */
  void discard() {
    rows.clear();
    touched.clear();
    latest.clear();
  }

  /**
   * Writes what is buffered, segments (oldest first) before the latest values, and empties the
   * buffer. A segment that expired since it was written to is skipped (its versions are no longer
   * needed). When more than one segment is written, each but the newest is made durable ({@link
   * Segment#commit}) before the next is written: a version moved from a newer segment to an older
   * one must be durable in the older before its removal from the newer can be, as each segment is
   * its own database, flushed on its own when its memtable fills.
   *
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if a write or sync fails
   */
  void flush() {
    try {
      int newer = rows.size(); // segments still to write after this one, plus one
      for (Map.Entry<Long, Map<Bytes, byte[]>> e : rows.entrySet()) {
        newer--;
        Segment segment = touched.get(e.getKey());
        if (!segment.isOpen()) {
          continue;
        }
        WriteBatch batch = new WriteBatch();
        for (Map.Entry<Bytes, byte[]> row : e.getValue().entrySet()) {
          batch.put(row.getKey().get(), row.getValue());
        }
        segment.write(batch);
        if (newer > 0) {
          segment.commit(); // durable before a newer segment drops what moved here
        }
      }
      if (!latest.isEmpty()) {
        Map<Bytes, byte[]> values = new HashMap<>();
        for (Map.Entry<Bytes, byte[]> e : latest.entrySet()) {
          values.put(e.getKey(), e.getValue() == DELETED ? null : e.getValue());
        }
        storage.writeLatest(values);
      }
    } finally {
      discard();
    }
  }
}
