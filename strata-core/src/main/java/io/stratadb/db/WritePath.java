package io.stratadb.db;

import io.stratadb.DbClosedException;
import io.stratadb.Options;
import io.stratadb.StrataException;
import io.stratadb.StrataIOException;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import io.stratadb.env.FileSystem;
import io.stratadb.manifest.FileNames;
import io.stratadb.memtable.Memtable;
import io.stratadb.statistics.Statistics;
import io.stratadb.util.ByteSink;
import io.stratadb.record.LogWriter;
import io.stratadb.wal.WalBatchEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The commit path (Pebble's {@code commit.go}, LevelDB's {@code DBImpl::Write} and {@code
 * MakeRoomForWrite}): validates writes, groups concurrent writers in the {@link WriteQueue}, and on
 * the group's leader appends one WAL record, inserts into the memtable and publishes the new last
 * sequence; applies write stalls and switches a full memtable to a new WAL.
 *
 * <p>Locking: the write queue's leadership guards {@link #wal}, {@link #walBuffer}, the encoder and
 * the inserter, and makes the leader the only thread that switches memtables. The leader takes
 * the DB mutex only to wait out a stall and to publish the switched state, never across WAL I/O.
 * Lock order: write leadership, then the manifest lock, then the DB mutex.
 */
final class WritePath {
  /** A WAL encode buffer grown past this by a large batch is dropped after use, in bytes. */
  private static final int MAX_RETAINED_WAL_BUFFER_BYTES = 4 << 20;
  /** A thread's reusable put/delete batch grown past this by a large value is dropped, in bytes. */
  private static final int MAX_RETAINED_SINGLE_WRITE_BYTES = 64 << 10;

  private final DbImpl db;
  private final Path dir;
  private final Options options;
  private final FileSystem fs;
  private final Statistics statistics;
  private final DbCounters counters;
  private final WriteQueue writeQueue = new WriteQueue();
  private final WriteController writeController;
  /** WALs switched away from, fsynced later (by a sync, or never once obsolete). */
  private final SwitchedWals switchedWals;

  // ---- Guarded by write leadership (see WriteQueue).
  /** The live WAL. */
  private LogWriter wal;
  /** Bytes of {@link #wal} known to be fsynced; 0 for a WAL never synced. */
  private long walSyncedBytes;
  /** The WAL record being encoded, reused across groups. */
  private ByteSink walBuffer = new ByteSink(4096);
  private final WalBatchEncoder walEncoder = new WalBatchEncoder();
  private MemtableInserter memtableInserter = new MemtableInserter(); // replaced by tests only
  /**
   * Whether the live WAL's last record marks where a run of writes without the WAL began (an empty
   * record at the run's first sequence number), so that recovery sees the gap they leave.
   */
  private boolean unloggedRunMarked;

  /**
   * Log number of the newest memtable given a write without the WAL, -1 if none since open: such
   * writes are durable once the manifest's log number passed it. Written by the leader only.
   */
  private volatile long unloggedLogNumber = -1;

  /** The leader's commit, made once (a method reference would be a new object per write). */
  private final Consumer<List<WriteQueue.Writer>> commitGroup = this::commitGroup;
  /**
   * Each thread's batch for {@code put} and {@code delete}, cleared and reused, so that a single
   * write allocates no batch and copies its key and value once before the memtable. A thread keeps
   * its batch (at most {@link #MAX_RETAINED_SINGLE_WRITE_BYTES} of array) after close until the
   * closed database is garbage: a {@code ThreadLocal} can only be cleared by its thread.
   */
  private final ThreadLocal<WriteBatch> singleWriteBatches = ThreadLocal.withInitial(WriteBatch::new);

  WritePath(DbImpl db, Path dir, Options options, Statistics statistics, DbCounters counters) {
    this.db = db;
    this.dir = dir;
    this.options = options;
    this.fs = options.fileSystem();
    this.statistics = statistics;
    this.counters = counters;
    this.writeController = new WriteController(options.backgroundTuning().delayedWriteRate(),
        options.l0SlowdownWritesTrigger(), options.l0StopWritesTrigger(), options.softPendingCompactionBytesLimit());
    this.switchedWals = new SwitchedWals(fs, dir, statistics);
  }

  /** Sets the WAL recovery created. REQUIRES: open, before any write. */
  void startWal(LogWriter first) {
    this.wal = first;
  }

