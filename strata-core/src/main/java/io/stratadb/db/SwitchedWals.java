package io.stratadb.db;

import io.stratadb.env.FileSystem;
import io.stratadb.record.LogWriter;
import io.stratadb.statistics.Statistics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The WALs a memtable switch moved away from whose tails may not be fsynced yet, and whether the
 * directory entry of the newest WAL may not be durable yet. A switch hands the old WAL over here
 * (flushed to the operating system) instead of fsyncing it while every writer waits (RocksDB also
 * leaves closed WALs to be synced later, {@code SyncClosedLogs}).
 *
 * <p>The rule that keeps the history a prefix after a power loss: no byte of a WAL is fsynced before
 * every older WAL is, so {@link #syncAll} runs before any fsync of the live WAL (a sync write,
 * {@code Db.syncWal}). That keeps synced writes; for unsynced ones the operating system may still
 * write a newer WAL back before an older one's tail, and {@code WalRecovery} then stops at the gap
 * in sequence numbers rather than replay past it. A WAL whose memtable was flushed and recorded in
 * the manifest is obsolete and is closed unsynced ({@link #closeObsolete}).
 *
 * <p>Thread-safe. Two locks: {@code syncLock} serialises the fsyncs ({@link #syncAll}, so a sync
 * write's leader waits for a {@code Db.syncWal} caller's fsync of an older WAL rather than skip
 * it) and is held across them; {@code lock} guards the queue, the flag and {@code syncing}, and is
 * never held across an fsync, so a memtable switch ({@link #add}, on the write leader) and a flush
 * ({@link #closeObsolete}) never wait for one. Lock order: {@code syncLock}, then {@code lock}.
 */
final class SwitchedWals {
  private record SwitchedWal(long number, LogWriter writer) {}

  private final FileSystem fs;
  private final Path dir;
  private final Statistics statistics;
  /** Held across the fsyncs of {@link #syncAll}; see the class comment. */
  private final ReentrantLock syncLock = new ReentrantLock();
  private final ReentrantLock lock = new ReentrantLock();
  /** Oldest first. Guarded by lock. */
  private final ArrayDeque<SwitchedWal> unsynced = new ArrayDeque<>();
  /** Whether a WAL was created since the directory's last fsync here began. Guarded by lock. */
  private boolean directoryUnsynced;
  /**
   * The WAL {@link #syncAll} is fsyncing without {@code lock}, or null. A WAL taken off the queue
   * meanwhile ({@link #closeObsolete}) is closed by the syncing thread once its fsync ends.
   * Guarded by lock.
   */
  private SwitchedWal syncing;

  SwitchedWals(FileSystem fs, Path dir, Statistics statistics) {
    this.fs = fs;
    this.dir = dir;
    this.statistics = statistics;
  }

  /**
   * Takes over WAL {@code number}, switched away from with its records flushed to the operating
   * system, after WAL {@code number + k} was created in the directory.
   */
  void add(long number, LogWriter writer) {
    lock.lock();
    try {
      unsynced.addLast(new SwitchedWal(number, writer));
      directoryUnsynced = true;
    } finally {
      lock.unlock();
    }
  }

  /** Bytes appended to WAL {@code number} if it is held here, else -1. */
  long appendedBytes(long number) {
    lock.lock();
    try {
      for (SwitchedWal w : unsynced) {
        if (w.number() == number) {
          return w.writer().size();
        }
      }
      return -1;
    } finally {
      lock.unlock();
    }
  }

  /** Whether {@link #syncAll} has anything to do. */
  boolean pending() {
    lock.lock();
    try {
      return directoryUnsynced || !unsynced.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fsyncs and closes every WAL held here, oldest first, then fsyncs the directory if a WAL was
   * created since its last fsync; returns once every WAL added before the call is fsynced. A WAL
   * whose fsync failed stays held (the caller makes the error sticky; the database is closed
   * without syncing it). Waits for another thread's {@code syncAll}; {@link #add} does not wait
   * for this one.
   *
   * @throws IOException if an fsync or close fails
   */
  void syncAll() throws IOException {
    syncLock.lock();
    try {
      while (true) {
        SwitchedWal next;
        boolean syncDirectory = false;
        lock.lock();
        try {
          next = unsynced.peekFirst();
          if (next == null) {
            // Cleared before the fsync, so a WAL created during it sets the flag again.
            syncDirectory = directoryUnsynced;
            directoryUnsynced = false;
          }
          syncing = next;
        } finally {
          lock.unlock();
        }
        if (next == null) {
          if (syncDirectory) {
            syncDirectory();
          }
          return;
        }
        syncOne(next);
      }
    } finally {
      syncLock.unlock();
    }
  }

  /** Fsyncs {@code wal}, then drops and closes it. REQUIRES: syncLock held, {@code syncing == wal}. */
  private void syncOne(SwitchedWal wal) throws IOException {
    IOException failure = null;
    try {
      wal.writer().sync();
      statistics.recordWalSync();
    } catch (IOException e) {
      failure = e;
    }
    lock.lock();
    try {
      syncing = null;
      boolean held = unsynced.peekFirst() == wal;
      if (failure == null && held) {
        unsynced.pollFirst();
      }
      if (failure == null || !held) { // not held: closeObsolete dropped it and left the close here
        wal.writer().close();
      }
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    } finally {
      lock.unlock();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void syncDirectory() throws IOException {
    boolean synced = false;
    try {
      fs.syncDirectory(dir);
      synced = true;
    } finally {
      if (!synced) {
        lock.lock();
        try {
          directoryUnsynced = true;
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /**
   * Closes, without fsync, the WALs numbered below {@code logNumber}: the manifest no longer needs
   * them, as their memtables are in SSTables.
   *
   * @throws IOException if a close fails (the WAL is dropped regardless)
   */
  void closeObsolete(long logNumber) throws IOException {
    lock.lock();
    try {
      while (!unsynced.isEmpty() && unsynced.peekFirst().number() < logNumber) {
        SwitchedWal obsolete = unsynced.pollFirst();
        if (obsolete != syncing) { // else syncAll closes it when its fsync ends
          obsolete.writer().close();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes every WAL held here without fsync (closing the database, which does not sync the live
   * WAL either), adding each failure to {@code failure}'s suppressed ones or returning the first.
   *
   * @return the first failure if {@code failure} is null and a close failed, else {@code failure}
   */
  IOException closeAll(IOException failure) {
    syncLock.lock(); // a Db.syncWal caller's fsync ends before its WAL is closed
    lock.lock();
    try {
      while (!unsynced.isEmpty()) {
        try {
          unsynced.pollFirst().writer().close();
        } catch (IOException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      return failure;
    } finally {
      lock.unlock();
      syncLock.unlock();
    }
  }
}
