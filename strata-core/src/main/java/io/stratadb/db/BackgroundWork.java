package io.stratadb.db;

import io.stratadb.Options;
import io.stratadb.StrataException;
import io.stratadb.StrataIOException;
import io.stratadb.compaction.CompactionJob;
import io.stratadb.compaction.CompactionPicker;
import io.stratadb.compaction.CompactionTask;
import io.stratadb.compaction.TableSink;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.SeekBudget;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.memtable.Memtable;
import io.stratadb.sstable.TableCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flush and compaction scheduling (Pebble's {@code compaction_scheduler.go}, LevelDB's {@code
 * BackgroundCall}): the flush thread writes immutable memtables to L0 oldest first and runs
 * obsolete-file collection; {@code maxBackgroundJobs - 1} compaction threads run whatever the
 * {@link CompactionPicker} chooses, concurrently on disjoint tables and output levels; {@link
 * #compactRange} runs manual compactions on the caller's thread; a preload thread opens the
 * tables of the version current at open.
 *
 * <p>Locking: the fields below are guarded by the DB mutex. Each job picks and marks its work
 * under the mutex and releases it while writing tables and while its edit is written to the
 * manifest ({@link DbImpl#logAndApply}).
 */
final class BackgroundWork {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);
  /** How often the flush thread checks that the {@code LOCK} file is still the locked one, in ns (1 s). */
  private static final long LOCK_CHECK_NANOS = 1_000_000_000L;

  private final DbImpl db;
  private final Path dir;
  private final Options options;
  private final TableCache tableCache;
  private final TableOutputs outputs;
  private final ObsoleteFiles obsoleteFiles;
  private final CompactionPicker picker;
  private final DbCounters counters;
  private final List<Thread> threads = new ArrayList<>();
  /** Fsyncs finished compaction outputs while the compaction builds the next (see {@link TableSink}). */
  private final ExecutorService syncPool;
  /** {@link #syncPool}, or the calling thread once it is shut down (a manual compaction racing close). */
  private final Executor syncer;

  // ---- Guarded by the DB mutex.
  /** A version lost its last reference, or an install replaced one: files may be obsolete. */
  private boolean obsoleteFilesPending;
  /** Tables read and levels written by running compactions. */
  private final Set<Long> busyFiles = new HashSet<>();
  private final Set<Integer> busyOutputLevels = new HashSet<>();
  private int runningCompactions;
  /** The flush thread is writing an L0 table (its file number may already be taken). */
  private boolean flushRunning;
  /** A compactRange is running: background compactions wait. */
  private boolean manualCompaction;
  /** A table that ran out of its seek allowance, waiting for a compaction thread. */
  private SeekBudget.Exhausted pendingSeekCompaction;

  /** TEST ONLY: runs after a compaction wrote its outputs, before it installs them. */
  private volatile Runnable beforeCompactionInstall = () -> { };

  BackgroundWork(DbImpl db, Path dir, Options options, TableCache tableCache, TableOutputs outputs,
      ObsoleteFiles obsoleteFiles, CompactionPicker picker, DbCounters counters) {
    this.db = db;
    this.dir = dir;
    this.options = options;
    this.tableCache = tableCache;
    this.outputs = outputs;
    this.obsoleteFiles = obsoleteFiles;
    this.picker = picker;
    this.counters = counters;
    threads.add(new Thread(this::flushLoop, "strata-flush-" + dir.getFileName()));
    for (int i = 1; i < options.maxBackgroundJobs(); i++) {
      threads.add(new Thread(this::compactionLoop, "strata-compact-" + i + "-" + dir.getFileName()));
    }
    if (options.preloadTables()) {
      threads.add(new Thread(this::preloadTables, "strata-preload-" + dir.getFileName()));
    }
    threads.forEach(t -> t.setDaemon(true));
    String syncName = "strata-sync-" + dir.getFileName();
    syncPool = Executors.newCachedThreadPool(task -> {
      Thread t = new Thread(task, syncName);
      t.setDaemon(true);
      return t;
    });
    syncer = task -> {
      try {
        syncPool.execute(task);
      } catch (RejectedExecutionException closed) {
        task.run();
      }
    };
  }

  /** Starts the threads. REQUIRES: the state is published. */
  void start() {
    threads.forEach(Thread::start);
  }

  /**
   * Waits for the threads to stop after the database was marked closed.
   *
   * @return whether the wait was interrupted (the interrupt is to be restored by the caller)
   */
  boolean join() {
    boolean interrupted = false;
    for (Thread t : threads) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    syncPool.shutdown(); // every compaction awaited its syncs before it ended
    return interrupted;
  }

  /** Notes that files may have become obsolete and wakes the flush thread. Takes the DB mutex. */
  void onVersionDropped() {
    db.mutex.lock();
    try {
      obsoleteFilesPending = true;
      db.stateChanged.signalAll();
    } finally {
      db.mutex.unlock();
    }
  }

  /** Hands a table that ran out of its seek allowance to the compaction threads. Takes the DB mutex. */
  void requestSeekCompaction(SeekBudget.Exhausted exhausted) {
    if (exhausted == null) {
      return; // another lookup took it
    }
    db.mutex.lock();
    try {
      if (pendingSeekCompaction == null) {
        pendingSeekCompaction = exhausted;
        db.stateChanged.signalAll();
      }
    } finally {
      db.mutex.unlock();
    }
  }

  /**
   * Opens the tables of the version current at open into the table cache, L0 first, until the
   * cache is full, a table's index and filter would pass the block cache's budget ({@link
   * TableCache#preload}: tables beyond it open when first read) or the database closes (RocksDB
   * opens every table at open when {@code max_open_files} is -1). A table that fails to open is
   * left to the read that needs it, which reports the error.
   */
  private void preloadTables() {
    Version version = db.state().version();
    if (!version.tryRetain()) {
      return;
    }
    try {
      for (int level = 0; level < Version.NUM_LEVELS; level++) {
        for (FileMetadata file : version.files(level)) {
          if (db.isClosed() || tableCache.size() >= options.maxOpenFiles()) {
            return;
          }
          try {
            if (!tableCache.preload(file.number())) {
              LOG.debug("preloading stopped at table {}: its index and filter pass the memory budget", file.number());
              return;
            }
          } catch (RuntimeException e) {
            LOG.debug("preloading table {} failed; its first read will report it", file.number(), e);
          }
        }
      }
    } finally {
      version.release();
    }
  }

  /**
   * The flush thread: flushes immutable memtables oldest first, deletes obsolete files, and checks
   * the {@code LOCK} file every {@link #LOCK_CHECK_NANOS}.
   */
  private void flushLoop() {
    long nextLockCheck = System.nanoTime() + LOCK_CHECK_NANOS;
    db.mutex.lock();
    try {
      while (!db.isClosed()) {
        if (System.nanoTime() - nextLockCheck >= 0) {
          nextLockCheck = System.nanoTime() + LOCK_CHECK_NANOS;
          db.mutex.unlock(); // a stat is I/O
          try {
            db.verifyLock();
          } catch (StrataIOException lost) {
            // recorded as the background error: writes now fail
          } finally {
            db.mutex.lock();
          }
          continue;
        }
        if (db.backgroundError() == null) {
          try {
            if (!db.state().immutables().isEmpty()) {
              flushOldestImmutable();
              continue;
            }
            if (obsoleteFilesPending) {
              deleteObsoleteFilesUnlocked();
              continue;
            }
          } catch (RuntimeException | IOException e) {
            db.setBackgroundError(asStrataException("flush", e));
          } catch (Error e) {
            db.setBackgroundError(new StrataException("flush failed in " + dir, e)); // writers must not wait forever
            throw e;
          }
        }
        awaitUntil(nextLockCheck);
      }
    } finally {
      db.mutex.unlock();
    }
  }

  /** Waits for a state change or until {@code deadline} (nanoTime). REQUIRES: DB mutex held. */
  private void awaitUntil(long deadline) {
    try {
      db.stateChanged.awaitNanos(Math.max(1, deadline - System.nanoTime()));
    } catch (InterruptedException e) {
      // Background threads are never interrupted; keeping the flag would make every wait return at once.
    }
  }

  /** A compaction thread: runs whatever the picker chooses, concurrently with the others. */
  private void compactionLoop() {
    db.mutex.lock();
    try {
      while (!db.isClosed()) {
        if (db.backgroundError() == null && !manualCompaction) {
          Version current = db.state().version();
          CompactionTask task = picker.pick(current, busyFiles, busyOutputLevels);
          if (task == null && pendingSeekCompaction != null) {
            SeekBudget.Exhausted seeks = pendingSeekCompaction;
            pendingSeekCompaction = null; // tried once; its next wasted read offers it again
            task = picker.pickSeekCompaction(current, seeks.level(), seeks.file(), busyFiles, busyOutputLevels);
          }
          // A merge into L0 must be numbered below every table flushed after it, so it waits
          // for a flush that may already hold a lower number.
          if (task != null && !(writesLevel0(task) && flushRunning)) {
            try {
              runCompaction(task);
            } catch (RuntimeException | IOException e) {
              db.setBackgroundError(asStrataException("compaction", e));
            } catch (Error e) {
              db.setBackgroundError(new StrataException("compaction failed in " + dir, e));
              throw e;
            }
            continue;
          }
        }
        db.stateChanged.awaitUninterruptibly();
      }
    } finally {
      db.mutex.unlock();
    }
  }

  /**
   * Waits until {@code target}, an immutable memtable, has been flushed and left the published
   * state. Takes the DB mutex; must not be called holding it.
   *
   * @throws StrataException the background error, if the database fails meanwhile
   * @throws io.stratadb.DbClosedException if it is closed meanwhile
   */
  void awaitFlushed(Memtable target) {
    db.mutex.lock();
    try {
      while (db.state().immutables().contains(target)) {
        db.ensureWritable();
        db.stateChanged.awaitUninterruptibly();
      }
    } finally {
      db.mutex.unlock();
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

  /**
   * REQUIRES: DB mutex held; releases it while writing the table and the manifest. {@code
   * flushRunning} stays set until the table is installed, so no merge into L0 takes a number
   * above it meanwhile.
   */
  private void flushOldestImmutable() throws IOException {
    assert db.holdsMutex();
    List<Memtable> imms = db.state().immutables();
    Memtable oldest = imms.get(imms.size() - 1);
    VersionEdit edit = new VersionEdit();
    long start = System.nanoTime();
    flushRunning = true;
    try {
      db.mutex.unlock();
      try {
        outputs.writeLevel0Table(oldest, edit);
      } finally {
        db.mutex.lock();
      }
      imms = db.state().immutables();
      // Only this thread removes immutables, so the oldest is still last and its successor's WAL
      // is the oldest one still needed.
      Memtable next = imms.size() >= 2 ? imms.get(imms.size() - 2) : db.state().memtable();
      edit.logNumber(next.logNumber()).lastSequence(db.lastSequence());
      db.logAndApply(edit, (state, version) -> state.afterFlush(oldest, version));
      // Counted before the mutex is released again: a flush() waiting for this memtable returns
      // once it sees the new state, and must see the flush counted.
      counters.flushed(edit.newFiles().stream().mapToLong(f -> f.file().size()).sum(), System.nanoTime() - start);
      db.memtableBudget.release(oldest); // dropped from the state: charged until no iterator reads it
      // Only once installed: after a failed manifest write the record may still be on disk, so
      // the table stays protected from deletion until the database is reopened.
      edit.newFiles().forEach(f -> outputs.release(f.file().number()));
    } finally {
      flushRunning = false;
      db.stateChanged.signalAll();
    }
    db.mutex.unlock(); // closing files is I/O
    try {
      db.writePath.closeObsoleteWals(edit.logNumber());
    } finally {
      db.mutex.lock();
    }
    deleteObsoleteFilesUnlocked();
  }

  /**
   * Deletes obsolete files now, on this thread, with the DB mutex released (a job's own inputs,
   * so that they do not pile up while the flush thread is busy). REQUIRES: DB mutex held.
   */
  private void deleteObsoleteFilesUnlocked() {
    obsoleteFilesPending = false;
    db.mutex.unlock();
    try {
      obsoleteFiles.deleteObsoleteFiles();
    } finally {
      db.mutex.lock();
    }
  }

  private static boolean writesLevel0(CompactionTask task) {
    return task.outputLevel() == 0 && !task.trivialMove();
  }

  /**
   * Runs {@code task} and installs its result. REQUIRES: DB mutex held; releases it while merging
   * and while writing the manifest. The task's tables and output level are marked busy meanwhile.
   */
  private void runCompaction(CompactionTask task) throws IOException {
    assert db.holdsMutex();
    Version base = db.state().version();
    base.tryRetain();
    Set<Long> inputs = task.fileNumbers();
    busyFiles.addAll(inputs);
    busyOutputLevels.add(task.outputLevel());
    runningCompactions++;
    long start = System.nanoTime();
    // Iterators pin the versions they read; snapshots (and transactions, which hold one) read on
    // through new versions, so compaction keeps what each of them sees.
    CompactionJob job = new CompactionJob(task, base, db.snapshots().sequences(), options.compactionFilter());
    TableSink sink = null;
    long level0Output = -1;
    boolean installed = false;
    boolean outputsWritten = false;
    try {
      VersionEdit edit;
      if (task.trivialMove()) {
        edit = job.moveEdit();
      } else {
        if (writesLevel0(task)) {
          long number = outputs.newOutputNumber();
          level0Output = number;
          sink = new TableSink(db.fileSystem(), dir, outputs.tableSettings(0), () -> number, Long.MAX_VALUE);
        } else {
          sink = new TableSink(db.fileSystem(), dir, outputs.tableSettings(task.outputLevel()),
              outputs::newOutputNumber, options.targetFileSize(), syncer);
        }
        db.mutex.unlock();
        try {
          edit = job.run(tableCache, sink);
          outputsWritten = true;
          beforeCompactionInstall.run();
        } catch (IOException | RuntimeException e) {
          sink.abandon(e);
          throw e;
        } finally {
          db.mutex.lock();
        }
      }
      edit.lastSequence(db.lastSequence());
      db.logAndApply(edit, DbState::withVersion);
      installed = true;
      long written = edit.newFiles().stream().mapToLong(f -> f.file().size()).sum();
      counters.compacted(task, written, System.nanoTime() - start);
      LOG.debug("compaction {}: {} entries in, {} dropped, {} bytes written", task, job.entriesIn(),
          job.entriesDropped(), written);
    } finally {
      // Outputs stay protected if their edit may have reached the manifest without being
      // installed (a failed manifest write); abandoned or installed ones are released.
      if (installed || !outputsWritten) {
        if (sink != null) {
          sink.allocatedNumbers().forEach(outputs::release);
        }
        outputs.release(level0Output);
      }
      base.release();
      busyFiles.removeAll(inputs);
      busyOutputLevels.remove(task.outputLevel());
      runningCompactions--;
      db.stateChanged.signalAll();
    }
    deleteObsoleteFilesUnlocked();
  }

  /**
   * Compacts {@code [lower, upper]} (null: unbounded) down through the levels on the calling
   * thread, after a flush, while background compactions wait (RocksDB's {@code CompactRange}).
   *
   * @throws StrataIOException if a compaction fails; the database is then read-only
   */
  void compactRange(byte[] lower, byte[] upper) {
    db.mutex.lock();
    try {
      while (manualCompaction) {
        db.ensureWritable();
        db.stateChanged.awaitUninterruptibly();
      }
      manualCompaction = true;
      try {
        while (runningCompactions > 0) {
          db.ensureWritable();
          db.stateChanged.awaitUninterruptibly();
        }
        int lastOutputLevel = -1;
        for (int level = 0; level < picker.maxLevel(); level++) {
          db.ensureWritable();
          Version current = db.state().version();
          if (level > 0 && !hasOverlapBelow(current, level, lower, upper)) {
            break;
          }
          CompactionTask task = picker.pickManual(current, level, lower, upper);
          if (task != null) {
            runCompaction(task);
            lastOutputLevel = task.outputLevel();
          }
        }
        CompactionTask bottommost = picker.pickBottommost(db.state().version(), lower, upper);
        if (bottommost != null && bottommost.outputLevel() != lastOutputLevel) {
          runCompaction(bottommost);
        }
      } catch (IOException e) {
        throw db.setBackgroundError(new StrataIOException("manual compaction failed in " + dir, e));
      } finally {
        manualCompaction = false;
        db.stateChanged.signalAll();
      }
    } finally {
      db.mutex.unlock();
    }
  }

  /** Whether a level deeper than {@code level} holds tables overlapping the range (null: unbounded). */
  private static boolean hasOverlapBelow(Version version, int level, byte[] lower, byte[] upper) {
    for (int l = level + 1; l < Version.NUM_LEVELS; l++) {
      if (!version.overlapping(l, lower, upper).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** TEST ONLY: runs {@code hook} after a compaction wrote its outputs and before it installs them. */
  void setBeforeCompactionInstall(Runnable hook) {
    this.beforeCompactionInstall = hook == null ? () -> { } : hook;
  }
}
