package io.stratadb;

import io.stratadb.util.Coding;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An ordered group of puts and deletes that {@link Db#write(WriteBatch)} applies atomically: all
 * of it becomes visible at once, and after a crash either all of it or none of it is recovered.
 * Later operations on the same key win over earlier ones in the same batch, as in LevelDB.
 *
 * <p>Keys and values are copied when added into one growable byte array (LevelDB's {@code
 * WriteBatch} rep), so callers may reuse their arrays, a batch costs no allocation per operation,
 * and a batch reused through {@link #clear()} none at all once its array is large enough. Each
 * operation is stored as {@code type (1 byte) | key length (fixed32) | value length (fixed32) |
 * key | value}; this layout lives only in memory (the WAL has its own, {@code docs/format.md}).
 *
 * <p>Not thread-safe: build a batch in one thread, then hand it to {@link Db#write(WriteBatch)}.
 */
public final class WriteBatch {

  /** Receives the operations of a batch, in the order they were added, as fresh arrays. */
  public interface Handler {
    /**
     * A put of {@code value} under {@code key}.
     *
     * @param key the key, a fresh copy the handler may keep
     * @param value the value, a fresh copy the handler may keep
     */
    void put(byte[] key, byte[] value);

    /**
     * A delete of {@code key}.
     *
     * @param key the key, a fresh copy the handler may keep
     */
    void delete(byte[] key);
  }

  /**
   * Receives the operations of a batch, in the order they were added, as views into the batch's
   * own array, without copies. The viewed bytes must not be modified, and are valid only during
   * the call.
   */
  public interface View {
    /**
     * A put: the key is {@code buf[keyOffset, keyOffset + keyLength)}, the value likewise.
     *
     * @param buf the batch's own array; valid only during the call, never to be modified
     * @param keyOffset the key's first byte in {@code buf}
     * @param keyLength the key's length in bytes
     * @param valueOffset the value's first byte in {@code buf}
     * @param valueLength the value's length in bytes, possibly 0
     */
    void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength);

    /**
     * A delete of the key {@code buf[keyOffset, keyOffset + keyLength)}.
     *
     * @param buf the batch's own array; valid only during the call, never to be modified
     * @param keyOffset the key's first byte in {@code buf}
     * @param keyLength the key's length in bytes
     */
    void delete(byte[] buf, int keyOffset, int keyLength);
  }

  private static final byte PUT = 1;
  private static final byte DELETE = 0;
  /** Type byte and two fixed32 lengths before each operation's key. */
  private static final int ENTRY_HEADER_BYTES = 9;
  /** Per-operation overhead counted by {@link #approximateSizeInBytes()} (as the WAL's varints). */
  private static final int PUT_OVERHEAD = 12;
  private static final int DELETE_OVERHEAD = 8;

  private byte[] rep = new byte[0];
  private int size;
  private int count;
  private long approximateSize;
  private int deletes;

  /** Creates an empty batch. */
  public WriteBatch() {}

  /**
   * Adds a put of {@code value} under {@code key}.
   *
   * @param key the key; copied into the batch
   * @param value the value, possibly empty; copied into the batch
   * @return this batch, for chaining
   * @throws NullPointerException if either is null
   * @throws IllegalArgumentException if the batch would exceed 2 GiB (nothing is added)
   */
  public WriteBatch put(byte[] key, byte[] value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    add(PUT, key, value);
    approximateSize += key.length + value.length + PUT_OVERHEAD;
    return this;
  }

  /**
   * Adds a delete of {@code key}.
   *
   * @param key the key; copied into the batch
   * @return this batch, for chaining
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalArgumentException if the batch would exceed 2 GiB (nothing is added)
   */
  public WriteBatch delete(byte[] key) {
    Objects.requireNonNull(key, "key");
    add(DELETE, key, null);
    approximateSize += key.length + DELETE_OVERHEAD;
    deletes++;
    return this;
  }

  /**
   * Adds a put of the bytes remaining in {@code value} under the bytes remaining in {@code key}
   * (from each buffer's position to its limit), copied straight from the buffers (heap or direct)
   * into the batch: no intermediate {@code byte[]}. Both are read as they are at the call (absolute
   * reads, as RocksJava's {@code WriteBatch.put(ByteBuffer, ByteBuffer)} does), then both buffers'
   * positions are set to their limits; nothing else of them changes. So one buffer passed as both
   * gives its remaining bytes as the key and as the value, and overlapping views of one buffer
   * each give their own remaining bytes.
   *
   * @param key the key's bytes, position to limit
   * @param value the value's bytes, position to limit
   * @return this batch, for chaining
   * @throws NullPointerException if either is null
   * @throws IllegalArgumentException if the batch would exceed 2 GiB (nothing is added, and the
   *     positions do not move)
   */
  public WriteBatch put(ByteBuffer key, ByteBuffer value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    int keyLength = key.remaining();
    int valueLength = value.remaining();
    int at = reserve(PUT, keyLength, valueLength);
    key.get(key.position(), rep, at, keyLength);
    value.get(value.position(), rep, at + keyLength, valueLength);
    key.position(key.limit());
    value.position(value.limit());
    approximateSize += keyLength + valueLength + PUT_OVERHEAD;
    return this;
  }

  private void add(byte type, byte[] key, byte[] value) {
    int valueLength = value == null ? 0 : value.length;
    int at = reserve(type, key.length, valueLength);
    System.arraycopy(key, 0, rep, at, key.length);
    if (value != null) {
      System.arraycopy(value, 0, rep, at + key.length, valueLength);
    }
  }

  /**
   * Appends an operation's header, grows the array for its key and value, and counts it.
   *
   * @return the offset in {@link #rep} where the key goes, the value right after it
   */
  private int reserve(byte type, int keyLength, int valueLength) {
    long needed = (long) size + ENTRY_HEADER_BYTES + keyLength + valueLength;
    if (needed > rep.length) {
      if (needed > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("write batch would exceed 2 GiB");
      }
      rep = Arrays.copyOf(rep, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, 2L * rep.length)));
    }
    rep[size] = type;
    Coding.putFixed32(rep, size + 1, keyLength);
    Coding.putFixed32(rep, size + 5, valueLength);
    int at = size + ENTRY_HEADER_BYTES;
    size = (int) needed;
    count++;
    return at;
  }

  /** {@return the number of operations in the batch} */
  public int count() {
    return count;
  }

  /**
   * {@return the number of deletes in the batch} {@link #count()} minus this is the number of puts.
   */
  public int deleteCount() {
    return deletes;
  }

  /** {@return the approximate encoded (WAL) size of the batch, in bytes} */
  public long approximateSizeInBytes() {
    return approximateSize;
  }

  /**
   * Removes every operation; the batch keeps its array, grown to its largest contents so far, for
   * the next ones (drop a batch a rare large write grew, see {@link #capacityBytes()}).
   */
  public void clear() {
    size = 0;
    count = 0;
    approximateSize = 0;
    deletes = 0;
  }

  /**
   * Bytes of the array the batch holds, whether used or not; lets a caller that reuses a batch
   * drop one grown by a rare large write.
   *
   * @return the array's length in bytes
   */
  public int capacityBytes() {
    return rep.length;
  }

  /**
   * Calls {@code handler} for every operation in insertion order, with fresh copies of the bytes.
   *
   * @param handler called once per operation, on the calling thread
   */
  public void forEach(Handler handler) {
    forEach(new View() {
      @Override
      public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        handler.put(Arrays.copyOfRange(buf, keyOffset, keyOffset + keyLength),
            Arrays.copyOfRange(buf, valueOffset, valueOffset + valueLength));
      }

      @Override
      public void delete(byte[] buf, int keyOffset, int keyLength) {
        handler.delete(Arrays.copyOfRange(buf, keyOffset, keyOffset + keyLength));
      }
    });
  }

  /**
   * Calls {@code view} for every operation in insertion order, without copying (see {@link View}).
   *
   * @param view called once per operation, on the calling thread
   */
  public void forEach(View view) {
    byte[] b = rep;
    int at = 0;
    while (at < size) {
      int keyLength = Coding.getFixed32(b, at + 1);
      int valueLength = Coding.getFixed32(b, at + 5);
      int key = at + ENTRY_HEADER_BYTES;
      if (b[at] == PUT) {
        view.put(b, key, keyLength, key + keyLength, valueLength);
      } else {
        view.delete(b, key, keyLength);
      }
      at = key + keyLength + valueLength;
    }
  }
}
