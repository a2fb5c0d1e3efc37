package io.stratadb.wal;

import io.stratadb.WriteBatch;
import io.stratadb.key.ValueType;
import io.stratadb.util.ByteSink;
import io.stratadb.util.Coding;

/**
 * Encodes one WAL record ({@link WalBatch}'s format, {@code docs/format.md}) batch by batch into a
 * caller's buffer, so the write path's leader encodes its group without building a list or
 * allocating per entry. The entry count is counted here and written into the header by {@link
 * #finish()}, as LevelDB's {@code WriteBatchInternal::SetCount} does, so it always matches the
 * entries. Reusable; not thread-safe (one leader at a time).
 */
public final class WalBatchEncoder implements WriteBatch.View {
  /** Offset of the fixed32 count in the record header, after the fixed64 sequence. */
  private static final int COUNT_OFFSET = 8;

  private ByteSink sink;
  private int count;

  /**
   * Resets {@code sink} and starts a record whose first entry gets {@code firstSequence}; the
   * record is {@code sink.array()[0, sink.size())} once {@link #finish()} returns.
   */
  public void begin(ByteSink sink, long firstSequence) {
    this.sink = sink;
    this.count = 0;
    sink.reset();
    sink.putFixed64(firstSequence).putFixed32(0);
  }

  /**
   * Appends every entry of {@code batch}.
   *
   * @throws IllegalStateException if no record was begun
   */
  public void append(WriteBatch batch) {
    if (sink == null) {
      throw new IllegalStateException("append before begin");
    }
    batch.forEach(this);
  }

  /**
   * Writes the entry count into the header and lets go of the buffer.
   *
   * @return the number of entries in the record
   * @throws IllegalStateException if no record was begun
   */
  public int finish() {
    if (sink == null) {
      throw new IllegalStateException("finish before begin");
    }
    Coding.putFixed32(sink.array(), COUNT_OFFSET, count);
    sink = null;
    return count;
  }

  /** Encodes one put (called through {@link WriteBatch#forEach(WriteBatch.View)}). */
  @Override
  public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
    sink.put(ValueType.PUT.code()).putVarint64(keyLength).put(buf, keyOffset, keyLength)
        .putVarint64(valueLength).put(buf, valueOffset, valueLength);
    count++;
  }

  /** Encodes one delete (called through {@link WriteBatch#forEach(WriteBatch.View)}). */
  @Override
  public void delete(byte[] buf, int keyOffset, int keyLength) {
    sink.put(ValueType.DELETE.code()).putVarint64(keyLength).put(buf, keyOffset, keyLength);
    count++;
  }
}
