package io.stratadb.server;

import io.stratadb.Db;
import io.stratadb.ReadOptions;
import io.stratadb.WriteBatch;
import io.stratadb.server.ValueCodec.StoredValue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Redis strings with optional TTL over a {@link Db}: values are stored in the {@link ValueCodec}
 * format, and a value whose expiry has passed reads as absent whether or not compaction has dropped
 * it yet ({@link TtlCompactionFilter}). Expired values are not deleted on read: a lazy delete would
 * be a second write on the read path, and compaction removes them anyway.
 *
 * <p>Atomicity: methods that write expect the caller to hold the key's stripe in {@link
 * #locks()}; {@link #get} needs no lock.
 *
 * <p>Thread-safe. Engine exceptions ({@link io.stratadb.DbClosedException}, {@link
 * io.stratadb.StrataIOException}, {@link IllegalArgumentException} for a key or value over the
 * engine's limits) propagate unchanged.
 */
final class StringStore {

  private final Db db;
  private final LongSupplier clockMillis;
  private final KeyLocks locks = new KeyLocks();

  StringStore(Db db, LongSupplier clockMillis) {
    this.db = db;
    this.clockMillis = clockMillis;
  }

  /** The database. */
  Db db() {
    return db;
  }

  /** The stripes writers hold. */
  KeyLocks locks() {
    return locks;
  }

  /** The current time in epoch ms, from the server's clock. */
  long nowMillis() {
    return clockMillis.getAsLong();
  }

  /**
   * The live value of {@code key}, or null if it is absent or expired.
   *
   * @throws RedisError if the stored value is not in the server's format
   */
  StoredValue get(byte[] key) {
    return get(key, ReadOptions.defaults());
  }

  /** As {@link #get(byte[])}, read with {@code options} (at a snapshot, for one). */
  StoredValue get(byte[] key, ReadOptions options) {
    byte[] stored = db.get(key, options);
    return stored == null ? null : live(stored);
  }

  /**
   * The live values of {@code keys}, read at one sequence number ({@link Db#multiGet}), so a
   * concurrent multi-key write is seen whole or not at all: one entry per key, null if absent or
   * expired.
   *
   * @throws RedisError if a stored value is not in the server's format
   */
  StoredValue[] getAll(byte[][] keys) {
    return getAll(keys, ReadOptions.defaults());
  }

  /** As {@link #getAll(byte[][])}, read with {@code options} (at a snapshot, for one). */
  StoredValue[] getAll(byte[][] keys, ReadOptions options) {
    List<byte[]> stored = db.multiGet(Arrays.asList(keys), options);
    StoredValue[] out = new StoredValue[keys.length];
    for (int i = 0; i < out.length; i++) {
      byte[] v = stored.get(i);
      out[i] = v == null ? null : live(v);
    }
    return out;
  }

  /**
   * Decodes a stored value, or null if it has expired.
   *
   * @throws RedisError if the stored value is not in the server's format
   */
  StoredValue live(byte[] stored) {
    StoredValue v;
    try {
      v = ValueCodec.decode(stored);
    } catch (IllegalArgumentException e) {
      throw new RedisError("ERR " + e.getMessage());
    }
    return v.isExpiredAt(nowMillis()) ? null : v;
  }

  /** Whether a stored value (from an iterator) is live now, without copying it. */
  boolean isLive(byte[] stored) {
    try {
      long expireAt = ValueCodec.expireAtMillis(stored);
      return expireAt == ValueCodec.NO_EXPIRY || expireAt > nowMillis();
    } catch (IllegalArgumentException notOurs) {
      return true;
    }
  }

  /** Stores {@code value} under {@code key} with an expiry in epoch ms or {@link ValueCodec#NO_EXPIRY}. */
  void put(byte[] key, byte[] value, long expireAtMillis) {
    db.put(key, ValueCodec.encode(value, expireAtMillis));
  }

  /** Stores several plain values atomically (one write batch). */
  void putAll(byte[][] keys, byte[][] values) {
    WriteBatch batch = new WriteBatch();
    for (int i = 0; i < keys.length; i++) {
      batch.put(keys[i], ValueCodec.encode(values[i], ValueCodec.NO_EXPIRY));
    }
    db.write(batch);
  }

  /**
   * Deletes those of {@code keys} that hold a live value, in one write batch (atomically); a key
   * given twice counts once.
   *
   * @return the number of distinct keys that held a live value
   */
  int deleteAll(byte[][] keys) {
    StoredValue[] values = getAll(keys);
    Set<ByteBuffer> seen = new HashSet<>();
    WriteBatch batch = new WriteBatch();
    int deleted = 0;
    for (int i = 0; i < keys.length; i++) {
      if (values[i] != null && seen.add(ByteBuffer.wrap(keys[i]))) {
        batch.delete(keys[i]);
        deleted++;
      }
    }
    if (deleted > 0) {
      db.write(batch);
    }
    return deleted;
  }
}