  /** A live memtable backed by WAL {@code logNumber}, with the configured bloom filter and representation. */
  Memtable newMemtable(long logNumber) {
    return new Memtable(logNumber, (long) (options.writeBufferSize() * options.memtableBloomSizeRatio()),
        options.memtableRep(), db.memtableBudget.charger());
  }

  void put(byte[] key, byte[] value, WriteOptions writeOptions) {
    long start = statistics.startTimer();
    checkKey(key);
    checkValue(value);
    WriteBatch batch = singleWriteBatch();
    try {
      submit(batch.put(key, value), writeOptions);
    } finally {
      releaseSingleWriteBatch(batch);
    }
    statistics.recordPut(start);
  }

  void delete(byte[] key, WriteOptions writeOptions) {
    long start = statistics.startTimer();
    checkKey(key);
    WriteBatch batch = singleWriteBatch();
    try {
      submit(batch.delete(key), writeOptions);
    } finally {
      releaseSingleWriteBatch(batch);
    }
    statistics.recordDelete(start);
  }

  /** The calling thread's reusable put/delete batch, for tests. */
  WriteBatch singleWriteBatchForTest() {
    return singleWriteBatches.get();
  }

  /** This thread's empty reusable batch, or a new one if it is in use (a write made re-entrantly). */
  private WriteBatch singleWriteBatch() {
    WriteBatch batch = singleWriteBatches.get();
    return batch.count() == 0 ? batch : new WriteBatch();
  }

  private void releaseSingleWriteBatch(WriteBatch batch) {
    batch.clear();
    if (batch.capacityBytes() > MAX_RETAINED_SINGLE_WRITE_BYTES && singleWriteBatches.get() == batch) {
      singleWriteBatches.remove(); // a rare large value must not stay pinned to the thread
    }
  }

