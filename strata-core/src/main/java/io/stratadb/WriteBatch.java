package io.stratadb;

import java.util.ArrayList;
import java.util.List;
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

  private final List<byte[]> keys = new ArrayList<>();
  /** The value of each operation, or {@code null} for a delete. */
  private final List<byte[]> values = new ArrayList<>();

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
    keys.add(key.clone());
    values.add(value.clone());
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
    keys.add(key.clone());
    values.add(null);
    approximateSize += key.length + 8;
    deletes++;
    return this;
  }

  /** Number of operations in the batch. */
  public int count() {
    return keys.size();
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
    keys.clear();
    values.clear();
    approximateSize = 0;
    deletes = 0;
  }

  /**
   * Calls {@code handler} for every operation in insertion order. The arrays passed are the
   * batch's own: the handler must not modify them.
   */
  public void forEach(Handler handler) {
    for (int i = 0; i < keys.size(); i++) {
      byte[] value = values.get(i);
      if (value == null) {
        handler.delete(keys.get(i));
      } else {
        handler.put(keys.get(i), value);
      }
    }
  }
}
