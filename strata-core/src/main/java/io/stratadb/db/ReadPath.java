package io.stratadb.db;

import io.stratadb.Bound;
import io.stratadb.DbIterator;
import io.stratadb.ReadOptions;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.LsmIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.iterator.SeekPool;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.manifest.SeekBudget;
import io.stratadb.memtable.Memtable;
import io.stratadb.util.Hash64;
import io.stratadb.sstable.TableCache;
import io.stratadb.statistics.Statistics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The read state and the reads made from it (Pebble's {@code read_state.go}, LevelDB's {@code
 * DBImpl::Get} and {@code NewIterator}): a read pins the published {@link DbState}'s version,
 * then reads the last sequence (or its snapshot's), so every write the sequence sees is in the
 * pinned memtables or tables; memtables are read newest first, then the version's tables.
 *
 * <p>Thread safety: thread-safe and lock-free; the only lock a read may take is the DB mutex for
 * a moment, to hand a table that ran out of seeks to the compaction threads.
 */
final class ReadPath {
  private final DbImpl db;
  private final TableCache tableCache;
  private final Statistics statistics;
  private final SnapshotList snapshots;
  /** Charged by lookups that read tables in vain; null when seek compaction is off. */
  private final SeekBudget seekBudget;
  /** Threads for iterators opened with {@link ReadOptions#parallelSeek()}; started on first use. */
  private final SeekPool seekPool = new SeekPool();

  ReadPath(DbImpl db, TableCache tableCache, Statistics statistics, SnapshotList snapshots, SeekBudget seekBudget) {
    this.db = db;
    this.tableCache = tableCache;
    this.statistics = statistics;
    this.snapshots = snapshots;
    this.seekBudget = seekBudget;
  }

  /** Pins the current state's version; the caller releases it. */
  private DbState acquireState() {
    while (true) {
      DbState s = db.state();
      if (s.version().tryRetain()) {
        return s;
      }
    }
  }

  /**
   * Pins the current state's version and memtables, for an iterator: a memtable it reads stays
   * charged to the memory budget after its flush until the iterator closes. The caller releases
   * them with {@link #releaseIteratorState} (or hands them to {@link #openSources}).
   */
  private DbState acquireIteratorState() {
    while (true) {
      DbState s = acquireState();
      List<Memtable> memtables = s.memtablesNewestFirst();
      int retained = 0;
      while (retained < memtables.size() && memtables.get(retained).tryRetain()) {
        retained++;
      }
      if (retained == memtables.size()) {
        return s;
      }
      // A flush dropped one since the state was read: release and read the newer state.
      for (int i = 0; i < retained; i++) {
        db.memtableBudget.release(memtables.get(i));
      }
      s.version().release();
    }
  }

  /** Releases what {@link #acquireIteratorState} pinned. */
  private void releaseIteratorState(DbState s) {
    try {
      for (Memtable m : s.memtablesNewestFirst()) {
        db.memtableBudget.release(m);
      }
    } finally {
      s.version().release();
    }
  }

  byte[] get(byte[] key, ReadOptions readOptions) {
    long start = statistics.startTimer();
    byte[] value = getUnrecorded(key, readOptions);
    statistics.recordGet(start, value);
    return value;
  }

  private byte[] getUnrecorded(byte[] key, ReadOptions readOptions) {
    if (key == null || readOptions == null) {
      throw new IllegalArgumentException("key and read options must not be null");
    }
    db.ensureOpen();
    // State before sequence: every write at or below the sequence is then either in these
    // memtables or newer than all of them (docs/architecture.md, "Read path").
    DbState s = acquireState();
    try {
      long sequence = readSequence(readOptions);
      long hash = Hash64.hash(key, 0, key.length); // one hash for every bloom filter on the way
      LookupResult r = s.memtable().get(key, hash, sequence);
      // Indexed, not memtablesNewestFirst(): a get allocates no list.
      for (int i = 0; !r.isDecided() && i < s.immutables().size(); i++) {
        r = s.immutables().get(i).get(key, hash, sequence);
      }
      if (r.isDecided()) {
        statistics.recordMemtableHit();
        return r.value(); // the memtable's value is already a fresh copy
      }
      byte[] value = s.version().get(key, hash, sequence, tableCache, seekBudget).value(); // a fresh copy too
      if (seekBudget != null && seekBudget.hasExhausted()) {
        db.background().requestSeekCompaction(seekBudget.takeExhausted());
      }
      return value;
    } finally {
      s.version().release();
    }
  }

  List<byte[]> multiGet(List<byte[]> keys, ReadOptions readOptions) {
    if (keys == null || readOptions == null) {
      throw new IllegalArgumentException("keys and read options must not be null");
    }
    byte[][] userKeys = keys.toArray(new byte[0][]);
    for (byte[] key : userKeys) {
      if (key == null) {
        throw new IllegalArgumentException("keys must not contain null");
      }
    }
    db.ensureOpen();
    DbState s = acquireState(); // state before sequence, as in get
    try {
      long sequence = readSequence(readOptions);
      LookupResult[] results = new LookupResult[userKeys.length];
      boolean[] inMemtable = new boolean[userKeys.length];
      for (Memtable m : s.memtablesNewestFirst()) {
        for (int i = 0; i < userKeys.length; i++) {
          if (results[i] == null) {
            LookupResult r = m.get(userKeys[i], sequence);
            if (r.isDecided()) {
              results[i] = r;
              inMemtable[i] = true;
              statistics.recordMemtableHit();
            }
          }
        }
      }
      s.version().multiGet(userKeys, sequence, results, tableCache);
      List<byte[]> values = new ArrayList<>(userKeys.length);
      for (int i = 0; i < results.length; i++) {
        LookupResult r = results[i];
        // A memtable value is a fresh array; an SSTable lookup shares its iterator across keys.
        byte[] value = r == null ? null : inMemtable[i] ? r.value() : copy(r.value());
        statistics.recordGetResult(value);
        values.add(value);
      }
      return values;
    } finally {
      s.version().release();
    }
  }

  private static byte[] copy(byte[] value) {
    return value == null ? null : value.clone();
  }

  /** The sequence a read with {@code readOptions} uses. Call after {@link #acquireState()}. */
  private long readSequence(ReadOptions readOptions) {
    if (readOptions.snapshot() == null) {
      return db.lastSequence();
    }
    if (!(readOptions.snapshot() instanceof SnapshotList.DbSnapshot snapshot) || !snapshot.belongsTo(snapshots)) {
      throw new IllegalArgumentException("snapshot " + readOptions.snapshot() + " belongs to another database");
    }
    if (snapshot.isClosed()) {
      throw new IllegalStateException("snapshot " + snapshot + " is closed");
    }
    return snapshot.sequence();
  }

  /**
   * Sequence number of the newest entry (put or tombstone) of {@code key} in memtables and
   * SSTables, 0 if none. Exact while no write runs (the transaction validation slot).
   */
  long latestSequence(byte[] key) {
    DbState s = acquireState();
    try {
      for (Memtable m : s.memtablesNewestFirst()) {
        LookupResult r = m.get(key, InternalKey.MAX_SEQUENCE);
        if (r.isDecided()) {
          return r.sequence();
        }
      }
      return s.version().get(key, InternalKey.MAX_SEQUENCE, tableCache).sequence();
    } finally {
      s.version().release();
    }
  }

  /**
   * Whether any entry with a user key in {@code [lower, upper]} has a sequence number above
   * {@code sequence}. Reads every entry of the range in memtables and SSTables: a serializable
   * transaction's scans cost as much again at commit.
   */
  boolean rangeChangedAfter(Bound lower, Bound upper, long sequence) {
    try (InternalIterator it = openSources(acquireIteratorState(), null)) {
      if (lower.isUnbounded()) {
        it.seekToFirst();
      } else {
        it.seek(InternalKey.forSeek(lower.key(), InternalKey.MAX_SEQUENCE));
      }
      for (; it.isValid(); it.next()) {
        byte[] userKey = InternalKey.userKey(it.key());
        if (!upper.admitsAsUpper(userKey)) {
          return false;
        }
        if (lower.admitsAsLower(userKey) && InternalKey.sequence(it.key()) > sequence) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * An iterator over {@code [lower, upper]} at the read options' sequence; positioned at the first
   * entry when {@code position}.
   */
  DbIterator iterator(Bound lower, Bound upper, ReadOptions readOptions, boolean position) {
    long start = statistics.startTimer();
    db.ensureOpen();
    LsmIterator it;
    Executor seekExecutor = readOptions.parallelSeek() ? seekPool.executor() : null;
    if (readOptions.autoRefreshMillis() == 0) {
      // State before sequence, as in get: the pinned state holds every write the sequence sees.
      DbState s = acquireIteratorState();
      long sequence;
      try {
        sequence = readSequence(readOptions);
      } catch (RuntimeException e) {
        releaseIteratorState(s);
        throw e;
      }
      it = new LsmIterator(openSources(s, seekExecutor), sequence, lower, upper, () -> { }, db::ensureOpen);
    } else {
      // Registered like a snapshot (the sequence is read under the list's lock), so compaction
      // keeps what the sequence sees in every state the iterator refreshes to.
      SnapshotList.DbSnapshot registration = snapshots.take(() -> readSequence(readOptions));
      try {
        it = new LsmIterator(() -> openSources(acquireIteratorState(), seekExecutor),
            TimeUnit.MILLISECONDS.toNanos(readOptions.autoRefreshMillis()), System::nanoTime,
            registration.sequence(), lower, upper, registration::close, db::ensureOpen);
      } catch (RuntimeException e) {
        registration.close();
        throw e;
      }
    }
    if (position) {
      try {
        it.seekToFirst();
      } catch (RuntimeException e) {
        it.close();
        throw e;
      }
    }
    statistics.recordIterator(start);
    return it;
  }

  /**
   * The merged iterator over {@code s}'s memtables and tables. Takes over the references of {@link
   * #acquireIteratorState} to {@code s}'s version and memtables: closing the iterator (or a failure
   * here) releases them. Its seeks run on {@code seekExecutor} (null: on the calling thread).
   */
  private InternalIterator openSources(DbState s, Executor seekExecutor) {
    try {
      // One heap over every source, newest first: memtables, then the version's tables.
      List<InternalIterator> sources = new ArrayList<>();
      for (Memtable m : s.memtablesNewestFirst()) {
        sources.add(m.iterator());
      }
      sources.addAll(s.version().iterators(tableCache));
      return new MergingIterator(sources, () -> releaseIteratorState(s), seekExecutor);
    } catch (RuntimeException e) {
      releaseIteratorState(s);
      throw e;
    }
  }

  /** Stops the parallel-seek threads. */
  void close() {
    seekPool.close();
  }
}
