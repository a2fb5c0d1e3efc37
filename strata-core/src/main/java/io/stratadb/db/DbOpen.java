package io.stratadb.db;

import io.stratadb.CorruptionException;
import io.stratadb.Db;
import io.stratadb.DbProvider;
import io.stratadb.Options;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileLockHandle;
import io.stratadb.env.FileSystem;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.manifest.VersionSet;
import io.stratadb.memtable.Memtable;
import io.stratadb.record.LogWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a database (Pebble's {@code open.go}, LevelDB's {@code DB::Open} and {@code
 * DBImpl::Recover}): locks the directory, creates or recovers the manifest, replays the WALs the
 * manifest does not cover into L0 tables, starts a new WAL, publishes the first state, deletes
 * obsolete files and starts the background threads. Never deletes what it did not create: a
 * directory with database files but no {@code CURRENT} is refused.
 *
 * <p>Found by {@link Db#open} as the {@link DbProvider}. Thread safety: {@link #open} may be called from any thread; one directory is opened by one
 * {@code Db} at a time (the {@code LOCK} file).
 */
public final class DbOpen implements DbProvider {
  private static final Logger LOG = LoggerFactory.getLogger(DbOpen.class);

  /** For {@link java.util.ServiceLoader}; {@link Db#open} is the way in. */
  public DbOpen() {}

  @Override
  public Db open(Path dir, Options options) {
    return openDb(dir, options);
  }

  /** How often a read-only open reads a manifest again that a writer changed under it. */
  private static final int READ_ONLY_ATTEMPTS = 5;

  @Override
  public Db openReadOnly(Path dir, Options options) {
    requireArguments(dir, options);
    FileSystem fs = options.fileSystem();
    for (int attempt = 1; ; attempt++) {
      String before = manifestState(fs, dir);
      try {
        return openReadOnlyOnce(fs, dir, options);
      } catch (CorruptionException | StrataIOException e) {
        // A process writing the database may have switched or extended the manifest and deleted
        // the files the old one named between our reads: that is no damage, so read it again.
        if (attempt == READ_ONLY_ATTEMPTS || before.equals(manifestState(fs, dir))) {
          throw e;
        }
        LOG.debug("{} changed while being opened read-only; reading it again", dir, e);
      }
    }
  }

  /** CURRENT's manifest and that manifest's size: what a writer changes before deleting files. */
  private static String manifestState(FileSystem fs, Path dir) {
    try {
      String manifest = VersionSet.readCurrent(fs, dir);
      try (io.stratadb.env.ReadableFile file = fs.openReadable(dir.resolve(manifest))) {
        return manifest + ":" + file.size();
      }
    } catch (IOException | RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static Db openReadOnlyOnce(FileSystem fs, Path dir, Options options) {
    if (!fs.exists(FileNames.current(dir))) {
      refuseDatabaseWithoutCurrent(fs, dir);
      throw new IllegalArgumentException("no database in " + dir);
    }
    DbImpl db = new DbImpl(dir, options, null, onDropped -> VersionSet.recoverReadOnly(fs, dir, onDropped), true);
    try {
      recoverInMemory(db, dir);
      return db;
    } catch (RuntimeException | Error e) {
      try {
        db.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Replays the WALs the manifest does not cover into memtables kept in memory and publishes the
   * first state, writing nothing: for a read-only open.
   */
  private static void recoverInMemory(DbImpl db, Path dir) {
    VersionSet versions = db.versions();
    WalRecovery recovery = new WalRecovery(db.fileSystem(), dir, versions.lastSequence());
    List<Memtable> full = new ArrayList<>(); // oldest first
    Memtable memtable = new Memtable(0);
    try {
      for (long log : recovery.logsToReplay(versions.logNumber())) {
        memtable = recovery.replay(log, memtable, db.options().writeBufferSize(), full::add);
      }
    } catch (IOException e) {
      throw new StrataIOException("recovery of " + dir + " failed", e);
    }
    List<Memtable> immutables = new ArrayList<>(full);
    java.util.Collections.reverse(immutables); // the state lists immutables newest first
    db.publishSequence(recovery.lastSequence());
    db.mutex.lock();
    try {
      db.publishFirstState(new DbState(memtable, List.copyOf(immutables), versions.current()));
    } finally {
      db.mutex.unlock();
    }
  }

  /**
   * Opens or creates the database in {@code dir}; see {@link Db#open(Path, Options)}.
   *
   * @throws IllegalArgumentException for a null argument or an existence check that fails
   * @throws CorruptionException if recovery finds corruption, or {@code CURRENT} is missing while
   *     the directory holds database files
   * @throws StrataIOException if files cannot be read or written or the directory is locked
   */
  static Db openDb(Path dir, Options options) {
    requireArguments(dir, options);
    FileSystem fs = options.fileSystem();
    if (!fs.exists(dir) && !options.createIfMissing()) {
      throw new IllegalArgumentException("no database in " + dir + " and createIfMissing is false");
    }
    FileLockHandle lock;
    try {
      fs.createDirectories(dir);
      lock = fs.lock(FileNames.lock(dir));
    } catch (IOException e) {
      throw new StrataIOException("cannot lock database directory " + dir, e);
    }
    VersionSet[] versions = new VersionSet[1];
    DbImpl db = null;
    try {
      db = new DbImpl(dir, options, lock, onDropped -> versions[0] = openVersions(fs, dir, options, onDropped), false);
      recover(db, dir);
      db.start();
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
        db.closeAfterFailedOpen(e);
      }
      try {
        lock.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static void requireArguments(Path dir, Options options) {
    if (dir == null || options == null) {
      throw new IllegalArgumentException("dir and options must not be null");
    }
    options.memoryBudget().checkAgainst(options);
  }

  private static VersionSet openVersions(FileSystem fs, Path dir, Options options, Runnable onDropped) {
    boolean exists = fs.exists(FileNames.current(dir));
    if (!exists) {
      refuseDatabaseWithoutCurrent(fs, dir);
    }
    if (exists && options.errorIfExists()) {
      throw new IllegalArgumentException("database already exists: " + dir);
    }
    if (!exists && !options.createIfMissing()) {
      throw new IllegalArgumentException("no database in " + dir + " and createIfMissing is false");
    }
    return exists
        ? VersionSet.recover(fs, dir, options.maxManifestFileSize(), onDropped)
        : VersionSet.create(fs, dir, options.maxManifestFileSize(), onDropped);
  }

  /**
   * Fails if {@code dir} has no {@code CURRENT} but holds SSTables or WALs: a database that lost
   * its {@code CURRENT} (a stray {@code rm}, a partial restore) must be repaired, never replaced by
   * a new one whose first obsolete-file pass would delete every table. Manifests alone hold no
   * data (a creation cut before its {@code CURRENT} leaves one): such a directory is created anew.
   *
   * @throws CorruptionException naming {@code CURRENT} and the files found
   */
  private static void refuseDatabaseWithoutCurrent(FileSystem fs, Path dir) {
    List<String> found = new ArrayList<>();
    try {
      if (fs.exists(dir)) {
        for (String name : fs.listFileNames(dir)) {
          FileNames.Parsed parsed = FileNames.parse(name);
          if (parsed != null && (parsed.kind() == FileNames.Kind.TABLE || parsed.kind() == FileNames.Kind.LOG)) {
            found.add(name);
          }
        }
      }
    } catch (IOException e) {
      throw new StrataIOException("cannot list " + dir, e);
    }
    if (!found.isEmpty()) {
      found.sort(null);
      String shown = found.size() <= 10 ? String.join(", ", found)
          : String.join(", ", found.subList(0, 10)) + " and " + (found.size() - 10) + " more";
      throw new CorruptionException(FileNames.current(dir).toString(), 0,
          "CURRENT is missing, yet the directory holds database files (" + shown + "); refusing to open or"
              + " create a database over them: run `strata repair --db " + dir + "` to rebuild CURRENT and the"
              + " manifest from them");
    }
  }

  /**
   * Moves the files the manifest history does not account for into {@link FileNames#LOST_DIR}:
   * they are not this database's to delete, and a later open (whose manifest will have numbered
   * past them) must not take them for its own obsolete files.
   *
   * @throws StrataIOException if a file cannot be moved
   */
  private static void moveAsideUnaccountedFiles(FileSystem fs, Path dir, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    Path lost = dir.resolve(FileNames.LOST_DIR);
    try {
      fs.createDirectories(lost);
      for (String name : names) {
        Path target = lost.resolve(name);
        for (int i = 1; fs.exists(target); i++) {
          target = lost.resolve(name + "." + i);
        }
        fs.rename(dir.resolve(name), target);
      }
      fs.syncDirectory(dir);
      fs.syncDirectory(lost);
    } catch (IOException e) {
      throw new StrataIOException("cannot move files the manifest does not account for into " + lost, e);
    }
    LOG.warn("{}: moved {} file(s) the manifest history does not account for into {} (a newer state's tables"
        + " after CURRENT was restored from an older copy, files copied in by hand, or the leftovers of a crash"
        + " during a manifest switch): {}", dir, names.size(), lost, names);
  }

  /**
   * Replays the WALs the manifest does not cover into L0 tables, starts a new WAL, records both in
   * the manifest, publishes the first state and deletes obsolete files. Runs before the background
   * threads start, so nothing else touches the database.
   */
  private static void recover(DbImpl db, Path dir) {
    FileSystem fs = db.fileSystem();
    VersionSet versions = db.versions();
    moveAsideUnaccountedFiles(fs, dir, versions.unaccountedFiles());
    WalRecovery recovery = new WalRecovery(fs, dir, versions.lastSequence());
    VersionEdit edit = new VersionEdit();
    try {
      Memtable memtable = new Memtable(0);
      for (long log : recovery.logsToReplay(versions.logNumber())) {
        versions.markFileNumberUsed(log);
        memtable = recovery.replay(log, memtable, db.options().writeBufferSize(),
            full -> db.outputs.writeLevel0Table(full, edit));
      }
      if (!memtable.isEmpty()) {
        db.outputs.writeLevel0Table(memtable, edit);
      }
      long logNumber = versions.newFileNumber();
      db.writePath.startWal(new LogWriter(fs.newLogFile(FileNames.log(dir, logNumber))));
      // A synced write is durable only once the WAL's directory entry is (RocksDB syncs the WAL
      // directory too), and the edit below names this WAL: after a power loss the manifest must
      // never name a WAL that is gone (recovery treats that as lost edits).
      fs.syncDirectory(dir);
      db.publishSequence(recovery.lastSequence());
      edit.logNumber(logNumber).lastSequence(recovery.lastSequence());
      versions.logAndApply(edit); // no other manifest writer runs yet
      edit.newFiles().forEach(f -> db.outputs.release(f.file().number()));
      db.mutex.lock();
      try {
        db.publishFirstState(new DbState(db.writePath.newMemtable(logNumber), List.of(), versions.current()));
      } finally {
        db.mutex.unlock();
      }
      db.obsoleteFiles.deleteObsoleteFiles();
    } catch (IOException e) {
      throw new StrataIOException("recovery of " + dir + " failed", e);
    }
  }
}
