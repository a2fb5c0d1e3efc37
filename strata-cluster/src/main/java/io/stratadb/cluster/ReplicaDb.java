package io.stratadb.cluster;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.DbStats;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.Transaction;
import io.stratadb.TransactionOptions;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A read-only view of a cluster node's local replica, for code written against {@link Db} (the
 * Redis front): it reads whichever database the state machine holds now (a snapshot install
 * replaces it), hides the state machine's reserved key ({@link EntryFormat#APPLIED_KEY}) from
 * gets and iterators, and refuses every write, since writes go through Raft. {@link #close()}
 * does nothing: the node owns the database.
 *
 * <p>Thread-safe, as {@link Db}. A call racing a snapshot install may throw {@link
 * io.stratadb.DbClosedException}.
 */
final class ReplicaDb implements Db {

  private final Supplier<Db> current;

  /** @param current the live database, asked at every call */
  ReplicaDb(Supplier<Db> current) {
    this.current = current;
  }

  /** Whether {@code key} is the state machine's own. */
  static boolean isReserved(byte[] key) {
    return Arrays.equals(key, EntryFormat.APPLIED_KEY);
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("a cluster node's replica is written only through Raft");
  }

  @Override
  public void put(byte[] key, byte[] value) {
    throw readOnly();
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions options) {
    throw readOnly();
  }

  @Override
  public byte[] get(byte[] key) {
    return isReserved(key) ? null : current.get().get(key);
  }

  @Override
  public byte[] get(byte[] key, ReadOptions options) {
    return isReserved(key) ? null : current.get().get(key, options);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return hide(keys, current.get().multiGet(keys));
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys, ReadOptions options) {
    return hide(keys, current.get().multiGet(keys, options));
  }

  private static List<byte[]> hide(List<byte[]> keys, List<byte[]> values) {
    List<byte[]> out = null;
    for (int i = 0; i < keys.size(); i++) {
      if (isReserved(keys.get(i))) {
        if (out == null) {
          out = new ArrayList<>(values);
        }
        out.set(i, null);
      }
    }
    return out == null ? values : out;
  }

  @Override
  public Snapshot getSnapshot() {
    return current.get().getSnapshot();
  }

  @Override
  public Transaction beginTransaction() {
    throw readOnly();
  }

  @Override
  public Transaction beginTransaction(TransactionOptions options) {
    throw readOnly();
  }

  @Override
  public void delete(byte[] key) {
    throw readOnly();
  }

  @Override
  public void delete(byte[] key, WriteOptions options) {
    throw readOnly();
  }

  @Override
  public void write(WriteBatch batch) {
    throw readOnly();
  }

  @Override
  public void write(WriteBatch batch, WriteOptions options) {
    throw readOnly();
  }

  @Override
  public DbIterator newIterator() {
    return new HidingIterator(current.get().newIterator());
  }

  @Override
  public DbIterator newIterator(ReadOptions options) {
    return new HidingIterator(current.get().newIterator(options));
  }

  @Override
  public DbIterator scan(Bound lower, Bound upper, ReadOptions options) {
    return new HidingIterator(current.get().scan(lower, upper, options));
  }

  @Override
  public DbIterator scan(Bound lower, Bound upper) {
    return new HidingIterator(current.get().scan(lower, upper));
  }

  @Override
  public void flush() {
    current.get().flush();
  }

  @Override
  public void compactRange(byte[] lower, byte[] upper) {
    current.get().compactRange(lower, upper);
  }

  @Override
  public void checkpoint(Path dir) {
    current.get().checkpoint(dir);
  }

  @Override
  public DbStats stats() {
    return current.get().stats();
  }

  /** Does nothing: the cluster node closes its database. */
  @Override
  public void close() {}

  /** Steps over the reserved key in both directions. Not thread-safe, as any iterator. */
  private static final class HidingIterator implements DbIterator {
    private final DbIterator in;

    HidingIterator(DbIterator in) {
      this.in = in;
      skipForward(); // scan() returns a positioned iterator
    }

    private void skipForward() {
      if (in.isValid() && isReserved(in.key())) {
        in.next();
      }
    }

    private void skipBackward() {
      if (in.isValid() && isReserved(in.key())) {
        in.prev();
      }
    }

    @Override
    public void seekToFirst() {
      in.seekToFirst();
      skipForward();
    }

    @Override
    public void seek(byte[] target) {
      in.seek(target);
      skipForward();
    }

    @Override
    public boolean isValid() {
      return in.isValid();
    }

    @Override
    public byte[] key() {
      return in.key();
    }

    @Override
    public byte[] value() {
      return in.value();
    }

    @Override
    public void next() {
      in.next();
      skipForward();
    }

    @Override
    public void seekToLast() {
      in.seekToLast();
      skipBackward();
    }

    @Override
    public void seekForPrev(byte[] target) {
      in.seekForPrev(target);
      skipBackward();
    }

    @Override
    public void prev() {
      in.prev();
      skipBackward();
    }

    @Override
    public void close() {
      in.close();
    }
  }
}
