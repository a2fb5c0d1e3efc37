package io.stratadb.wal;

import io.stratadb.CorruptionException;
import io.stratadb.WriteBatch;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.util.ByteSink;
import io.stratadb.util.ByteSource;

/**
 * The payload of one WAL record: a write batch with its first sequence number (LevelDB's {@code
 * WriteBatch} rep, {@code db/write_batch.cc}). Version 1, documented in {@code docs/format.md}.
 *
 * <pre>
 *   sequence (fixed64) | count (fixed32) | count x entry
 *   entry: type (1 byte: 1 put, 0 delete) | key length (varint) | key | [value length (varint) | value]
 * </pre>
 *
 * The i-th entry gets sequence number {@code sequence + i}. Static helpers; thread-safe. The write
 * path encodes through a reusable {@link WalBatchEncoder} instead.
 */
public final class WalBatch {

  private WalBatch() {}

  /** Receives decoded entries with their sequence numbers. */
  public interface Visitor {
    /** One decoded entry; {@code value} is empty for deletes. */
    void entry(long sequence, ValueType type, byte[] key, byte[] value);
  }

  /** Encodes {@code batch} whose first entry gets {@code firstSequence}. */
  public static byte[] encode(long firstSequence, WriteBatch batch) {
    return encode(firstSequence, java.util.List.of(batch));
  }

  /**
   * Encodes several batches, in order, as one record (a commit group): the first entry of the
   * first batch gets {@code firstSequence}. Recovery applies the record whole or not at all.
   */
  public static byte[] encode(long firstSequence, java.util.List<WriteBatch> batches) {
    long size = 16;
    for (WriteBatch b : batches) {
      size += b.approximateSizeInBytes();
    }
    WalBatchEncoder encoder = new WalBatchEncoder();
    ByteSink sink = new ByteSink((int) Math.min(Integer.MAX_VALUE - 64, size));
    encoder.begin(sink, firstSequence);
    batches.forEach(encoder::append);
    encoder.finish();
    return sink.toByteArray();
  }

  /**
   * Decodes a record and passes each entry to {@code visitor}; entries are passed only after the
   * whole record decoded, so a malformed record applies nothing.
   *
   * @return the sequence number of the last entry
   * @throws CorruptionException if the record is malformed, including sequence numbers that do not
   *     fit an internal key (names {@code fileName} and {@code offset})
   */
  public static long decode(byte[] record, String fileName, long offset, Visitor visitor) {
    long sequence;
    int count;
    byte[][] keys;
    byte[][] values;
    ValueType[] types;
    try {
      ByteSource src = new ByteSource(record);
      sequence = src.getFixed64();
      count = src.getFixed32();
      if (count < 0 || count > record.length) {
        throw new CorruptionException(fileName, offset, "write batch count out of range: " + count);
      }
      if (sequence < 0 || sequence > InternalKey.MAX_SEQUENCE - Math.max(0, count - 1)) {
        throw new CorruptionException(fileName, offset, "write batch sequence out of range: " + sequence);
      }
      keys = new byte[count][];
      values = new byte[count][];
      types = new ValueType[count];
      for (int i = 0; i < count; i++) {
        types[i] = ValueType.fromCode(src.get());
        keys[i] = src.getLengthPrefixed();
        values[i] = types[i] == ValueType.PUT ? src.getLengthPrefixed() : new byte[0];
      }
      if (src.hasRemaining()) {
        throw new CorruptionException(fileName, offset, "trailing bytes after write batch");
      }
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      throw new CorruptionException(fileName, offset, "malformed write batch: " + e.getMessage());
    }
    for (int i = 0; i < count; i++) {
      visitor.entry(sequence + i, types[i], keys[i], values[i]);
    }
    return sequence + count - 1;
  }
}
