package io.stratadb.env;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link LocalFileSystem#lock}: an exclusive lock on a file (the {@code LOCK} file), held on an
 * open descriptor, valid while the path names the locked file (LevelDB's and RocksDB's {@code
 * LockFile}: {@code fcntl(F_SETLK)} on a descriptor held open, plus a table of the files the
 * process has locked).
 *
 * <p>Two rules make two holders impossible, in one process or two:
 *
 * <ul>
 *   <li>A POSIX lock ({@link FileChannel#tryLock} on Linux) belongs to the process and is dropped
 *       when the process closes <em>any</em> descriptor of the file, so this JVM never opens a
 *       file it holds locked: {@link #HELD} names every file locked here (by identity: device and
 *       inode), and a second lock of one fails before opening it (otherwise a failed second {@code
 *       Db.open} in this JVM closed its descriptor and freed the lock for another process). Locks
 *       are taken and released under {@link #HELD}'s monitor, so no two threads race between the
 *       check and the lock.
 *   <li>The lock is on the file the descriptor opened, which may no longer be the one the path
 *       names (deleted and created again by another process, which then locked the new file):
 *       the path is stat'ed before the open and after the lock, and the lock is kept only if both
 *       name the same file; else it is dropped and taken again (a few times). A file made anew
 *       at the path is locked by a later {@code lock}, as another process could.
 * </ul>
 *
 * <p>Where the platform gives no file identity ({@code fileKey()} null), locks are kept as
 * locked on the second attempt and the JVM's own {@link OverlappingFileLockException} refuses a
 * second lock here. Thread-safe.
 */
final class LocalFileLock implements FileLockHandle {
  /** Lock attempts whose file was replaced meanwhile before giving up. */
  private static final int ATTEMPTS = 4;
  /** The identities of the files locked in this JVM. Guarded by its own monitor. */
  private static final Set<Object> HELD = new HashSet<>();

  /**
   * TEST ONLY: run after each open of the file and before its lock, to replace the file in
   * between (the race the stat before and after closes); null in production.
   */
  static volatile Runnable TEST_afterOpen;

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  /** The locked file's identity (device and inode on Linux); null where the platform has none. */
  private final Object fileKey;
  /** Guarded by HELD's monitor. */
  private boolean closed;

  private LocalFileLock(Path path, FileChannel channel, FileLock lock, Object fileKey) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey;
  }

  /**
   * Locks {@code path}, creating the file if absent.
   *
   * @throws IOException if this JVM or another process holds the lock, the file was replaced on
   *     every attempt, or opening or locking fails
   */
  static FileLockHandle lock(Path path) throws IOException {
    synchronized (HELD) {
      for (int attempt = 1; ; attempt++) {
        Object before = fileKeyOrNull(path);
        if (before != null && HELD.contains(before)) {
          throw new IOException("lock held by another process or Db instance: " + path + " (a Db of this JVM)");
        }
        FileLockHandle held = tryLock(path, before, attempt);
        if (held != null) {
          return held;
        }
        if (attempt == ATTEMPTS) {
          throw new IOException("lock file " + path + " was replaced while being locked, " + ATTEMPTS + " times");
        }
      }
    }
  }

  /**
   * Opens and locks {@code path}; returns the lock if the path still names file {@code before},
   * else null with the descriptor closed. REQUIRES: HELD's monitor.
   */
  private static FileLockHandle tryLock(Path path, Object before, int attempt) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      Runnable hook = TEST_afterOpen;
      if (hook != null) {
        hook.run();
      }
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // this JVM holds it: without file identities, or another class loader's copy
      }
      if (lock == null) {
        throw new IOException("lock held by another process or Db instance: " + path);
      }
      Object after = fileKeyOrNull(path);
      if ((after != null && after.equals(before)) || (after == null && before == null && attempt > 1)) {
        // The path named the same file before the open and after the lock: the one locked.
        if (after != null) {
          HELD.add(after);
        }
        return new LocalFileLock(path, channel, lock, after);
      }
      lock.release(); // created here, or replaced since the stat: look again
    } catch (IOException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    channel.close();
    return null;
  }

  /** The file {@code path} names now, or null if it does not exist or the platform has no identity. */
  private static Object fileKeyOrNull(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  @Override
  public boolean isValid() {
    if (!lock.isValid()) {
      return false;
    }
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return fileKey == null || fileKey.equals(now);
    } catch (IOException e) {
      return false; // deleted, or unreadable: either way not provably ours
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (HELD) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        lock.release();
      } finally {
        try {
          channel.close();
        } finally {
          if (fileKey != null) {
            HELD.remove(fileKey); // only once the descriptor is closed
          }
        }
      }
    }
  }
}
