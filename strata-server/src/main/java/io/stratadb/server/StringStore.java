package io.stratadb.server;

import io.stratadb.Db;
import io.stratadb.ReadOptions;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import io.stratadb.server.ValueCodec.StoredValue;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Redis strings with optional TTL over a {@link Db}: values are stored in the database's {@link
 * ValueFormat} ({@link ValueCodec}'s header, or plain values without TTLs), and a value whose expiry has passed reads as absent whether or not compaction has dropped
 * it yet ({@link TtlCompactionFilter}). Expired values are not deleted on read: a lazy delete would
 * be a second write on the read path, and compaction removes them anyway.
 *
 * <p>Atomicity: methods that write expect the caller to hold the key's stripe in {@link
 * #locks()}; {@link #get} needs no lock.
 *
 * <p>Durability: every write goes through this class, with the {@link WriteOptions} of the
 * server's {@link WalSync} mode (a sync write for {@link WalSync#ALWAYS}); for {@link
 * WalSync#EVERYSEC} the {@link WalSyncer} calls {@link Db#syncWal} once a second.
 *
 * <p>Thread-safe. Engine exceptions ({@link io.stratadb.DbClosedException}, {@link
 * io.stratadb.StrataIOException}, {@link IllegalArgumentException} for a key or value over the
 * engine's limits) propagate unchanged.
 */
@SuppressWarnings("try") // lock scope: try (KeyLocks.Held ignored = ...) releases the stripe
final class StringStore {

  private final Db db;
  private final LongSupplier clockMillis;
  private final KeyLocks locks = new KeyLocks();
  private final WriteOptions writeOptions;
  private final ValueFormat format;
  /** Where writes are committed on a cluster node, or null: to {@link #db} (a single server). */
  private final Replication replication;

  /** A store of {@link ValueFormat#TTL} values whose writes are not synced ({@link WalSync#NO}); tests use it. */
  StringStore(Db db, LongSupplier clockMillis) {
    this(db, clockMillis, WalSync.NO);
  }

  /** A store of {@link ValueFormat#TTL} values; tests use it. */
  StringStore(Db db, LongSupplier clockMillis, WalSync walSync) {
    this(db, clockMillis, walSync, ValueFormat.TTL, null);
  }

  /**
   * @param walSync {@link WalSync#ALWAYS} makes every write a sync write
   * @param format how the database stores values ({@link ValueFormat#openForServer})
   * @param replication where writes are committed (a cluster node), or null to write to {@code db}
   */
  StringStore(Db db, LongSupplier clockMillis, WalSync walSync, ValueFormat format, Replication replication) {
    this.db = db;
    this.clockMillis = clockMillis;
    this.writeOptions = WriteOptions.of(walSync == WalSync.ALWAYS);
    this.format = format;
    this.replication = replication;
  }

  /** Whether writes go through a {@link Replication} (then writers record what they read). */
  boolean replicated() {
    return replication != null;
  }

  /**
   * On a cluster node, returns once the local database sees every write committed before the
   * call ({@link Replication#awaitReadable}); on a single server at once.
   *
   * @throws RuntimeException as {@link Replication#awaitReadable} throws it
   */
  void awaitReadable() {
    if (replication != null) {
      replication.awaitReadable();
    }
  }

  /** How the database stores values. */
  ValueFormat format() {
    return format;
  }

  /**
   * The stored value for the user's {@code value} and expiry.
   *
   * @throws RedisError if the expiry is set on a {@link ValueFormat#PLAIN} database
   */
  byte[] encode(byte[] value, long expireAtMillis) {
    try {
      return format.encode(value, expireAtMillis);
    } catch (IllegalArgumentException e) {
      throw new RedisError("ERR " + e.getMessage());
    }
  }

  /** Where the user's bytes start in a value {@link #getStored} returned. */
  int valueOffset(byte[] stored) {
    return format.valueOffset(stored);
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
    byte[] stored = ValueFormat.isMarker(key) ? null : db.get(key, options);
    return stored == null ? null : live(stored);
  }

  /**
   * The live value of {@code key} as stored, header and all ({@link ValueCodec}), or null if it is
   * absent or expired: GET's path, which sends the user's bytes out of this array without copying
   * them ({@link #valueOffset}).
   *
   * @throws RedisError if the stored value is not in the server's format
   */
  byte[] getStored(byte[] key) {
    byte[] stored = ValueFormat.isMarker(key) ? null : db.get(key);
    if (stored == null) {
      return null;
    }
    long expireAt;
    try {
      expireAt = format.expireAtMillis(stored);
    } catch (IllegalArgumentException e) {
      throw new RedisError("ERR " + e.getMessage());
    }
    return expireAt != ValueCodec.NO_EXPIRY && expireAt <= nowMillis() ? null : stored;
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
      out[i] = v == null || ValueFormat.isMarker(keys[i]) ? null : live(v);
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
      v = format.decode(stored);
    } catch (IllegalArgumentException e) {
      throw new RedisError("ERR " + e.getMessage());
    }
    return v.isExpiredAt(nowMillis()) ? null : v;
  }

  /**
   * Whether an entry (from an iterator) is one a client sees now: not the {@link
   * ValueFormat#MARKER_KEY}, not expired. Copies nothing.
   */
  boolean isLive(byte[] key, byte[] stored) {
    if (ValueFormat.isMarker(key)) {
      return false;
    }
    try {
      long expireAt = format.expireAtMillis(stored);
      return expireAt == ValueCodec.NO_EXPIRY || expireAt > nowMillis();
    } catch (IllegalArgumentException notOurs) {
      return true;
    }
  }

  /**
   * Refuses a write to the {@link ValueFormat#MARKER_KEY}, which no client reads (it reads as
   * absent) or writes: deleting or changing it would make the next start read the database in
   * the other format, serving values with their headers or stripping bytes of plain ones.
   *
   * @throws RedisError if {@code key} is the marker
   */
  static void refuseMarker(byte[] key) {
    if (ValueFormat.isMarker(key)) {
      throw new RedisError("ERR the key is reserved: it marks how strata serve stores values");
    }
  }

  /** Stores {@code value} under {@code key} with an expiry in epoch ms or {@link ValueCodec#NO_EXPIRY}. */
  void put(byte[] key, byte[] value, long expireAtMillis) {
    refuseMarker(key);
    write(new WriteBatch().put(key, encode(value, expireAtMillis)));
  }

  /** Deletes {@code key}. */
  void delete(byte[] key) {
    refuseMarker(key);
    write(new WriteBatch().delete(key));
  }

  /** Applies {@code batch} atomically, synced as the server's {@link WalSync} mode says. */
  void write(WriteBatch batch) {
    write(batch, List.of());
  }

  /**
   * Applies {@code batch} atomically: to the database, synced as the server's {@link WalSync} mode
   * says; or on a cluster node through {@link Replication#commit}, if {@code expected} still holds.
   *
   * @throws WriteConflictException on a cluster node, if an expectation failed (nothing applied)
   */
  void write(WriteBatch batch, List<Replication.Expectation> expected) {
    if (replication != null) {
      replication.commit(batch, expected);
      return;
    }
    db.write(batch, writeOptions);
  }
}
