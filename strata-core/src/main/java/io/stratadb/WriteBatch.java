package io.stratadb;

import java.util.Arrays;
import java.util.Objects;

/**
 * An ordered group of puts and deletes that {@link Db#write(WriteBatch)} applies atomically: all
 * of it becomes visible at once, and after a crash either all of it or none of it is recovered.
 * Later operations on the same key win over earlier ones in the same batch, as in LevelDB.
 *
 * <p>Keys and values are copied when added, so callers may reuse their arrays. Not thread-safe:
 * build a batch in one thread, then hand it to {@link Db#write(WriteBatch)}.
 */
public final class WriteBatch {

  /** Receives the operations of a batch, in the order they were added. */
  public interface Handler {
    /** A put of {@code value} under {@code key}. */
    void put(byte[] key, byte[] value);

    /** A delete of {@code key}. */
    void delete(byte[] key);
  }

  private static final byte[][] NONE = new byte[0][];

  /** The key of each operation, in {@code [0, count)}; grown by doubling from one slot. */
  private byte[][] keys = NONE;
  /** The value of each operation, or {@code null} for a delete. */
  private byte[][] values = NONE;
  private int count;

  private long approximateSize;
  private int deletes;

  /** Creates an empty batch. */
  public WriteBatch() {}

  /**
   * Adds a put of {@code value} under {@code key}.
   *
   * @return this batch, for chaining
   * @throws NullPointerException if either is null
   */
  public WriteBatch put(byte[] key, byte[] value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    add(key.clone(), value.clone());
    approximateSize += key.length + value.length + 12;
    return this;
  }

  /**
   * Adds a delete of {@code key}.
   *
   * @return this batch, for chaining
   * @throws NullPointerException if {@code key} is null
   */
  public WriteBatch delete(byte[] key) {
    Objects.requireNonNull(key, "key");
    add(key.clone(), null);
    approximateSize += key.length + 8;
    deletes++;
    return this;
  }

  private void add(byte[] key, byte[] value) {
    if (count == keys.length) {
      // A single put (the common batch, made by Db.put) costs two one-slot arrays.
      int capacity = Math.max(1, count * 2);
      keys = Arrays.copyOf(keys, capacity);
      values = Arrays.copyOf(values, capacity);
    }
    keys[count] = key;
    values[count] = value;
    count++;
  }

  /** Number of operations in the batch. */
  public int count() {
    return count;
  }

  /** Number of deletes in the batch; {@link #count()} minus this is the number of puts. */
  public int deleteCount() {
    return deletes;
  }

  /** Approximate encoded size of the batch, in bytes. */
  public long approximateSizeInBytes() {
    return approximateSize;
  }

  /** Removes every operation. */
  public void clear() {
    Arrays.fill(keys, 0, count, null);
    Arrays.fill(values, 0, count, null);
    count = 0;
    approximateSize = 0;
    deletes = 0;
  }

  /**
   * Calls {@code handler} for every operation in insertion order. The arrays passed are the
   * batch's own: the handler must not modify them.
   */
  public void forEach(Handler handler) {
    for (int i = 0; i < count; i++) {
      byte[] value = values[i];
      if (value == null) {
        handler.delete(keys[i]);
      } else {
        handler.put(keys[i], value);
      }
    }
  }
}
