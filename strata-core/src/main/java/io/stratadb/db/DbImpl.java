package io.stratadb.db;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbClosedException;
import io.stratadb.DbIterator;
import io.stratadb.DbStats;
import io.stratadb.OperationStats;
import io.stratadb.Options;
import io.stratadb.ReadOptions;
import io.stratadb.Snapshot;
import io.stratadb.StrataException;
import io.stratadb.StrataIOException;
import io.stratadb.Transaction;
import io.stratadb.TransactionOptions;
import io.stratadb.WriteBatch;
import io.stratadb.WriteOptions;
import io.stratadb.compaction.CompactionPicker;
import io.stratadb.env.FileLockHandle;
import io.stratadb.env.FileSystem;
import io.stratadb.manifest.SeekBudget;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.memtable.Memtable;
import io.stratadb.sstable.BlockCache;
import io.stratadb.sstable.TableCache;
import io.stratadb.statistics.JmxRegistration;
import io.stratadb.statistics.Statistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link Db} (LevelDB's {@code db/db_impl.h}, Pebble's {@code db.go}): the API,
 * the DB mutex and the state it publishes. The work lives in rooms of its own:
 *
 * <ul>
 *   <li>{@link DbOpen}: open, recovery from the manifest and the WALs;
 *   <li>{@link WritePath}: the commit group, write stalls, the memtable switch, the WAL;
 *   <li>{@link ReadPath}: get, multiGet, iterators, the transaction reads;
 *   <li>{@link BackgroundWork}: the flush and compaction threads, compactRange, preloading;
 *   <li>{@link ObsoleteFiles} and {@link TableOutputs}: which files may be deleted, which are being written.
 * </ul>
 *
 * <p>Locks, in the order they are taken: write leadership ({@link WriteQueue}), then {@link
 * #manifestLock}, then {@link #mutex}. The mutex guards the published state's transitions and
 * the background bookkeeping and is never held across file I/O: the manifest is written under
 * the manifest lock alone ({@link #logAndApply}), obsolete files are deleted and WALs switched
 * without it. Readers take no lock: they pin the published {@link DbState}'s version.
 *
 * <p>Thread safety: thread-safe.
 */
final class DbImpl implements Db {
  private static final Logger LOG = LoggerFactory.getLogger(DbImpl.class);

  // ---- Immutable after open; each component is thread-safe itself.
  private final Path dir;
  private final Options options;
  private final FileSystem fs;
  /** Null for a read-only database, which takes no lock. */
  private final FileLockHandle dirLock;
  /** Opened by {@link DbOpen#openReadOnly}: writes nothing, refuses writes. */
  private final boolean readOnly;
  private final VersionSet versions;
  private final TableCache tableCache;
  /** Null when disabled. */
  private final BlockCache blockCache;
  private final Statistics statistics;
  private final DbCounters counters;
  private final SnapshotList snapshots = new SnapshotList();
  private final CompactionPicker picker;

  // ---- The rooms.
  /** The memtables' part of the memory budget. */
  final MemtableBudget memtableBudget;
  final TableOutputs outputs;
  final ObsoleteFiles obsoleteFiles;
  final WritePath writePath;
  final ReadPath readPath;
  private final BackgroundWork background;

  // ---- Serialises manifest writers; held from an edit's write to its state's publication, so
  // the published version is the VersionSet's current one whenever it is free. Never taken while
  // holding the mutex.
  private final ReentrantLock manifestLock = new ReentrantLock();

  // ---- The DB mutex, and what it guards: the volatile fields are written under it and read freely.
  final ReentrantLock mutex = new ReentrantLock();
  /** Signalled on every state change: stalled writers, flush callers and background threads wait on it. */
  final Condition stateChanged = mutex.newCondition();
  private volatile DbState state;
  /** The picker's pending-bytes estimate for the published version; drives write stalls. */
  private volatile long pendingCompactionBytes;
  /** The first background or WAL failure; sticky. */
  private volatile StrataException backgroundError;
  private volatile boolean closed;

  // ---- Written by the write leader (and by recovery), read freely.
  /** Sequence number of the newest write visible to readers. */
  private volatile long lastSequence;

  /** The JMX MBean of this database; replaced once by open, closed by close. */
  private volatile JmxRegistration jmx = JmxRegistration.none();

  /**
   * Builds the engine around a recovered or created {@code versions}; {@link DbOpen} then recovers
   * the WALs, publishes the first state and starts the background threads. A {@code readOnly}
   * database has no lock ({@code dirLock} null), no WAL and no running background threads, and
   * refuses every write.
   */
  DbImpl(Path dir, Options options, FileLockHandle dirLock, java.util.function.Function<Runnable, VersionSet> openVersions,
      boolean readOnly) {
    this.readOnly = readOnly;
    this.dir = dir;
    this.options = options;
    this.fs = options.fileSystem();
    this.dirLock = dirLock;
    io.stratadb.MemoryBudget budget = options.memoryBudget();
    this.blockCache = options.blockCacheSize() == 0 ? null : BlockCache.forBudget(options.blockCacheSize(), budget, readOnly);
    this.statistics = new Statistics(options.statistics());
    this.counters = new DbCounters(statistics);
    this.memtableBudget = new MemtableBudget(this, counters, budget, blockCache);
    this.tableCache = new TableCache(fs, n -> io.stratadb.manifest.FileNames.table(dir, n), options.maxOpenFiles(),
        blockCache, statistics, () -> options.readPath().readMode().maps(this::tableBytes, options.readPath().mmapBudgetBytes()),
        io.stratadb.sstable.TableReadOptions.of(options.readPath(), options.blockCacheSize()));
    this.versions = openVersions.apply(this::onVersionDropped);
    this.picker = CompactionPicker.of(options.compactionStrategy());
    SeekBudget seekBudget = options.seekCompaction() ? new SeekBudget() : null;
    this.outputs = new TableOutputs(fs, dir, options, versions);
    this.obsoleteFiles = new ObsoleteFiles(fs, dir, versions, outputs, tableCache, seekBudget, this::ownsDirectory);
    this.writePath = new WritePath(this, dir, options, statistics, counters);
    this.readPath = new ReadPath(this, tableCache, statistics, snapshots, seekBudget);
    this.background = new BackgroundWork(this, dir, options, tableCache, outputs, obsoleteFiles, picker, counters);
  }

  // ---------------------------------------------------------------- the API

  @Override
  public void put(byte[] key, byte[] value) {
    writePath.put(key, value, WriteOptions.defaults());
  }

  @Override
  public void put(byte[] key, byte[] value, WriteOptions writeOptions) {
    writePath.put(key, value, writeOptions);
  }

  @Override
  public void delete(byte[] key) {
    writePath.delete(key, WriteOptions.defaults());
  }

  @Override
  public void delete(byte[] key, WriteOptions writeOptions) {
    writePath.delete(key, writeOptions);
  }

  @Override
  public void write(WriteBatch batch) {
    writePath.write(batch, WriteOptions.defaults());
  }

  @Override
  public void write(WriteBatch batch, WriteOptions writeOptions) {
    writePath.write(batch, writeOptions);
  }

  @Override
  public byte[] get(byte[] key) {
    return readPath.get(key, ReadOptions.defaults());
  }

  @Override
  public byte[] get(byte[] key, ReadOptions readOptions) {
    return readPath.get(key, readOptions);
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys) {
    return readPath.multiGet(keys, ReadOptions.defaults());
  }

  @Override
  public List<byte[]> multiGet(List<byte[]> keys, ReadOptions readOptions) {
    return readPath.multiGet(keys, readOptions);
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
    return readPath.iterator(Bound.unbounded(), Bound.unbounded(), readOptions, false);
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
    return readPath.iterator(lower, upper, readOptions, true);
  }

  @Override
  public Snapshot getSnapshot() {
    ensureOpen();
    return snapshots.take(() -> lastSequence);
  }

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

  @Override
  public void syncWal() {
    writePath.syncWal();
  }

  @Override
  public void flush() {
    ensureWritable();
    Memtable target = writePath.switchForFlush();
    if (target != null) {
      background.awaitFlushed(target);
    }
  }

  @Override
  public void compactRange(Bound lower, Bound upper) {
    if (lower == null || upper == null) {
      throw new IllegalArgumentException("bounds must not be null; use Bound.unbounded()");
    }
    ensureWritable();
    flush();
    background.compactRange(lower.isUnbounded() ? null : lower.key(), upper.isUnbounded() ? null : upper.key());
  }

  @Override
  public void checkpoint(Path target) {
    ensureWritable(); // a read-only database has no WAL to copy
    writePath.flushUnlogged(); // writes made without the WAL are in no file the checkpoint copies
    new Checkpointer(fs, dir).create(target, () -> {
      Checkpointer.LiveFiles[] live = new Checkpointer.LiveFiles[1];
      writePath.exclusive(() -> { // no write runs, so every WAL ends on a record boundary
        ensureWritable(); // unless one failed: its WAL may end mid-record
        manifestLock.lock(); // no flush or compaction installs meanwhile, and the WALs stay
        try {
          DbState s = state;
          live[0] = Checkpointer.capture(fs, dir, s.version(), versions.logNumber(), s.memtablesNewestFirst(),
              writePath::walBytes, lastSequence, versions.newFileNumber());
        } finally {
          manifestLock.unlock();
        }
      });
      return live[0];
    });
  }

  @Override
  public DbStats stats() {
    return stats(true);
  }

  /**
   * The stats the JMX bean reads per engine attribute: without the latency distributions, so a
   * poll does not drain every histogram once per attribute (the bean reads latencies directly).
   */
  DbStats statsWithoutLatencies() {
    return stats(false);
  }

  private DbStats stats(boolean withLatencies) {
    ensureOpen();
    OperationStats operations = statistics.snapshot(withLatencies);
    DbState s = state; // one published state: its memtables and version belong together
    long immutableBytes = 0;
    for (Memtable m : s.immutables()) {
      immutableBytes += m.approximateBytes();
    }
    long slowdowns = counters.slowdowns.get();
    long stops = counters.stops.get();
    BlockCache.Stats cache = blockCache == null ? new BlockCache.Stats(0, 0, 0) : blockCache.stats();
    return new DbStats(options.compactionStrategy().name(),
        counters.levels(s.version(), picker.scores(s.version())), s.memtable().approximateBytes(),
        s.immutables().size(), immutableBytes, memtableBudget.chargedBytes(), lastSequence, counters.flushes.get(),
        counters.compactions.get(), counters.trivialMoves.get(), counters.bytesIngested.get(),
        counters.flushBytes(), counters.compactionBytesRead(), counters.compactionBytesWritten(),
        slowdowns + stops, slowdowns, stops, counters.stallNanos.get() / 1_000_000, pendingCompactionBytes,
        cache.hitCount(), cache.missCount(), cache.evictionCount(), snapshots.size(), operations);
  }

  @Override
  public void close() {
    StrataIOException failure = writePath.flushUnloggedBeforeClose();
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
    boolean interrupted = background.join();
    readPath.close();
    try {
      writePath.close();
    } catch (StrataIOException e) {
      failure = failure != null ? failure : e;
    }
    try {
      tableCache.close();
    } finally {
      if (blockCache != null) {
        blockCache.close(); // its direct memory is freed now, or as the last reader (an open iterator) lets go
      }
    }
    manifestLock.lock(); // a compactRange or checkpoint on a user thread finishes its manifest write first
    try {
      versions.close();
    } catch (IOException e) {
      failure = failure != null ? failure : new StrataIOException("closing manifest of " + dir + " failed", e);
    } finally {
      manifestLock.unlock();
    }
    try {
      if (dirLock != null) {
        dirLock.close();
      }
    } catch (Exception e) {
      failure = failure != null ? failure : new StrataIOException("releasing lock of " + dir + " failed", e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      throw failure;
    }
  }

  // ---------------------------------------------------------------- the published state

  DbState state() {
    return state;
  }

  /** Total bytes of the current version's tables, {@link io.stratadb.ReadMode#AUTO}'s measure. */
  private long tableBytes() {
    Version current = versions.current();
    long bytes = 0;
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      bytes += current.levelBytes(level);
    }
    return bytes;
  }

  long lastSequence() {
    return lastSequence;
  }

  /** Makes writes up to {@code sequence} visible. REQUIRES: write leader, or recovery. */
  void publishSequence(long sequence) {
    lastSequence = sequence;
  }

  long pendingCompactionBytes() {
    return pendingCompactionBytes;
  }

  boolean holdsMutex() {
    return mutex.isHeldByCurrentThread();
  }

  /** Publishes the first state, at open. REQUIRES: mutex held; no state yet. */
  void publishFirstState(DbState first) {
    assert holdsMutex() && state == null;
    first.version().tryRetain();
    state = first;
    pendingCompactionBytes = picker.pendingCompactionBytes(first.version());
  }

  /** Publishes {@code next}, moving the state's version reference. REQUIRES: mutex held. */
  private void install(DbState next) {
    assert holdsMutex();
    next.version().tryRetain();
    DbState old = state;
    state = next;
    old.version().release();
    pendingCompactionBytes = picker.pendingCompactionBytes(next.version());
    stateChanged.signalAll();
  }

  /**
   * Publishes a memtable switch: {@code fresh} becomes the live memtable, the old one the newest
   * immutable. Takes the mutex. REQUIRES: write leader (the only thread that switches).
   */
  void publishSwitchedMemtable(Memtable fresh) {
    mutex.lock();
    try {
      install(state.rotate(fresh));
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Appends {@code edit} to the manifest, fsyncs it, and publishes {@code next.apply(state,
   * version)} for the resulting version (LevelDB's {@code VersionSet::LogAndApply}, which releases
   * the mutex for the write). Manifest writers are serialised by the manifest lock.
   * REQUIRES: mutex held; it is released while waiting for the manifest lock and writing, and
   * held again on return, also when this throws.
   *
   * @throws StrataIOException if the manifest write or sync fails; nothing is published
   */
  void logAndApply(VersionEdit edit, BiFunction<DbState, Version, DbState> next) {
    assert holdsMutex();
    mutex.unlock();
    boolean relocked = false;
    manifestLock.lock();
    try {
      verifyLock();
      versions.logAndApply(edit);
      mutex.lock();
      relocked = true;
      install(next.apply(state, versions.current()));
    } finally {
      if (!relocked) {
        mutex.lock();
      }
      manifestLock.unlock();
    }
  }

  // ---------------------------------------------------------------- errors and lifecycle

  StrataException backgroundError() {
    return backgroundError;
  }

  boolean isClosed() {
    return closed;
  }

  /** Records the first failure; later writes fail with it. Returns it for throwing. Takes the mutex. */
  StrataException setBackgroundError(StrataException e) {
    boolean first;
    mutex.lock();
    try {
      first = backgroundError == null;
      if (first) {
        backgroundError = e;
      }
      stateChanged.signalAll();
    } finally {
      mutex.unlock();
    }
    if (first) {
      LOG.error("database {} is now read-only until reopened", dir, e); // logging is I/O: not under the mutex
    }
    return e;
  }

  /** @throws DbClosedException if the database is closed */
  void ensureOpen() {
    if (closed) {
      throw new DbClosedException(dir.toString());
    }
  }

  /**
   * @throws DbClosedException if the database is closed
   * @throws StrataIOException if an earlier failure made it read-only
   */
  void ensureWritable() {
    ensureOpen();
    if (readOnly) {
      throw new UnsupportedOperationException("database " + dir + " was opened read-only");
    }
    StrataException error = backgroundError;
    if (error != null) {
      throw new StrataIOException("database " + dir + " failed earlier and is read-only until reopened: "
          + error.getMessage(), error);
    }
  }

  /**
   * Turns the database read-only if its {@code LOCK} file was deleted or replaced since open (a
   * second process could then lock a new one and open the database too): called before each
   * synced write, WAL switch and manifest write, and once a second by the flush thread. Touches
   * the file system, so never under the mutex.
   *
   * @throws StrataIOException if the lock was lost (now or earlier)
   */
  void verifyLock() {
    assert !holdsMutex();
    if (dirLock != null && !dirLock.isValid()) {
      StrataIOException lost = new StrataIOException("the LOCK file of " + dir + " was deleted or replaced while the"
          + " database was open; another process may have opened it, so this one is read-only until reopened");
      setBackgroundError(lost);
      throw lost;
    }
  }

  /** {@link #verifyLock()} as a boolean: false (and the database read-only) once the lock is lost. */
  private boolean ownsDirectory() {
    try {
      verifyLock();
      return true;
    } catch (StrataIOException lost) {
      return false;
    }
  }

  private void onVersionDropped() {
    BackgroundWork work = background; // null while the constructor recovers the manifest
    if (work != null) {
      work.onVersionDropped();
    }
  }

  // ---------------------------------------------------------------- for DbOpen and tests

  VersionSet versions() {
    return versions;
  }

  FileSystem fileSystem() {
    return fs;
  }

  SnapshotList snapshots() {
    return snapshots;
  }

  BackgroundWork background() {
    return background;
  }

  /** The block cache, or null when disabled. */
  BlockCache blockCache() {
    return blockCache;
  }

  Options options() {
    return options;
  }

  /** Registers the MBean and starts the background threads. REQUIRES: the first state is published. */
  void start() {
    jmx = JmxRegistration.forDb(options.jmx(), dir, this::statsWithoutLatencies, statistics);
    background.start();
  }

  /** Closes what a failed open had opened, adding failures to {@code primary}. */
  void closeAfterFailedOpen(Throwable primary) {
    jmx.close();
    try {
      tableCache.close();
      if (blockCache != null) {
        blockCache.close();
      }
    } catch (RuntimeException suppressed) {
      primary.addSuppressed(suppressed);
    }
    writePath.closeAfterFailedOpen(primary);
  }
}
