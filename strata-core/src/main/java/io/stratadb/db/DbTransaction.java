package io.stratadb.db;

import io.stratadb.Bound;
import io.stratadb.DbIterator;
import io.stratadb.IsolationLevel;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.Transaction;
import io.stratadb.TransactionConflictException;
import io.stratadb.TransactionOptions;
import io.stratadb.WriteBatch;
import io.stratadb.util.PrintableKeys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An optimistic transaction (mini-lsm week 3; RocksDB's {@code OptimisticTransaction}): reads at a
 * registered snapshot, buffers writes in a sorted map, and at commit validates, inside the write
 * path's exclusive slot (so no other write can slip in between), that nothing it wrote (and, at
 * {@link IsolationLevel#SERIALIZABLE}, nothing it read or scanned) has a version newer than its
 * snapshot; then its writes go to the WAL and memtable as one write batch.
 *
 * <p>Not thread-safe (see {@link Transaction}).
 */
final class DbTransaction implements Transaction {
  /** Marks a buffered delete; compared by identity, so no user value can be mistaken for it. */
  static final byte[] DELETED = new byte[0];

  private final DbImpl db;
  private final TransactionOptions options;
  private final Snapshot snapshot;
  private final ReadOptions atSnapshot;
  private final TreeMap<byte[], byte[]> writes = new TreeMap<>(Arrays::compareUnsigned);
  private final TreeSet<byte[]> reads = new TreeSet<>(Arrays::compareUnsigned);
  private final List<Bound[]> scans = new ArrayList<>();
  private boolean ended;

  DbTransaction(DbImpl db, Snapshot snapshot, TransactionOptions options) {
    this.db = db;
    this.snapshot = snapshot;
    this.options = options;
    this.atSnapshot = ReadOptions.snapshot(snapshot);
  }

  @Override
  public byte[] get(byte[] key) {
    checkActive();
    db.writePath.checkKey(key);
    byte[] buffered = writes.get(key);
    if (buffered != null) {
      return buffered == DELETED ? null : buffered.clone();
    }
    if (options.isolation() == IsolationLevel.SERIALIZABLE) {
      reads.add(key.clone());
    }
    return db.get(key, atSnapshot);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkActive();
    db.writePath.checkKey(key);
    db.writePath.checkValue(value);
    writes.put(key.clone(), value.clone());
  }

  @Override
  public void delete(byte[] key) {
    checkActive();
    db.writePath.checkKey(key);
    writes.put(key.clone(), DELETED);
  }

  @Override
  public DbIterator scan(Bound lower, Bound upper) {
    checkActive();
    if (lower == null || upper == null) {
      throw new IllegalArgumentException("bounds must not be null (use Bound.unbounded())");
    }
    if (options.isolation() == IsolationLevel.SERIALIZABLE) {
      scans.add(new Bound[] {lower, upper});
    }
    NavigableMap<byte[], byte[]> inRange = new TreeMap<>(Arrays::compareUnsigned);
    for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
      if (lower.admitsAsLower(e.getKey()) && upper.admitsAsUpper(e.getKey())) {
        inRange.put(e.getKey(), e.getValue());
      }
    }
    TransactionIterator it = new TransactionIterator(inRange, db.scan(lower, upper, atSnapshot));
    it.seekToFirst();
    return it;
  }

  @Override
  public void commit() {
    checkActive();
    ended = true;
    try {
      if (writes.isEmpty()) {
        return;
      }
      WriteBatch batch = new WriteBatch();
      for (Map.Entry<byte[], byte[]> e : writes.entrySet()) {
        if (e.getValue() == DELETED) {
          batch.delete(e.getKey());
        } else {
          batch.put(e.getKey(), e.getValue());
        }
      }
      db.writePath.commitTransaction(batch, options.sync(), this::validate);
    } finally {
      snapshot.close();
    }
  }

  /** Throws if a key this transaction depends on changed after its snapshot. Runs alone. */
  private void validate() {
    long since = snapshot.sequence();
    for (byte[] key : writes.keySet()) {
      if (db.readPath.latestSequence(key) > since) {
        throw conflict("write-write conflict on key " + PrintableKeys.format(key));
      }
    }
    for (byte[] key : reads) {
      if (db.readPath.latestSequence(key) > since) {
        throw conflict("key " + PrintableKeys.format(key) + " read by the transaction changed");
      }
    }
    for (Bound[] range : scans) {
      if (db.readPath.rangeChangedAfter(range[0], range[1], since)) {
        throw conflict("range " + range[0] + ".." + range[1] + " scanned by the transaction changed");
      }
    }
  }

  private TransactionConflictException conflict(String what) {
    return new TransactionConflictException(what + " after snapshot " + snapshot.sequence());
  }

  @Override
  public void rollback() {
    checkActive();
    end();
  }

  @Override
  public long snapshotSequence() {
    return snapshot.sequence();
  }

  @Override
  public void close() {
    if (!ended) {
      end();
    }
  }

  private void end() {
    ended = true;
    writes.clear();
    reads.clear();
    scans.clear();
    snapshot.close();
  }

  private void checkActive() {
    if (ended) {
      throw new IllegalStateException("transaction has already committed or rolled back");
    }
  }

  @Override
  public String toString() {
    return "Transaction{" + options.isolation() + " at " + snapshot.sequence() + ", " + writes.size()
        + " writes" + (ended ? ", ended" : "") + "}";
  }
}
