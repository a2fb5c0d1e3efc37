package io.stratadb.db;

import io.stratadb.Snapshot;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The live snapshots of one database (LevelDB's {@code db/snapshot.h}), kept as a multiset of
 * sequence numbers so that compaction can ask for the oldest one. Thread-safe (its own monitor).
 */
final class SnapshotList {
  private final TreeMap<Long, Integer> live = new TreeMap<>();

  /** Registers a snapshot at the sequence {@code current} returns, read under this list's lock. */
  synchronized DbSnapshot take(LongSupplier current) {
    long sequence = current.getAsLong();
    live.merge(sequence, 1, Integer::sum);
    return new DbSnapshot(this, sequence);
  }

  private synchronized void release(long sequence) {
    live.computeIfPresent(sequence, (k, n) -> n == 1 ? null : n - 1);
  }

  /** The distinct sequence numbers of the live snapshots, ascending. */
  synchronized long[] sequences() {
    return live.keySet().stream().mapToLong(Long::longValue).toArray();
  }

  /** Number of live snapshots. */
  synchronized int size() {
    return live.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** A snapshot handed to users. */
  static final class DbSnapshot implements Snapshot {
    private final SnapshotList owner;
    private final long sequence;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DbSnapshot(SnapshotList owner, long sequence) {
      this.owner = owner;
      this.sequence = sequence;
    }

    @Override
    public long sequence() {
      return sequence;
    }

    /** Whether this snapshot was taken from {@code list}. */
    boolean belongsTo(SnapshotList list) {
      return owner == list;
    }

    boolean isClosed() {
      return closed.get();
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        owner.release(sequence);
      }
    }

    @Override
    public String toString() {
      return "Snapshot@" + sequence + (closed.get() ? " (closed)" : "");
    }
  }
}
