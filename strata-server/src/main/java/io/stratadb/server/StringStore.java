package io.stratadb.server;

import io.stratadb.Db;
import io.stratadb.ReadOptions;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import io.stratadb.server.ValueCodec.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
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
 * <p>Durability: every write goes through this class, with the {@link WriteOptions} of the
 * server's {@link WalSync} mode (a sync write for {@link WalSync#ALWAYS}); for {@link
 * WalSync#EVERYSEC} the {@link WalSyncer} calls {@link #syncWal} once a second.
 *
 * <p>Thread-safe. Engine exceptions ({@link io.stratadb.DbClosedException}, {@link
 * io.stratadb.StrataIOException}, {@link IllegalArgumentException} for a key or value over the
 * engine's limits) propagate unchanged.
 */
@SuppressWarnings("try") // lock scope: try (KeyLocks.Held ignored = ...) releases the stripe
final class StringStore {

  /**
   * The key {@link #syncWal} rewrites with its own value (or deletes again if absent) in a sync
   * write; any key would do, as the write changes nothing a client can see.
   */
  static final byte[] WAL_SYNC_KEY = "strata-serve:wal-sync".getBytes(StandardCharsets.US_ASCII);

  private final Db db;
  private final LongSupplier clockMillis;
  private final KeyLocks locks = new KeyLocks();
  private final WriteOptions writeOptions;
  /** Where writes are committed on a cluster node, or null: to {@link #db} (a single server). */
  private final Replication replication;
  /** Whether a write may have reached the WAL since the last {@link #syncWal} without being synced. */
  private volatile boolean unsynced;

  /** A store whose writes are not synced ({@link WalSync#NO}); tests use it. */
  StringStore(Db db, LongSupplier clockMillis) {
    this(db, clockMillis, WalSync.NO);
  }

  /** @param walSync {@link WalSync#ALWAYS} makes every write a sync write */
  StringStore(Db db, LongSupplier clockMillis, WalSync walSync) {
    this(db, clockMillis, walSync, null);
  }

  /**
   * @param replication where writes are committed (a cluster node), or null to write to {@code db}
   */
  StringStore(Db db, LongSupplier clockMillis, WalSync walSync, Replication replication) {
    this.db = db;
    this.clockMillis = clockMillis;
    this.writeOptions = WriteOptions.of(walSync == WalSync.ALWAYS);
    this.replication = replication;
  }

  /** Whether writes go through a {@link Replication} (then writers record what they read). */
  boolean replicated() {
    return replication != null;
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
   * The live value of {@code key} as stored, header and all ({@link ValueCodec}), or null if it is
   * absent or expired: GET's path, which sends the user's bytes out of this array without copying
   * them ({@link ValueCodec#valueOffset}).
   *
   * @throws RedisError if the stored value is not in the server's format
   */
  byte[] getStored(byte[] key) {
    byte[] stored = db.get(key);
    if (stored == null) {
      return null;
    }
    long expireAt;
    try {
      expireAt = ValueCodec.expireAtMillis(stored);
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
    write(new WriteBatch().put(key, ValueCodec.encode(value, expireAtMillis)));
  }

  /** Deletes {@code key}. */
  void delete(byte[] key) {
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
    if (!writeOptions.sync()) {
      unsynced = true;
    }
  }

  /**
   * Makes every write acknowledged before this call durable, if some may not be: the engine's
   * public API has no call that only fsyncs the WAL, so this commits a sync write (which fsyncs
   * the WAL up to and including it) of {@link #WAL_SYNC_KEY}'s own value, or of a tombstone if it
   * is absent, under the key's stripe; no client sees a change.
   *
   * @return whether it wrote (false: nothing was written unsynced since the last call)
   * @throws io.stratadb.StrataException as the engine throws it (closed, failed)
   */
  boolean syncWal() {
    if (!unsynced) {
      return false;
    }
    unsynced = false; // before the sync: a write finishing after this sets it again
    try (KeyLocks.Held ignored = locks.lock(WAL_SYNC_KEY)) {
      byte[] current = db.get(WAL_SYNC_KEY);
      WriteBatch batch = current == null ? new WriteBatch().delete(WAL_SYNC_KEY) : new WriteBatch().put(WAL_SYNC_KEY, current);
      db.write(batch, WriteOptions.syncWrites());
    }
    return true;
  }
}
