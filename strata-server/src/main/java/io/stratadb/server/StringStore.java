package io.stratadb.server;

import io.stratadb.Db;
import io.stratadb.WriteBatch;
import io.stratadb.server.ValueCodec.StoredValue;
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
    byte[] stored = db.get(key);
    return stored == null ? null : live(stored);
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

  /** Deletes {@code key}; returns whether a live value was there. */
  boolean delete(byte[] key) {
    boolean existed = get(key) != null;
    if (existed) {
      db.delete(key);
    }
    return existed;
  }
}
