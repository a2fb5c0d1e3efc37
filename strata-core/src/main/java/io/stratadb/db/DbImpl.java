package io.stratadb.db;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbClosedException;
import io.stratadb.DbIterator;
import io.stratadb.DbStats;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.Options;
import io.stratadb.StrataException;
import io.stratadb.StrataIOException;
import io.stratadb.Transaction;
import io.stratadb.TransactionOptions;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import io.stratadb.compaction.CompactionJob;
import io.stratadb.compaction.CompactionPicker;
import io.stratadb.compaction.CompactionTask;
import io.stratadb.compaction.TableSink;
import io.stratadb.env.FileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.iterator.LsmIterator;
import io.stratadb.iterator.MergingIterator;
import io.stratadb.iterator.SeekPool;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.SeekBudget;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.memtable.Memtable;
import io.stratadb.sstable.BlockCache;
import io.stratadb.util.Hash64;
import io.stratadb.sstable.TableCache;
import io.stratadb.statistics.JmxRegistration;
import io.stratadb.statistics.Statistics;
import io.stratadb.util.ByteSink;
import io.stratadb.record.LogWriter;
import io.stratadb.wal.WalBatchEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link Db} (LevelDB's {@code db/db_impl.cc}): the write path (WAL, memtable,
 * rotation, stalls), the read path (memtables newest first, then SSTables), the flush thread and
 * the compaction threads ({@code maxBackgroundJobs - 1}) driven by a {@link CompactionPicker}.
 *
 * <p>Locking: the {@link WriteQueue} serialises writers: its leader alone assigns sequence
 * numbers, appends to the WAL and inserts into the memtable, for a whole group of writers. {@code mutex} guards state transitions (rotation, flush and compaction installs, the
 * background error, pending outputs) and its condition {@code stateChanged} wakes stalled writers,
 * {@link #flush()} callers and the background thread. Readers take no lock: they read the
 * published {@link DbState} and pin its version. Lock order: write leadership before mutex.
 */
public final class DbImpl implements Db {
  private static final Logger LOG = LoggerFactory.getLogger(DbImpl.class);
  /** A WAL encode buffer grown past this by a large batch is dropped after use, in bytes. */
  private static final int MAX_RETAINED_WAL_BUFFER_BYTES = 4 << 20;
  /** A thread's reusable put/delete batch grown past this by a large value is dropped, in bytes. */
  private static final int MAX_RETAINED_SINGLE_WRITE_BYTES = 64 << 10;

  private final Path dir;
  private final Options options;
  private final FileSystem fs;
  private final AutoCloseable dirLock;
  private final VersionSet versions;
  private final TableCache tableCache;
  /** Null when disabled. */
  private final BlockCache blockCache;

  private final WriteQueue writeQueue = new WriteQueue();
  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition stateChanged = mutex.newCondition();

  /** Used only by the write queue's leader. */
  private LogWriter wal;
  /** The WAL record being encoded, reused across groups. Used only by the write queue's leader. */
  private ByteSink walBuffer = new ByteSink(4096);
  /** Used only by the write queue's leader. */
  private final WalBatchEncoder walEncoder = new WalBatchEncoder();
  /** Used only by the write queue's leader. */
  private final MemtableInserter memtableInserter = new MemtableInserter();
  /** The leader's commit, made once (a method reference would be a new object per write). */
  private final Consumer<List<WriteQueue.Writer>> commitGroup = this::commitGroup;
  /**
   * Each thread's batch for {@link #put} and {@link #delete}, cleared and reused, so that a single
   * write allocates no batch and copies its key and value once before the memtable. A thread keeps
   * its batch (at most {@link #MAX_RETAINED_SINGLE_WRITE_BYTES} of array) after {@link #close}
   * until the closed database is garbage: a {@code ThreadLocal} can only be cleared by its thread.
   */
  private final ThreadLocal<WriteBatch> singleWriteBatches = ThreadLocal.withInitial(WriteBatch::new);
  /** Written under mutex; read freely. */
  private volatile DbState state;
  /** Sequence number of the newest write visible to readers. Written by the write leader. */
  private volatile long lastSequence;
  /** The first background or WAL failure; sticky. Written under mutex. */
  private volatile StrataException backgroundError;
  private volatile boolean closed;
  /** Guarded by mutex. */
  private boolean obsoleteFilesPending;
  /** Tables being written and not yet installed: protected from obsolete-file deletion. */
  private final Set<Long> pendingOutputs = ConcurrentHashMap.newKeySet();
  private final CompactionPicker picker;
  /** Tables read and levels written by running compactions. Guarded by mutex. */
  private final Set<Long> busyFiles = new HashSet<>();
  private final Set<Integer> busyOutputLevels = new HashSet<>();
  /** Guarded by mutex. */
  private int runningCompactions;
  /** The flush thread is writing an L0 table (its file number may already be taken). Guarded by mutex. */
  private boolean flushRunning;
  /** A compactRange is running: background compactions wait. Guarded by mutex. */
  private boolean manualCompaction;
  /** Charged by lookups that read tables in vain; null when seek compaction is off. */
  private final SeekBudget seekBudget;
  /** A table that ran out of its seek allowance, waiting for a compaction thread; guarded by mutex. */
  private SeekBudget.Exhausted pendingSeekCompaction;
  /** The picker's pending-bytes estimate for the current version; drives write stalls. */
  private volatile long pendingCompactionBytes;
  private final List<Thread> backgroundThreads = new ArrayList<>();
  private final Statistics statistics;
  private final DbCounters counters;
  /** The JMX MBean of this database; replaced once by open, closed by close. */
  private volatile JmxRegistration jmx = JmxRegistration.none();
  private final SnapshotList snapshots = new SnapshotList();
  /** Threads for iterators opened with {@link ReadOptions#parallelSeek()}; started on first use. */
  private final SeekPool seekPool = new SeekPool();
  /** TEST ONLY: runs after a compaction wrote its outputs, before it installs them. */
  private volatile Runnable beforeCompactionInstall = () -> { };

  private DbImpl(Path dir, Options options, AutoCloseable dirLock, VersionSet[] versionsHolder) {
    this.dir = dir;
    this.options = options;
    this.fs = options.fileSystem();
    this.dirLock = dirLock;
    this.blockCache = options.blockCacheSize() > 0 ? new BlockCache(options.blockCacheSize()) : null;
    this.statistics = new Statistics(options.statistics());
    this.counters = new DbCounters(statistics);
    this.tableCache =
        new TableCache(fs, n -> FileNames.table(dir, n), options.maxOpenFiles(), blockCache, statistics);
    this.versions = openVersions(versionsHolder);
    this.picker = CompactionPicker.of(options.compactionStrategy());
    this.seekBudget = options.seekCompaction() ? new SeekBudget() : null;
    backgroundThreads.add(new Thread(this::flushLoop, "strata-flush-" + dir.getFileName()));
    for (int i = 1; i < options.maxBackgroundJobs(); i++) {
      backgroundThreads.add(new Thread(this::compactionLoop, "strata-compact-" + i + "-" + dir.getFileName()));
    }
    if (options.preloadTables()) {
      backgroundThreads.add(new Thread(this::preloadTables, "strata-preload-" + dir.getFileName()));
    }
    backgroundThreads.forEach(t -> t.setDaemon(true));
  }

  private VersionSet openVersions(VersionSet[] holder) {
    boolean exists = fs.exists(FileNames.current(dir));
    if (exists && options.errorIfExists()) {
      throw new IllegalArgumentException("database already exists: " + dir);
    }
    if (!exists && !options.createIfMissing()) {
      throw new IllegalArgumentException("no database in " + dir + " and createIfMissing is false");
    }
    Runnable dropped = this::onVersionDropped;
    holder[0] = exists
        ? VersionSet.recover(fs, dir, options.maxManifestFileSize(), dropped)
        : VersionSet.create(fs, dir, options.maxManifestFileSize(), dropped);
    return holder[0];
  }

  /**
   * Opens or creates the database in {@code dir}; see {@link Db#open(Path, Options)}.
   *
   * @throws IllegalArgumentException for a null argument or an existence check that fails
   * @throws io.stratadb.CorruptionException if recovery finds corruption
   * @throws StrataIOException if files cannot be read or written or the directory is locked
   */
  public static Db open(Path dir, Options options) {
    if (dir == null || options == null) {
      throw new IllegalArgumentException("dir and options must not be null");
    }
    FileSystem fs = options.fileSystem();
    if (!fs.exists(dir) && !options.createIfMissing()) {
      throw new IllegalArgumentException("no database in " + dir + " and createIfMissing is false");
    }
    AutoCloseable lock;
    try {
      fs.createDirectories(dir);
      lock = fs.lock(FileNames.lock(dir));
    } catch (IOException e) {
      throw new StrataIOException("cannot lock database directory " + dir, e);
    }
    VersionSet[] versions = new VersionSet[1];
    DbImpl db = null;
    try {
      db = new DbImpl(dir, options, lock, versions);
      db.recover();
      db.jmx = JmxRegistration.forDb(options.jmx(), dir, db::statsWithoutLatencies, db.statistics);
      db.backgroundThreads.forEach(Thread::start);
      return db;
    } catch (RuntimeException | Error e) {
      if (versions[0] != null) {
        try {
          versions[0].close();
        } catch (IOException | RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (db != null) {
        db.jmx.close();
        try {
          db.tableCache.close();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
        db.closeWal(e);
      }
      try {
        lock.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private void recover() {
    WalRecovery recovery = new WalRecovery(fs, dir, versions.lastSequence());
    VersionEdit edit = new VersionEdit();
    try {
      Memtable memtable = new Memtable(0);
      for (long log : recovery.logsToReplay(versions.logNumber())) {
        versions.markFileNumberUsed(log);
        memtable = recovery.replay(log, memtable, options.writeBufferSize(),
            full -> writeLevel0Table(full, edit));
      }
      if (!memtable.isEmpty()) {
        writeLevel0Table(memtable, edit);
      }
      long logNumber = versions.newFileNumber();
      wal = new LogWriter(fs.newLogFile(FileNames.log(dir, logNumber)));
      // A synced write is durable only once the WAL's directory entry is (RocksDB syncs the WAL
      // directory too), and the edit below names this WAL: after a power loss the manifest must
      // never name a WAL that is gone (recovery treats that as lost edits).
      fs.syncDirectory(dir);
      lastSequence = recovery.lastSequence();
      edit.logNumber(logNumber).lastSequence(lastSequence);
      mutex.lock();
      try {
        versions.logAndApply(edit);
        pendingOutputs.clear();
        Version current = versions.current();
        current.tryRetain();
        state = new DbState(newMemtable(logNumber), List.of(), current);
        pendingCompactionBytes = picker.pendingCompactionBytes(current);
        deleteObsoleteFiles();
      } finally {
        mutex.unlock();
      }
    } catch (IOException e) {
      throw new StrataIOException("recovery of " + dir + " failed", e);
    }
  }

  private void writeLevel0Table(Memtable memtable, VersionEdit edit) throws IOException {
    TableSink sink = new TableSink(fs, dir, tableSettings(0), this::newOutputNumber, Long.MAX_VALUE);
    try (InternalIterator it = memtable.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        sink.add(it.keySlice(), it.valueSlice());
      }
      for (FileMetadata f : sink.finish()) {
        edit.addFile(0, f);
      }
    } catch (IOException | RuntimeException e) {
      sink.abandon(e);
      throw e;
    }
  }

  private TableSink.TableSettings tableSettings(int level) {
    return new TableSink.TableSettings(options.blockSize(), options.blockRestartInterval(),
        options.bloomBitsPerKey(), options.compressionForLevel(level));
  }

  private long newOutputNumber() {
    long number = versions.newFileNumber();
    pendingOutputs.add(number);
    return number;
  }

  // ---------------------------------------------------------------- write path

  @Override
  public void put(byte[] key, byte[] value) {
    put(key, value, WriteOptions.defaults());
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions writeOptions) {
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

  @Override
  public void delete(byte[] key) {
    delete(key, WriteOptions.defaults());
  }

  @Override
  public void delete(byte[] key, WriteOptions writeOptions) {
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

  @Override
  public void write(WriteBatch batch) {
    write(batch, WriteOptions.defaults());
  }

  @Override
  public void write(WriteBatch batch, WriteOptions writeOptions) {
    long start = statistics.startTimer();
    writeUnrecorded(batch, writeOptions);
    if (batch.count() > 0) { // an empty batch writes nothing
      statistics.recordWrite(start);
    }
  }

  private void writeUnrecorded(WriteBatch batch, WriteOptions writeOptions) {
    if (batch == null || writeOptions == null) {
      throw new IllegalArgumentException("batch and write options must not be null");
    }
    ensureOpen();
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
  }

  /** Commits a validated batch in a write group. */
  private void submit(WriteBatch batch, WriteOptions writeOptions) {
    if (writeOptions == null) {
      throw new IllegalArgumentException("write options must not be null");
    }
    ensureOpen();
    if (batch.count() == 0) {
      return;
    }
    writeQueue.write(batch, writeOptions.sync(), commitGroup);
  }

  /** A live memtable backed by WAL {@code logNumber}, with the configured bloom filter and representation. */
  private Memtable newMemtable(long logNumber) {
    return new Memtable(logNumber, (long) (options.writeBufferSize() * options.memtableBloomSizeRatio()),
        options.memtableRep());
  }

  /** Commits a write group: one WAL record, then the memtable. Runs on the group's leader. */
  private void commitGroup(List<WriteQueue.Writer> group) {
    ensureWritable();
    makeRoomForWrite(false);
    long first = lastSequence + 1;
    long bytes = 0;
    int deletes = 0;
    walEncoder.begin(walBuffer, first);
    for (int i = 0; i < group.size(); i++) {
      WriteBatch batch = group.get(i).batch;
      bytes += batch.approximateSizeInBytes();
      deletes += batch.deleteCount();
      walEncoder.append(batch);
    }
    int count = walEncoder.finish();
    int recordBytes = walBuffer.size();
    boolean sync = group.get(0).sync;
    try {
      wal.addRecord(walBuffer.array(), 0, recordBytes);
      if (sync) {
        wal.sync();
      } else {
        wal.flush();
      }
    } catch (IOException e) {
      throw setBackgroundError(new StrataIOException("WAL write failed in " + dir, e));
    }
    if (walBuffer.array().length > MAX_RETAINED_WAL_BUFFER_BYTES) {
      walBuffer = new ByteSink(4096);
    }
    memtableInserter.begin(state.memtable(), first);
    long last;
    try {
      for (int i = 0; i < group.size(); i++) {
        memtableInserter.insert(group.get(i).batch);
      }
    } finally {
      last = memtableInserter.end(); // releases the memtable even if an insert failed
    }
    lastSequence = last;
    counters.bytesIngested.addAndGet(bytes);
    statistics.recordCommit(count - deletes, deletes, recordBytes, sync);
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
   * Delays the write by 1 ms when L0 or pending compaction passes its slowdown limit, and freezes
   * the memtable when it is full (or when {@code force} and it is not empty), blocking while too
   * many immutable memtables or L0 tables wait or pending compaction passes its hard limit
   * (LevelDB's {@code MakeRoomForWrite}, RocksDB's write stall triggers). REQUIRES: write leader.
   */
  private void makeRoomForWrite(boolean force) {
    DbState current = state;
    if (current.version().files(0).size() >= options.l0SlowdownWritesTrigger()
        || pendingCompactionBytes >= options.softPendingCompactionBytesLimit()) {
      long start = System.nanoTime();
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      counters.slowdowns.incrementAndGet();
      counters.stallNanos.addAndGet(System.nanoTime() - start);
    }
    if (force ? current.memtable().isEmpty() : current.memtable().approximateBytes() < options.writeBufferSize()) {
      return;
    }
    long stallStart = 0;
    mutex.lock();
    try {
      while (true) {
        ensureWritable();
        DbState s = state;
        if (force ? s.memtable().isEmpty() : s.memtable().approximateBytes() < options.writeBufferSize()) {
          return;
        }
        if (s.immutables().size() >= options.maxImmutableMemtables()
            || s.version().files(0).size() >= options.l0StopWritesTrigger()
            || pendingCompactionBytes >= options.hardPendingCompactionBytesLimit()) {
          if (stallStart == 0) {
            stallStart = System.nanoTime();
            counters.stops.incrementAndGet();
          }
          stateChanged.awaitUninterruptibly();
          continue;
        }
        long logNumber = versions.newFileNumber();
        LogWriter fresh;
        try {
          // Sync the old WAL before writes go to the new one: otherwise a later synced write
          // could survive a power loss while earlier unsynced ones in the old WAL are lost,
          // leaving a hole in the history instead of a lost suffix.
          wal.sync();
          statistics.recordWalSync();
          fresh = new LogWriter(fs.newLogFile(FileNames.log(dir, logNumber)));
          fs.syncDirectory(dir);
          wal.close();
        } catch (IOException e) {
          throw setBackgroundError(new StrataIOException("cannot switch to WAL " + logNumber, e));
        }
        wal = fresh;
        state = s.rotate(newMemtable(logNumber));
        stateChanged.signalAll();
        return;
      }
    } finally {
      if (stallStart != 0) {
        counters.stallNanos.addAndGet(System.nanoTime() - stallStart);
      }
      mutex.unlock();
    }
  }

  @Override
  public void flush() {
    ensureOpen();
    Memtable[] target = new Memtable[1];
    writeQueue.exclusive(() -> {
      ensureWritable();
      makeRoomForWrite(true);
      List<Memtable> imms = state.immutables();
      target[0] = imms.isEmpty() ? null : imms.get(0);
    });
    if (target[0] == null) {
      return;
    }
    mutex.lock();
    try {
      while (state.immutables().contains(target[0])) {
        ensureWritable();
        stateChanged.awaitUninterruptibly();
      }
    } finally {
      mutex.unlock();
    }
  }

  // ---------------------------------------------------------------- read path

  /** Pins the current state's version; the caller releases it. */
  private DbState acquireState() {
    while (true) {
      DbState s = state;
      if (s.version().tryRetain()) {
        return s;
      }
    }
  }

  @Override
  public byte[] get(byte[] key) {
    return get(key, ReadOptions.defaults());
  }

  @Override
  public byte[] get(byte[] key, ReadOptions readOptions) {
    long start = statistics.startTimer();
    byte[] value = getUnrecorded(key, readOptions);
    statistics.recordGet(start, value);
    return value;
  }

  private byte[] getUnrecorded(byte[] key, ReadOptions readOptions) {
    if (key == null || readOptions == null) {
      throw new IllegalArgumentException("key and read options must not be null");
    }
    ensureOpen();
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
        requestSeekCompaction(seekBudget.takeExhausted());
      }
      return value;
    } finally {
      s.version().release();
    }
  }

  /** Hands a table that ran out of its seek allowance to the compaction threads. */
  private void requestSeekCompaction(SeekBudget.Exhausted exhausted) {
    if (exhausted == null) {
      return; // another lookup took it
    }
    mutex.lock();
    try {
      if (pendingSeekCompaction == null) {
        pendingSeekCompaction = exhausted;
        stateChanged.signalAll();
      }
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return multiGet(keys, ReadOptions.defaults());
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys, ReadOptions readOptions) {
    if (keys == null || readOptions == null) {
      throw new IllegalArgumentException("keys and read options must not be null");
    }
    byte[][] userKeys = keys.toArray(new byte[0][]);
    for (byte[] key : userKeys) {
      if (key == null) {
        throw new IllegalArgumentException("keys must not contain null");
      }
    }
    ensureOpen();
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

  /** The sequence a read with {@code readOptions} uses. Call after {@link #acquireState()}. */
  private long readSequence(ReadOptions readOptions) {
    if (readOptions.snapshot() == null) {
      return lastSequence;
    }
    if (!(readOptions.snapshot() instanceof SnapshotList.DbSnapshot snapshot) || !snapshot.belongsTo(snapshots)) {
      throw new IllegalArgumentException("snapshot " + readOptions.snapshot() + " belongs to another database");
    }
    if (snapshot.isClosed()) {
      throw new IllegalStateException("snapshot " + snapshot + " is closed");
    }
    return snapshot.sequence();
  }

  @Override
  public Snapshot getSnapshot() {
    ensureOpen();
    return snapshots.take(() -> lastSequence);
  }

  // ---------------------------------------------------------------- transactions

  @Override
  public Transaction beginTransaction() {
    return beginTransaction(TransactionOptions.defaults());
  }

  @Override
  public Transaction beginTransaction(TransactionOptions transactionOptions) {
    if (transactionOptions == null) {
      throw new IllegalArgumentException("transaction options must not be null");
    }
    return new DbTransaction(this, getSnapshot(), transactionOptions);
  }

  /**
   * Commits a transaction's writes as one batch in a write group of its own, after {@code
   * validate} (its conflict check) ran with no other write in between.
   */
  void commitTransaction(WriteBatch batch, boolean sync, Runnable validate) {
    ensureOpen();
    writeQueue.writeAlone(batch, sync, validate, commitGroup);
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
    try (InternalIterator it = openSources(acquireState(), null)) {
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


  private static byte[] copy(byte[] value) {
    return value == null ? null : value.clone();
  }

  @Override
  public DbIterator newIterator() {
    return newIterator(ReadOptions.defaults());
  }

  @Override
  public DbIterator newIterator(ReadOptions readOptions) {
    if (readOptions == null) {
      throw new IllegalArgumentException("read options must not be null");
    }
    return iterator(Bound.unbounded(), Bound.unbounded(), readOptions, false);
  }

  @Override
  public DbIterator scan(Bound lower, Bound upper) {
    return scan(lower, upper, ReadOptions.defaults());
  }

  @Override
  public DbIterator scan(Bound lower, Bound upper, ReadOptions readOptions) {
    if (lower == null || upper == null || readOptions == null) {
      throw new IllegalArgumentException("bounds and read options must not be null; use Bound.unbounded()");
    }
    return iterator(lower, upper, readOptions, true);
  }

  private DbIterator iterator(Bound lower, Bound upper, ReadOptions readOptions, boolean position) {
    long start = statistics.startTimer();
    ensureOpen();
    LsmIterator it;
    Executor seekExecutor = readOptions.parallelSeek() ? seekPool.executor() : null;
    if (readOptions.autoRefreshMillis() == 0) {
      // State before sequence, as in get: the pinned state holds every write the sequence sees.
      DbState s = acquireState();
      long sequence;
      try {
        sequence = readSequence(readOptions);
      } catch (RuntimeException e) {
        s.version().release();
        throw e;
      }
      it = new LsmIterator(openSources(s, seekExecutor), sequence, lower, upper, () -> { }, this::ensureOpen);
    } else {
      // Registered like a snapshot (the sequence is read under the list's lock), so compaction
      // keeps what the sequence sees in every state the iterator refreshes to.
      SnapshotList.DbSnapshot registration = snapshots.take(() -> readSequence(readOptions));
      try {
        it = new LsmIterator(() -> openSources(acquireState(), seekExecutor),
            TimeUnit.MILLISECONDS.toNanos(readOptions.autoRefreshMillis()), System::nanoTime,
            registration.sequence(), lower, upper, registration::close, this::ensureOpen);
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
   * The merged iterator over {@code s}'s memtables and tables. Takes over the caller's reference to
   * {@code s}'s version: closing the iterator (or a failure here) releases it. Its seeks run on
   * {@code seekExecutor} (null: on the calling thread).
   */
  private InternalIterator openSources(DbState s, Executor seekExecutor) {
    try {
      // One heap over every source, newest first: memtables, then the version's tables.
      List<InternalIterator> sources = new ArrayList<>();
      for (Memtable m : s.memtablesNewestFirst()) {
        sources.add(m.iterator());
      }
      sources.addAll(s.version().iterators(tableCache));
      return new MergingIterator(sources, s.version()::release, seekExecutor);
    } catch (RuntimeException e) {
      s.version().release();
      throw e;
    }
  }

  // ---------------------------------------------------------------- background work

  /**
   * Opens the tables of the version current at open into the table cache, L0 first, until the
   * cache is full or the database closes (RocksDB opens every table at open when {@code
   * max_open_files} is -1). A table that fails to open is left to the read that needs it, which
   * reports the error.
   */
  private void preloadTables() {
    Version version = state.version();
    if (!version.tryRetain()) {
      return;
    }
    try {
      for (int level = 0; level < Version.NUM_LEVELS; level++) {
        for (FileMetadata file : version.files(level)) {
          if (closed || tableCache.size() >= options.maxOpenFiles()) {
            return;
          }
          try {
            tableCache.acquire(file.number()).release();
          } catch (RuntimeException e) {
            LOG.debug("preloading table {} failed; its first read will report it", file.number(), e);
          }
        }
      }
    } finally {
      version.release();
    }
  }

  /** The flush thread: flushes immutable memtables oldest first and deletes obsolete files. */
  private void flushLoop() {
    mutex.lock();
    try {
      while (!closed) {
        if (backgroundError == null) {
          try {
            if (!state.immutables().isEmpty()) {
              flushOldestImmutable();
              continue;
            }
            if (obsoleteFilesPending) {
              deleteObsoleteFiles();
              continue;
            }
          } catch (RuntimeException | IOException e) {
            setBackgroundError(asStrataException("flush", e));
          }
        }
        stateChanged.awaitUninterruptibly();
      }
    } finally {
      mutex.unlock();
    }
  }

  /** A compaction thread: runs whatever the picker chooses, concurrently with the others. */
  private void compactionLoop() {
    mutex.lock();
    try {
      while (!closed) {
        if (backgroundError == null && !manualCompaction) {
          CompactionTask task = picker.pick(versions.current(), busyFiles, busyOutputLevels);
          if (task == null && pendingSeekCompaction != null) {
            SeekBudget.Exhausted seeks = pendingSeekCompaction;
            pendingSeekCompaction = null; // tried once; its next wasted read offers it again
            task = picker.pickSeekCompaction(versions.current(), seeks.level(), seeks.file(), busyFiles,
                busyOutputLevels);
          }
          // A merge into L0 must be numbered below every table flushed after it, so it waits
          // for a flush that may already hold a lower number.
          if (task != null && !(writesLevel0(task) && flushRunning)) {
            try {
              runCompaction(task);
            } catch (RuntimeException | IOException e) {
              setBackgroundError(asStrataException("compaction", e));
            }
            continue;
          }
        }
        stateChanged.awaitUninterruptibly();
      }
    } finally {
      mutex.unlock();
    }
  }

  private StrataException asStrataException(String job, Exception e) {
    if (e instanceof StrataException se) {
      return se;
    }
    if (e instanceof IOException io) {
      return new StrataIOException(job + " failed in " + dir, io);
    }
    return new StrataException(job + " failed in " + dir, e);
  }

  /** REQUIRES: mutex held; releases it while writing the table. */
  private void flushOldestImmutable() throws IOException {
    List<Memtable> imms = state.immutables();
    Memtable oldest = imms.get(imms.size() - 1);
    VersionEdit edit = new VersionEdit();
    long start = System.nanoTime();
    flushRunning = true;
    mutex.unlock();
    try {
      writeLevel0Table(oldest, edit);
    } finally {
      mutex.lock();
      flushRunning = false;
      stateChanged.signalAll();
    }
    imms = state.immutables();
    Memtable next = imms.size() >= 2 ? imms.get(imms.size() - 2) : state.memtable();
    edit.logNumber(next.logNumber()).lastSequence(lastSequence);
    versions.logAndApply(edit);
    edit.newFiles().forEach(f -> pendingOutputs.remove(f.file().number()));
    install(state.afterFlush(oldest, versions.current()));
    long bytes = edit.newFiles().stream().mapToLong(f -> f.file().size()).sum();
    counters.flushed(bytes, System.nanoTime() - start);
    deleteObsoleteFiles();
  }

  private static boolean writesLevel0(CompactionTask task) {
    return task.outputLevel() == 0 && !task.trivialMove();
  }

  /**
   * Runs {@code task} and installs its result. REQUIRES: mutex held; releases it while merging.
   * The task's tables and output level are marked busy meanwhile.
   */
  private void runCompaction(CompactionTask task) throws IOException {
    Version base = versions.current();
    base.tryRetain();
    Set<Long> inputs = task.fileNumbers();
    busyFiles.addAll(inputs);
    busyOutputLevels.add(task.outputLevel());
    runningCompactions++;
    long start = System.nanoTime();
    // Iterators pin the versions they read; snapshots (and transactions, which hold one) read on
    // through new versions, so compaction keeps what each of them sees.
    CompactionJob job = new CompactionJob(task, base, snapshots.sequences(), options.compactionFilter());
    TableSink sink = null;
    long level0Output = -1;
    try {
      VersionEdit edit;
      if (task.trivialMove()) {
        edit = job.moveEdit();
      } else {
        if (writesLevel0(task)) {
          long number = newOutputNumber();
          level0Output = number;
          sink = new TableSink(fs, dir, tableSettings(0), () -> number, Long.MAX_VALUE);
        } else {
          sink = new TableSink(fs, dir, tableSettings(task.outputLevel()), this::newOutputNumber,
              options.targetFileSize());
        }
        mutex.unlock();
        try {
          edit = job.run(tableCache, sink);
          beforeCompactionInstall.run();
        } catch (IOException | RuntimeException e) {
          sink.abandon(e);
          throw e;
        } finally {
          mutex.lock();
        }
      }
      edit.lastSequence(lastSequence);
      versions.logAndApply(edit);
      install(state.withVersion(versions.current()));
      long written = edit.newFiles().stream().mapToLong(f -> f.file().size()).sum();
      counters.compacted(task, written, System.nanoTime() - start);
      LOG.debug("compaction {}: {} entries in, {} dropped, {} bytes written", task, job.entriesIn(),
          job.entriesDropped(), written);
    } finally {
      if (sink != null) {
        sink.allocatedNumbers().forEach(pendingOutputs::remove);
      }
      pendingOutputs.remove(level0Output);
      base.release();
      busyFiles.removeAll(inputs);
      busyOutputLevels.remove(task.outputLevel());
      runningCompactions--;
      stateChanged.signalAll();
    }
    deleteObsoleteFiles();
  }

  @Override
  public void compactRange(byte[] lower, byte[] upper) {
    ensureWritable();
    flush();
    mutex.lock();
    try {
      while (manualCompaction) {
        ensureWritable();
        stateChanged.awaitUninterruptibly();
      }
      manualCompaction = true;
      try {
        while (runningCompactions > 0) {
          ensureWritable();
          stateChanged.awaitUninterruptibly();
        }
        int lastOutputLevel = -1;
        for (int level = 0; level < picker.maxLevel(); level++) {
          ensureWritable();
          Version current = versions.current();
          if (level > 0 && !hasOverlapBelow(current, level, lower, upper)) {
            break;
          }
          CompactionTask task = picker.pickManual(current, level, lower, upper);
          if (task != null) {
            runCompaction(task);
            lastOutputLevel = task.outputLevel();
          }
        }
        CompactionTask bottommost = picker.pickBottommost(versions.current(), lower, upper);
        if (bottommost != null && bottommost.outputLevel() != lastOutputLevel) {
          runCompaction(bottommost);
        }
      } catch (IOException e) {
        throw setBackgroundError(new StrataIOException("manual compaction failed in " + dir, e));
      } finally {
        manualCompaction = false;
        stateChanged.signalAll();
      }
    } finally {
      mutex.unlock();
    }
  }

  /** Whether a level deeper than {@code level} holds tables overlapping the range. */
  private static boolean hasOverlapBelow(Version version, int level, byte[] lower, byte[] upper) {
    for (int l = level + 1; l < Version.NUM_LEVELS; l++) {
      for (FileMetadata f : version.files(l)) {
        boolean afterLower = lower == null || io.stratadb.key.InternalKey.compareUserKey(f.largest(), lower) >= 0;
        boolean beforeUpper = upper == null || io.stratadb.key.InternalKey.compareUserKey(f.smallest(), upper) <= 0;
        if (afterLower && beforeUpper) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void checkpoint(Path target) {
    ensureOpen();
    new Checkpointer(fs, dir).create(target, () -> {
      Checkpointer.LiveFiles[] live = new Checkpointer.LiveFiles[1];
      writeQueue.exclusive(() -> { // no write runs, so every WAL ends on a record boundary
        ensureWritable(); // unless one failed: its WAL may end mid-record
        mutex.lock(); // no flush or compaction installs meanwhile
        try {
          live[0] = Checkpointer.capture(fs, dir, state.version(), versions.logNumber(),
              state.memtablesNewestFirst(), wal.size(), lastSequence, versions.newFileNumber());
        } finally {
          mutex.unlock();
        }
      });
      return live[0];
    });
  }

  /** TEST ONLY: runs {@code hook} after a compaction wrote its outputs and before it installs them. */
  public void TEST_setBeforeCompactionInstall(Runnable hook) {
    this.beforeCompactionInstall = hook == null ? () -> { } : hook;
  }

  /** Publishes {@code next}, moving the state's version reference. REQUIRES: mutex held. */
  private void install(DbState next) {
    next.version().tryRetain();
    DbState old = state;
    state = next;
    old.version().release();
    pendingCompactionBytes = picker.pendingCompactionBytes(next.version());
    stateChanged.signalAll();
  }

  private void onVersionDropped() {
    mutex.lock();
    try {
      obsoleteFilesPending = true;
      stateChanged.signalAll();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Deletes WALs below the manifest's log number, SSTables no live version lists, old manifests
   * and temporary files. REQUIRES: mutex held.
   */
  private void deleteObsoleteFiles() {
    obsoleteFilesPending = false;
    List<String> names;
    try {
      names = fs.listFileNames(dir);
    } catch (IOException e) {
      LOG.warn("cannot list {} to delete obsolete files", dir, e);
      return;
    }
    // Order matters: compactions allocate output numbers without the mutex, so the live set is
    // read after the listing (a file listed was registered before it was created), and pending
    // outputs before live versions (an output leaves pendingOutputs only after it is installed).
    Set<Long> live = new HashSet<>(pendingOutputs);
    live.addAll(versions.liveFiles());
    for (String name : names) {
      FileNames.Parsed parsed = FileNames.parse(name);
      if (parsed == null) {
        continue;
      }
      boolean keep;
      switch (parsed.kind()) {
        case LOG:
          keep = parsed.number() >= versions.logNumber();
          break;
        case TABLE:
          keep = live.contains(parsed.number());
          break;
        case MANIFEST:
          keep = parsed.number() >= versions.manifestNumber();
          break;
        case TEMP:
          keep = false;
          break;
        default:
          keep = true;
      }
      if (!keep) {
        if (parsed.kind() == FileNames.Kind.TABLE) {
          tableCache.evict(parsed.number());
          if (seekBudget != null) {
            seekBudget.forget(parsed.number());
          }
        }
        try {
          fs.deleteIfExists(dir.resolve(name));
        } catch (IOException e) {
          LOG.warn("cannot delete obsolete file {}", name, e);
        }
      }
    }
  }

  /** Records the first failure; later writes fail with it. Returns it for throwing. */
  private StrataException setBackgroundError(StrataException e) {
    mutex.lock();
    try {
      if (backgroundError == null) {
        backgroundError = e;
        LOG.error("database {} is now read-only until reopened", dir, e);
      }
      stateChanged.signalAll();
    } finally {
      mutex.unlock();
    }
    return e;
  }

  // ---------------------------------------------------------------- lifecycle and stats

  private void ensureOpen() {
    if (closed) {
      throw new DbClosedException(dir.toString());
    }
  }

  private void ensureWritable() {
    ensureOpen();
    StrataException error = backgroundError;
    if (error != null) {
      throw new StrataIOException("database " + dir + " failed earlier and is read-only until reopened: "
          + error.getMessage(), error);
    }
  }

  @Override
  public DbStats stats() {
    return stats(true);
  }

  /**
   * The stats the JMX bean reads per engine attribute: without the latency distributions, so a
   * poll does not drain every histogram once per attribute (the bean reads latencies directly).
   */
  private DbStats statsWithoutLatencies() {
    return stats(false);
  }

  private DbStats stats(boolean withLatencies) {
    ensureOpen();
    io.stratadb.OperationStats operations = statistics.snapshot(withLatencies);
    mutex.lock();
    try {
      DbState s = state;
      long immutableBytes = 0;
      for (Memtable m : s.immutables()) {
        immutableBytes += m.approximateBytes();
      }
      long slowdowns = counters.slowdowns.get();
      long stops = counters.stops.get();
      return new DbStats(options.compactionStrategy().name(),
          counters.levels(s.version(), picker.scores(s.version())), s.memtable().approximateBytes(),
          s.immutables().size(), immutableBytes, lastSequence, counters.flushes.get(),
          counters.compactions.get(), counters.trivialMoves.get(), counters.bytesIngested.get(),
          counters.flushBytes(), counters.compactionBytesRead(), counters.compactionBytesWritten(),
          slowdowns + stops, slowdowns, stops, counters.stallNanos.get() / 1_000_000, pendingCompactionBytes,
          blockCache == null ? 0 : blockCache.stats().hitCount(),
          blockCache == null ? 0 : blockCache.stats().missCount(),
          blockCache == null ? 0 : blockCache.stats().evictionCount(), snapshots.size(), operations);
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public void close() {
    mutex.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      stateChanged.signalAll();
    } finally {
      mutex.unlock();
    }
    jmx.close();
    boolean interrupted = false;
    for (Thread t : backgroundThreads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    seekPool.close();
    StrataIOException[] failure = new StrataIOException[1];
    writeQueue.exclusive(() -> {
      try {
        wal.close();
      } catch (IOException e) {
        failure[0] = new StrataIOException("closing WAL of " + dir + " failed", e);
      }
    });
    tableCache.close();
    try {
      versions.close();
    } catch (IOException e) {
      failure[0] = failure[0] != null ? failure[0] : new StrataIOException("closing manifest of " + dir + " failed", e);
    }
    try {
      dirLock.close();
    } catch (Exception e) {
      failure[0] = failure[0] != null ? failure[0] : new StrataIOException("releasing lock of " + dir + " failed", e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private void closeWal(Throwable primary) {
    if (wal != null) {
      try {
        wal.close();
      } catch (IOException e) {
        primary.addSuppressed(e);
      }
    }
  }

  /** TEST ONLY: the directory this database lives in. */
  Path directory() {
    return dir;
  }
}
