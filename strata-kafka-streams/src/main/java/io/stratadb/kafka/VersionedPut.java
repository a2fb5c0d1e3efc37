package io.stratadb.kafka;

import static org.apache.kafka.streams.state.VersionedKeyValueStore.PUT_RETURN_CODE_NOT_PUT;
import static org.apache.kafka.streams.state.VersionedKeyValueStore.PUT_RETURN_CODE_VALID_TO_UNDEFINED;

/**
 * How a versioned store files one new version {@code (key, value, timestamp)} (a null value is a
 * delete) into its latest-value database and its history segments, through a {@link
 * VersionedWriteBuffer}. The rules are those of Kafka's versioned store (KIP-889), so both hold the
 * same history and answer alike:
 *
 * <ol>
 *   <li>A version at or after the key's latest becomes the latest (a delete removes it); the
 *       previous latest, now ending at {@code timestamp}, moves to the segment of {@code
 *       timestamp}.
 *   <li>Otherwise the segments from the one of {@code timestamp} on are searched, newest first, for
 *       the row whose versions cover {@code timestamp}: the version there is split (or replaced at
 *       the same timestamp); a version whose end moves into an older segment moves there.
 *   <li>Otherwise the version goes, as the first or last of its row, into the segment of the
 *       earliest later version found (its own end); with none, it is the key's latest (a value) or
 *       a tombstone in the segment of its own time.
 * </ol>
 *
 * <p>Stateless; the caller serializes calls per store.
 */
final class VersionedPut {

  private VersionedPut() {}

  /**
   * Files the version. The caller has checked the grace period; {@code streamTime} decides which
   * segments are live (during restoration, the stream time at the end of the batch).
   *
   * @param historyRetention the store's history retention, ms
   * @return the new version's validTo, {@link
   *     org.apache.kafka.streams.state.VersionedKeyValueStore#PUT_RETURN_CODE_VALID_TO_UNDEFINED}
   *     if it is the latest (or a tombstone with nothing after it), or {@code PUT_RETURN_CODE_NOT_PUT}
   *     if it falls wholly outside the history retention (only possible during restoration)
   */
  static long put(VersionedWriteBuffer buf, long streamTime, long historyRetention, byte[] key, byte[] value,
      long timestamp) {
    Segments segments = buf.segments();
    segments.cleanupExpiredSegments(streamTime);
    long laterFrom = Long.MIN_VALUE; // validFrom of the earliest later version seen; MIN_VALUE: none
    byte[] latest = buf.latest(key);
    if (latest != null) {
      long latestFrom = LatestValue.timestamp(latest);
      if (timestamp >= latestFrom) {
        if (timestamp > latestFrom) {
          Segment segment = buf.liveSegment(segments.segmentId(timestamp), streamTime);
          if (segment != null) { // else the old latest already left the history retention
            appendToRow(buf, segment, key, latestFrom, timestamp, LatestValue.value(latest));
          }
        }
        if (value != null) {
          buf.putLatest(key, LatestValue.encode(timestamp, value));
        } else {
          buf.deleteLatest(key);
        }
        return PUT_RETURN_CODE_VALID_TO_UNDEFINED;
      }
      laterFrom = latestFrom;
    }
    for (Segment segment : buf.segmentsFrom(timestamp)) {
      byte[] raw = buf.row(segment, key);
      if (raw == null) {
        continue;
      }
      if (VersionedRow.next(raw) <= timestamp) {
        break; // this row and older ones end before the new version
      }
      long min = VersionedRow.min(raw);
      if (min <= timestamp) {
        return insertIntoRow(buf, streamTime, segment, VersionedRow.decode(raw), key, value, timestamp);
      }
      if (min < streamTime - historyRetention) {
        return PUT_RETURN_CODE_NOT_PUT; // restoration: the version is already out of the history
      }
      laterFrom = min;
    }
    return laterFrom == Long.MIN_VALUE
        ? putWithNothingLater(buf, streamTime, key, value, timestamp)
        : putBefore(buf, streamTime, key, value, timestamp, laterFrom);
  }

  /** The row of {@code segment} covers {@code timestamp}: split the version there, or replace it. */
  private static long insertIntoRow(VersionedWriteBuffer buf, long streamTime, Segment segment, VersionedRow row,
      byte[] key, byte[] value, long timestamp) {
    int i = row.floorIndex(timestamp);
    long validTo = row.validTo(i);
    if (row.validFrom(i) == timestamp) {
      row.set(i, timestamp, value);
    } else {
      long ownSegment = buf.segments().segmentId(timestamp);
      if (ownSegment != segment.id()) {
        // version i now ends at timestamp, which belongs to an older segment: move it there
        Segment older = buf.liveSegment(ownSegment, streamTime);
        if (older != null) {
          appendToRow(buf, older, key, row.validFrom(i), timestamp, row.value(i));
        }
        row.set(i, timestamp, value);
      } else {
        row.insert(i + 1, timestamp, value);
      }
    }
    buf.putRow(segment, key, row);
    return validTo;
  }

  /** No version after {@code timestamp}: a value becomes the latest, a delete a tombstone row. */
  private static long putWithNothingLater(VersionedWriteBuffer buf, long streamTime, byte[] key, byte[] value,
      long timestamp) {
    if (value != null) {
      buf.putLatest(key, LatestValue.encode(timestamp, value));
      return PUT_RETURN_CODE_VALID_TO_UNDEFINED;
    }
    Segment segment = buf.liveSegment(buf.segments().segmentId(timestamp), streamTime);
    if (segment == null) {
      return PUT_RETURN_CODE_NOT_PUT;
    }
    byte[] raw = buf.row(segment, key);
    if (raw == null) {
      buf.putRow(segment, key, VersionedRow.of(timestamp, null, timestamp)); // degenerate
    } else if (VersionedRow.next(raw) != timestamp) { // equal: the row already ends with this delete
      VersionedRow row = VersionedRow.decode(raw);
      row.appendLatest(row.next(), timestamp, null);
      buf.putRow(segment, key, row);
    }
    return PUT_RETURN_CODE_VALID_TO_UNDEFINED;
  }

  /** The earliest later version starts at {@code validTo}: the new version ends there. */
  private static long putBefore(VersionedWriteBuffer buf, long streamTime, byte[] key, byte[] value, long timestamp,
      long validTo) {
    Segment segment = buf.liveSegment(buf.segments().segmentId(validTo), streamTime);
    if (segment == null) {
      return PUT_RETURN_CODE_NOT_PUT;
    }
    byte[] raw = buf.row(segment, key);
    VersionedRow row;
    if (raw == null) {
      row = VersionedRow.of(timestamp, value, validTo);
    } else {
      row = VersionedRow.decode(raw);
      if (row.next() <= timestamp) { // a row that ends before it, past a degenerate one
        row.appendLatest(timestamp, validTo, value);
      } else {
        row.prependEarliest(timestamp, value);
      }
    }
    buf.putRow(segment, key, row);
    return validTo;
  }

  private static void appendToRow(VersionedWriteBuffer buf, Segment segment, byte[] key, long validFrom,
      long validTo, byte[] value) {
    byte[] raw = buf.row(segment, key);
    VersionedRow row;
    if (raw == null) {
      row = VersionedRow.of(validFrom, value, validTo);
    } else {
      row = VersionedRow.decode(raw);
      row.appendLatest(validFrom, validTo, value);
    }
    buf.putRow(segment, key, row);
  }
}
