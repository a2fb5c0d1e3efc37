package io.stratadb.kafka;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.state.VersionedRecord;

/**
 * The old versions of one key held by one history segment of a versioned store: consecutive
 * versions {@code (validFrom, value)} in ascending {@code validFrom} order, each valid until the
 * next one's {@code validFrom}, the last until {@link #next()}. A null value is a tombstone (the
 * key was deleted over that interval). A segment holds a version when its {@code validTo} falls in
 * the segment's time range, so expiring a segment drops exactly the versions that ended before it.
 *
 * <p>One case breaks the strict order: a tombstone put while the key has no version the put can
 * see is kept as a "degenerate" row of that tombstone alone, with {@code validFrom == next} (it
 * has no end of its own; the segment is picked by its own time). Kafka's versioned store keeps the
 * same case the same way, which is what makes the two stores answer alike.
 *
 * <p>Encoding (the database value under the key in the segment's database):
 *
 * <pre>
 * next (8 bytes, big-endian)  validTo of the last version
 * count (4 bytes)             number of versions, at least 1
 * count x [ validFrom (8 bytes) | value length (4 bytes, -1 for a tombstone) ]   ascending
 * the values, concatenated in the same order
 * </pre>
 *
 * <p>Not thread-safe: a row is decoded, changed and encoded by one writer.
 */
final class VersionedRow {

  private static final int HEADER = 12;
  private static final int ENTRY = 12;

  private final List<Long> from = new ArrayList<>();
  private final List<byte[]> values = new ArrayList<>();
  private long next;

  private VersionedRow() {}

  /** A row of one version {@code [validFrom, validTo)}; {@code validFrom == validTo} with a null value is degenerate. */
  static VersionedRow of(long validFrom, byte[] value, long validTo) {
    VersionedRow row = new VersionedRow();
    row.reset(validFrom, value, validTo);
    return row;
  }

  /**
   * The {@code next} of an encoded row, without decoding it.
   *
   * @throws ProcessorStateException if {@code encoded} is too short to be a row
   */
  static long next(byte[] encoded) {
    return ByteBuffer.wrap(checkLength(encoded)).getLong(0);
  }

  /**
   * The first version's {@code validFrom} of an encoded row, without decoding it.
   *
   * @throws ProcessorStateException if {@code encoded} is too short to be a row
   */
  static long min(byte[] encoded) {
    return ByteBuffer.wrap(checkLength(encoded)).getLong(HEADER);
  }

  private static byte[] checkLength(byte[] encoded) {
    if (encoded.length < HEADER + ENTRY) {
      throw new ProcessorStateException("Malformed versioned store row of " + encoded.length + " bytes");
    }
    return encoded;
  }

  /**
   * Decodes a row.
   *
   * @throws ProcessorStateException if {@code encoded} is not a well-formed row
   */
  static VersionedRow decode(byte[] encoded) {
    try {
      ByteBuffer b = ByteBuffer.wrap(encoded);
      VersionedRow row = new VersionedRow();
      row.next = b.getLong();
      int count = b.getInt();
      if (count < 1 || count > (encoded.length - HEADER) / ENTRY) {
        throw new IllegalArgumentException("count " + count);
      }
      int[] lengths = new int[count];
      for (int i = 0; i < count; i++) {
        row.from.add(b.getLong());
        lengths[i] = b.getInt();
      }
      for (int i = 0; i < count; i++) {
        byte[] v = null;
        if (lengths[i] >= 0) {
          v = new byte[lengths[i]];
          b.get(v);
        }
        row.values.add(v);
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " trailing bytes");
      }
      return row;
    } catch (RuntimeException e) {
      throw new ProcessorStateException("Malformed versioned store row of " + encoded.length + " bytes", e);
    }
  }

  /** The encoded row. */
  byte[] encode() {
    int size = HEADER + ENTRY * from.size();
    for (byte[] v : values) {
      size += v == null ? 0 : v.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putLong(next).putInt(from.size());
    for (int i = 0; i < from.size(); i++) {
      b.putLong(from.get(i)).putInt(values.get(i) == null ? -1 : values.get(i).length);
    }
    for (byte[] v : values) {
      if (v != null) {
        b.put(v);
      }
    }
    return b.array();
  }

  long next() {
    return next;
  }

  long min() {
    return from.get(0);
  }

  private boolean degenerate() {
    return next == min();
  }

  long validFrom(int i) {
    return from.get(i);
  }

  byte[] value(int i) {
    return values.get(i);
  }

  long validTo(int i) {
    return i + 1 < from.size() ? from.get(i + 1) : next;
  }

  /** The index of the version valid at {@code timestamp}; requires {@code min() <= timestamp < next()}. */
  int floorIndex(long timestamp) {
    if (timestamp < min() || timestamp >= next) {
      throw new IllegalArgumentException("timestamp " + timestamp + " outside [" + min() + ", " + next + ")");
    }
    int i = from.size() - 1;
    while (from.get(i) > timestamp) {
      i--;
    }
    return i;
  }

  /** Replaces version {@code i} by {@code (validFrom, value)}; the caller keeps the order. */
  void set(int i, long validFrom, byte[] value) {
    from.set(i, validFrom);
    values.set(i, value);
  }

  /** Inserts {@code (validFrom, value)} at index {@code i}; the caller keeps the order. */
  void insert(int i, long validFrom, byte[] value) {
    from.add(i, validFrom);
    values.add(i, value);
  }

  /**
   * Adds {@code [validFrom, validTo)} after the last version. If {@code validFrom} is later than
   * {@link #next()}, the gap between them becomes a tombstone; if it is earlier (a previous put
   * that moved a version into this segment failed before it updated the newer one), the versions
   * from {@code validFrom} on are dropped first, which reconciles the two segments.
   */
  void appendLatest(long validFrom, long validTo, byte[] value) {
    if (validFrom < next) {
      while (!from.isEmpty() && from.get(from.size() - 1) >= validFrom) {
        from.remove(from.size() - 1);
        values.remove(values.size() - 1);
      }
      if (from.isEmpty()) {
        reset(validFrom, value, validTo);
        return;
      }
      next = validFrom;
    }
    if (degenerate()) {
      long tombstone = next;
      from.clear();
      values.clear();
      if (tombstone != validFrom) {
        from.add(tombstone);
        values.add(null);
      }
    } else if (next != validFrom) {
      from.add(next);
      values.add(null);
    }
    from.add(validFrom);
    values.add(value);
    next = validTo;
  }

  /**
   * Adds {@code (validFrom, value)} before the first version; requires {@code validFrom < min()}.
   * A degenerate row's tombstone becomes the new version's end.
   */
  void prependEarliest(long validFrom, byte[] value) {
    if (degenerate()) {
      reset(validFrom, value, next);
    } else {
      insert(0, validFrom, value);
    }
  }

  /**
   * The versions with a value that were valid at some time in {@code [fromTime, toTime]}, ascending,
   * each with its {@code validTo}.
   */
  List<VersionedRecord<byte[]>> versions(long fromTime, long toTime) {
    List<VersionedRecord<byte[]>> out = new ArrayList<>();
    for (int i = 0; i < from.size(); i++) {
      if (values.get(i) != null && from.get(i) <= toTime && validTo(i) > fromTime) {
        out.add(new VersionedRecord<>(values.get(i), from.get(i), validTo(i)));
      }
    }
    return out;
  }

  private void reset(long validFrom, byte[] value, long validTo) {
    from.clear();
    values.clear();
    from.add(validFrom);
    values.add(value);
    next = validTo;
  }
}