  void write(WriteBatch batch, WriteOptions writeOptions) {
    long start = statistics.startTimer();
    if (batch == null || writeOptions == null) {
      throw new IllegalArgumentException("batch and write options must not be null");
    }
    db.ensureOpen();
    batch.forEach(new WriteBatch.View() {
      @Override
      public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
        checkKeyLength(keyLength);
        checkValueLength(valueLength);
      }

      @Override
      public void delete(byte[] buf, int keyOffset, int keyLength) {
        checkKeyLength(keyLength);
      }
    });
    submit(batch, writeOptions);
    if (batch.count() > 0) { // an empty batch writes nothing
      statistics.recordWrite(start);
    }
  }

  /**
   * Fsyncs the WAL up to every write acknowledged before the call ({@code Db.syncWal}): an empty
   * sync writer in the write queue, so it shares one fsync with the sync writes grouped with it.
   */
  void syncWal() {
    db.ensureWritable();
    try {
      switchedWals.syncAll(); // the long fsyncs of whole switched WALs without holding up writers or switches
    } catch (IOException e) {
      throw db.setBackgroundError(new StrataIOException("WAL sync failed in " + dir, e));
    }
    writeQueue.write(new WriteBatch(), true, commitGroup);
  }

  /**
   * Closes, unsynced, the switched WALs numbered below {@code logNumber}, which the manifest no
   * longer needs. Called by the flush thread after it recorded {@code logNumber}.
   *
   * @throws IOException if closing one fails
   */
  void closeObsoleteWals(long logNumber) throws IOException {
    switchedWals.closeObsolete(logNumber);
  }

  /** Commits a validated batch in a write group. */
  private void submit(WriteBatch batch, WriteOptions writeOptions) {
    if (writeOptions == null) {
      throw new IllegalArgumentException("write options must not be null");
    }
    db.ensureWritable();
    if (batch.count() == 0) {
      return;
    }
    writeQueue.write(batch, writeOptions.sync(), !writeOptions.disableWal(), commitGroup);
  }

  /**
   * Commits a transaction's writes as one batch in a write group of its own, after {@code
   * validate} (its conflict check) ran with no other write in between.
   */
  void commitTransaction(WriteBatch batch, boolean sync, Runnable validate) {
    db.ensureWritable();
    writeQueue.writeAlone(batch, sync, validate, commitGroup);
  }

  /** Runs {@code action} while no write group runs (checkpoint, close). */
  void exclusive(Runnable action) {
    writeQueue.exclusive(action);
  }

  /**
   * Commits a write group: one WAL record (none for writes without the WAL), then the memtable.
   * Runs on the group's leader.
   */
  private void commitGroup(List<WriteQueue.Writer> group) {
    db.ensureWritable();
    boolean sync = group.get(0).sync;
    if (sync) { // what a sync acknowledges must not be behind unlogged writes a crash could lose
      flushUnloggedAsLeader();
    }
    long bytes = 0;
    int operations = 0;
    for (int i = 0; i < group.size(); i++) {
      bytes += group.get(i).batch.approximateSizeInBytes();
      operations += group.get(i).batch.count();
    }
    if (operations == 0) { // only syncWal calls: nothing to log, sequence or insert
      syncWalOnly();
      return;
    }
    makeRoomForWrite(bytes, false);
    db.memtableBudget.awaitRoom();
    long first = db.lastSequence() + 1;
    int deletes = 0;
    for (int i = 0; i < group.size(); i++) {
      deletes += group.get(i).batch.deleteCount();
    }
    int count = operations;
    int recordBytes = 0;
    if (group.get(0).wal) {
      count = logGroup(group, first, sync);
      recordBytes = walBuffer.size();
      if (walBuffer.array().length > MAX_RETAINED_WAL_BUFFER_BYTES) {
        walBuffer = new ByteSink(4096);
      }
    } else {
      markUnloggedRun(first);
    }
    memtableInserter.begin(db.state().memtable(), first);
    try {
      for (int i = 0; i < group.size(); i++) {
        memtableInserter.insert(group.get(i).batch);
      }
    } catch (RuntimeException | Error e) {
      memtableInserter.end(); // releases the memtable
      throw insertFailed(e);
    }
    db.publishSequence(memtableInserter.end());
    counters.bytesIngested.addAndGet(bytes);
    statistics.recordCommit(count - deletes, deletes, recordBytes, sync);
  }

  /** A memtable insert failed part-way (OutOfMemoryError, bug): the group is torn, so the database turns read-only. */
  private StrataException insertFailed(Throwable e) {
    return db.setBackgroundError(new StrataIOException("memtable insert failed in " + dir + ": write group torn", e));
  }

  /** Appends the group's WAL record, synced if {@code sync}; returns its entry count. REQUIRES: write leader. */
  private int logGroup(List<WriteQueue.Writer> group, long first, boolean sync) {
    walEncoder.begin(walBuffer, first);
    for (int i = 0; i < group.size(); i++) {
      walEncoder.append(group.get(i).batch);
    }
    int count = walEncoder.finish();
    if (sync) {
      db.verifyLock(); // a synced write is never acknowledged by a process that lost the LOCK
    }
    try {
      wal.addRecord(walBuffer.array(), 0, walBuffer.size());
      if (sync) {
        switchedWals.syncAll(); // no byte of a WAL is fsynced before the older WALs are
        wal.sync();
        walSyncedBytes = wal.size();
      } else {
        wal.flush();
      }
    } catch (IOException e) {
      throw db.setBackgroundError(new StrataIOException("WAL write failed in " + dir, e));
    }
    unloggedRunMarked = false;
    return count;
  }

  /**
   * Before a group written without the WAL whose first entry gets {@code first}: notes the live
   * memtable as holding unlogged writes and, at the start of such a run, appends an empty WAL
   * record at {@code first} (unflushed: it only has to precede a later record), so that recovery
   * finds the gap the run leaves and stops there ({@code WalRecovery}). REQUIRES: write leader.
   */
  private void markUnloggedRun(long first) {
    unloggedLogNumber = db.state().memtable().logNumber();
    if (unloggedRunMarked) {
      return;
    }
    walEncoder.begin(walBuffer, first);
    walEncoder.finish();
    try {
      wal.addRecord(walBuffer.array(), 0, walBuffer.size());
    } catch (IOException e) {
      throw db.setBackgroundError(new StrataIOException("WAL write failed in " + dir, e));
    }
    unloggedRunMarked = true;
  }

  /** TEST ONLY: replaces the memtable inserter (to inject a failed insert); call before writing. */
  void TEST_setMemtableInserter(MemtableInserter inserter) {
    exclusive(() -> memtableInserter = inserter);
  }

  /** Whether writes made without the WAL wait in a memtable, not yet flushed to an SSTable. */
  boolean hasUnflushedUnlogged() {
    return unloggedLogNumber >= db.versions().logNumber();
  }

  /**
   * Flushes the memtables holding writes made without the WAL, if any ({@code Db.flush}); for
   * close and checkpoint, which must not leave them behind. REQUIRES: not the write leader.
   */
  void flushUnlogged() {
    if (hasUnflushedUnlogged()) {
      db.flush();
    }
  }

  /**
   * As {@link #flushUnlogged}, before close (RocksDB flushes unlogged writes at shutdown too):
   * returns the failure instead of throwing, as the database closes all the same; null if none or
   * if it is closed already.
   */
  StrataIOException flushUnloggedBeforeClose() {
    try {
      flushUnlogged();
      return null;
    } catch (DbClosedException e) {
      return null;
    } catch (StrataIOException e) {
      return e;
    }
  }

  /**
   * Switches the live memtable if it holds writes made without the WAL and waits until every
   * memtable holding such writes is flushed, so that a sync write or WAL sync after them never
   * acknowledges what recovery would drop at their gap. REQUIRES: write leader.
   */
  private void flushUnloggedAsLeader() {
    if (!hasUnflushedUnlogged()) {
      return;
    }
    if (db.state().memtable().logNumber() <= unloggedLogNumber) {
      makeRoomForWrite(0, true);
    }
    db.mutex.lock();
    try {
      while (hasUnflushedUnlogged()) {
        db.ensureWritable();
        db.stateChanged.awaitUninterruptibly();
      }
    } finally {
      db.mutex.unlock();
    }
  }

  /**
   * Fsyncs the WALs switched away from that are not yet, then the live WAL unless nothing was
   * appended to it since its last fsync. REQUIRES: write leader.
   */
  private void syncWalOnly() {
    boolean live = wal.size() != walSyncedBytes;
    if (!live && !switchedWals.pending()) {
      return;
    }
    db.verifyLock(); // as for a synced write
    try {
      switchedWals.syncAll();
      if (live) {
        wal.sync();
        walSyncedBytes = wal.size();
        statistics.recordWalSync();
      }
    } catch (IOException e) {
      throw db.setBackgroundError(new StrataIOException("WAL sync failed in " + dir, e));
    }
  }

  void checkKey(byte[] key) {
    if (key == null) {
      throw new IllegalArgumentException("key must not be null");
    }
    checkKeyLength(key.length);
  }

  private void checkKeyLength(int length) {
    if (length > options.maxKeySize()) {
      throw new IllegalArgumentException("key of " + length + " bytes exceeds maxKeySize " + options.maxKeySize());
    }
  }

  void checkValue(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("value must not be null");
    }
    checkValueLength(value.length);
  }

  private void checkValueLength(int length) {
    if (length > options.maxValueSize()) {
      throw new IllegalArgumentException(
          "value of " + length + " bytes exceeds maxValueSize " + options.maxValueSize());
    }
  }

  /**
   * Whether the live memtable must be switched: it is full or the memtable limit asks for a flush
   * (or, when {@code force}, it is not empty).
   */
  private boolean needsSwitch(DbState s, boolean force) {
    return force ? !s.memtable().isEmpty()
        : s.memtable().approximateBytes() >= options.writeBufferSize() || db.memtableBudget.shouldFlush(s);
  }

  /**
   * Delays a write group of {@code bytes} as the {@link WriteController} says when L0 or pending
   * compaction passes its slowdown limit, and switches the memtable when it is full (or when
   * {@code force} and it is not empty), blocking while too many immutable memtables or L0 tables
   * wait or pending compaction passes its hard limit (LevelDB's {@code MakeRoomForWrite},
   * RocksDB's write stall triggers). The new WAL is made with the DB mutex released. REQUIRES:
   * write leader; the DB mutex not held.
   */
  private void makeRoomForWrite(long bytes, boolean force) {
    assert !db.holdsMutex();
    DbState current = db.state();
    long start = System.nanoTime();
    long delay = writeController.delayNanos(current.version().files(0).size(), db.pendingCompactionBytes(), bytes,
        start);
    if (delay > 0) {
      // Waits in slices of at most 1 ms, ending early once compaction has caught up (RocksDB's
      // DelayWrite) or the database fails or closes.
      long deadline = start + delay;
      for (long left = delay; left > 0; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(Math.min(left, WriteController.REFILL_NANOS));
        int l0Files = db.state().version().files(0).size();
        if (!writeController.needsDelay(l0Files, db.pendingCompactionBytes()) || db.isClosed()) {
          break;
        }
        db.ensureWritable();
      }
      counters.slowdowns.incrementAndGet();
      counters.stallNanos.addAndGet(System.nanoTime() - start);
    }
    if (!needsSwitch(current, force) || !awaitRoomForSwitch(force)) {
      return;
    }
    // Only the write leader switches memtables, so the memtable checked above stays the live one
    // while the WAL I/O below runs without the mutex; flushes and installs may change the rest.
    db.verifyLock();
    long logNumber = db.versions().newFileNumber();
    LogWriter fresh = null;
    try {
      // The old WAL is not fsynced here, with every writer waiting (under YCSB, 22 of the 29
      // profile samples of this method were that fsync), but handed to switchedWals: a later fsync
      // of the new WAL fsyncs it first (and the directory), so a synced write never survives a
      // power loss that loses an earlier write.
      wal.flush();
      fresh = new LogWriter(fs.newLogFile(FileNames.log(dir, logNumber)));
    } catch (IOException e) {
      if (fresh != null) {
        try {
          fresh.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw db.setBackgroundError(new StrataIOException("cannot switch to WAL " + logNumber, e));
    }
    switchedWals.add(current.memtable().logNumber(), wal);
    wal = fresh;
    walSyncedBytes = 0;
    unloggedRunMarked = false;
    db.publishSwitchedMemtable(newMemtable(logNumber));
  }

  /**
   * Waits under the DB mutex while a switch would pass a stop trigger (too many immutable
   * memtables or L0 tables, or pending compaction past its hard limit). Returns whether a switch
   * is still needed; the mutex is released on return.
   *
   * @throws StrataIOException if a background error occurs meanwhile
   */
  private boolean awaitRoomForSwitch(boolean force) {
    long stallStart = 0;
    db.mutex.lock();
    try {
      while (true) {
        db.ensureWritable();
        DbState s = db.state();
        if (!needsSwitch(s, force)) {
          return false;
        }
        if (s.immutables().size() < options.maxImmutableMemtables()
            && s.version().files(0).size() < options.l0StopWritesTrigger()
            && db.pendingCompactionBytes() < options.hardPendingCompactionBytesLimit()) {
          return true;
        }
        if (stallStart == 0) {
          stallStart = System.nanoTime();
          counters.stops.incrementAndGet();
        }
        db.stateChanged.awaitUninterruptibly();
      }
    } finally {
      if (stallStart != 0) {
        counters.stallNanos.addAndGet(System.nanoTime() - stallStart);
      }
      db.mutex.unlock();
    }
  }

  /**
   * Bytes written to WAL {@code number} if it is the live WAL or a switched one still open, else
   * -1 (closed: its file holds exactly its records). REQUIRES: {@link #exclusive} (no write runs).
   */
  long walBytes(long number) {
    return number == db.state().memtable().logNumber() ? wal.size() : switchedWals.appendedBytes(number);
  }

  /**
   * Switches a non-empty memtable and returns the immutable memtable to wait for, or null if the
   * memtable was empty; see {@code Db.flush}.
   */
  Memtable switchForFlush() {
    Memtable[] target = new Memtable[1];
    writeQueue.exclusive(() -> {
      db.ensureWritable();
      makeRoomForWrite(0, true);
      List<Memtable> imms = db.state().immutables();
      target[0] = imms.isEmpty() ? null : imms.get(0);
    });
    return target[0];
  }

  /**
   * Closes the WAL once no write runs.
   *
   * @throws StrataIOException if closing fails
   */
  void close() {
    StrataIOException[] failure = new StrataIOException[1];
    writeQueue.exclusive(() -> {
      IOException closing = null;
      try {
        if (wal != null) { // a read-only database has none
          wal.close();
        }
      } catch (IOException e) {
        closing = e;
      }
      closing = switchedWals.closeAll(closing);
      if (closing != null) {
        failure[0] = new StrataIOException("closing WAL of " + dir + " failed", closing);
      }
    });
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** Closes the WAL after a failed open, adding a failure to {@code primary}. */
  void closeAfterFailedOpen(Throwable primary) {
    if (wal != null) {
      try {
        wal.close();
      } catch (IOException e) {
        primary.addSuppressed(e);
      }
    }
  }
}
