package io.stratadb.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * TEST ONLY: a {@link FileSystem} over the local one that remembers how much of each file was
 * fsynced, and which directory entries (new files, renames) were made durable by an fsync of their
 * directory, so a test can copy the directory as a power loss would leave it (LevelDB's {@code
 * db/fault_injection_test.cc}: data after a file's last sync is lost, and so are files created
 * after their directory's last sync; a rename not yet synced is undone). It can also be told to
 * fail writes (a full disk).
 */
public final class FaultInjectionFileSystem extends ForwardingFileSystem {
  /** Synced length of each file written through this file system since its creation. */
  private final Map<Path, AtomicLong> syncedLength = new ConcurrentHashMap<>();
  private final AtomicBoolean failWrites = new AtomicBoolean();
  private final AtomicBoolean failSyncs = new AtomicBoolean();
  /** Per directory, the entries changed since its last sync. */
  private final Map<Path, DirectoryChanges> unsyncedEntries = new ConcurrentHashMap<>();
  /** Mutations hold the read side; a copy holds the write side, so it sees one instant. */
  private final ReentrantReadWriteLock instant = new ReentrantReadWriteLock();

  private interface Mutation<T> {
    T run() throws IOException;
  }

  private <T> T mutate(Mutation<T> m) throws IOException {
    instant.readLock().lock();
    try {
      return m.run();
    } finally {
      instant.readLock().unlock();
    }
  }

  /** From now on, fsyncs of files throw an I/O error (EIO), as a failing disk's do; the data stays unsynced. */
  public void failSyncs(boolean fail) {
    failSyncs.set(fail);
  }

  /** From now on, appends, flushes and syncs throw "No space left on device". */
  public void failWrites(boolean fail) {
    failWrites.set(fail);
  }

  /**
   * Copies every file of {@code dir} into {@code target}, each cut to the length last fsynced
   * (files written before this file system saw them count as synced): the directory a power loss
   * would leave behind.
   */
  public void copyAsAfterPowerLoss(Path dir, Path target) throws IOException {
    copy(dir, target, true);
  }

  /** Copies {@code dir} with everything the process wrote to the OS: a process crash. */
  public void copyAsAfterProcessCrash(Path dir, Path target) throws IOException {
    copy(dir, target, false);
  }

  private void copy(Path dir, Path target, boolean onlySynced) throws IOException {
    instant.writeLock().lock();
    try {
      copyFrozen(dir, target, onlySynced);
    } finally {
      instant.writeLock().unlock();
    }
  }

  /**
   * The directory entries changed since a directory's last fsync: names created (they vanish in a
   * power loss), names a rename overwrote with their earlier content (null if they did not exist),
   * and rename sources (they come back, with the content they had).
   */
  private static final class DirectoryChanges {
    final java.util.Set<String> created = ConcurrentHashMap.newKeySet();
    final Map<String, java.util.Optional<byte[]>> overwritten = new ConcurrentHashMap<>();
    final Map<String, String> renamedTo = new ConcurrentHashMap<>();
  }

  private DirectoryChanges changes(Path file) {
    return unsyncedEntries.computeIfAbsent(file.toAbsolutePath().getParent(), d -> new DirectoryChanges());
  }

  private void copyFrozen(Path dir, Path target, boolean onlySynced) throws IOException {
    Files.createDirectories(target);
    DirectoryChanges changes = onlySynced ? unsyncedEntries.get(dir.toAbsolutePath()) : null;
    if (changes != null) {
      for (Map.Entry<String, String> rename : changes.renamedTo.entrySet()) {
        Path renamed = dir.resolve(rename.getValue());
        if (Files.exists(renamed)) {
          Files.write(target.resolve(rename.getKey()), Files.readAllBytes(renamed));
        }
      }
    }
    for (String name : delegate.listFileNames(dir)) {
      if (name.equals("LOCK")) {
        continue;
      }
      if (changes != null && changes.created.contains(name)) {
        continue; // its directory entry was never synced
      }
      if (changes != null && changes.overwritten.containsKey(name)) {
        java.util.Optional<byte[]> before = changes.overwritten.get(name);
        if (before.isPresent()) {
          Files.write(target.resolve(name), before.get());
        }
        continue; // the rename onto it was never synced
      }
      Path source = dir.resolve(name);
      byte[] content;
      try {
        content = Files.readAllBytes(source);
      } catch (java.nio.file.NoSuchFileException e) {
        continue; // deleted while copying: the crash came after the deletion
      }
      AtomicLong synced = syncedLength.get(source.toAbsolutePath());
      int length = content.length;
      if (onlySynced && synced != null) {
        length = (int) Math.min(length, synced.get());
      }
      Files.write(target.resolve(name), java.util.Arrays.copyOf(content, length));
    }
  }

  @Override
  public WritableFile newWritableFile(Path path) throws IOException {
    checkFail("create " + path);
    WritableFile file = mutate(() -> {
      if (!delegate.exists(path)) {
        changes(path).created.add(path.getFileName().toString());
      }
      return delegate.newWritableFile(path);
    });
    AtomicLong synced = new AtomicLong();
    syncedLength.put(path.toAbsolutePath(), synced);
    return new WritableFile() {
      @Override
      public void append(byte[] data, int off, int len) throws IOException {
        checkFail("append to " + path);
        mutate(() -> {
          file.append(data, off, len);
          return null;
        });
      }

      @Override
      public void flush() throws IOException {
        checkFail("flush " + path);
        mutate(() -> {
          file.flush();
          return null;
        });
      }

      @Override
      public void sync() throws IOException {
        checkFail("sync " + path);
        if (failSyncs.get()) {
          throw new IOException("Input/output error (injected) during fsync of " + path);
        }
        mutate(() -> {
          file.sync();
          synced.set(file.size());
          return null;
        });
      }

      @Override
      public long size() {
        return file.size();
      }

      @Override
      public void close() throws IOException {
        mutate(() -> {
          file.close();
          return null;
        });
      }
    };
  }

  private void checkFail(String what) throws IOException {
    if (failWrites.get()) {
      throw new IOException("No space left on device (injected) during " + what);
    }
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    mutate(() -> {
      DirectoryChanges changes = changes(target);
      String from = source.getFileName().toString();
      String to = target.getFileName().toString();
      if (!changes.created.contains(to) && !changes.overwritten.containsKey(to)) {
        changes.overwritten.put(to, delegate.exists(target)
            ? java.util.Optional.of(Files.readAllBytes(target)) : java.util.Optional.empty());
      }
      if (!changes.created.remove(from)) {
        changes.renamedTo.put(from, to);
      }
      delegate.rename(source, target);
      AtomicLong synced = syncedLength.remove(source.toAbsolutePath());
      if (synced != null) {
        syncedLength.put(target.toAbsolutePath(), synced);
      }
      return null;
    });
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    mutate(() -> {
      delegate.deleteIfExists(path);
      syncedLength.remove(path.toAbsolutePath());
      return null;
    });
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    mutate(() -> {
      delegate.syncDirectory(dir);
      unsyncedEntries.remove(dir.toAbsolutePath());
      return null;
    });
  }

  /**
   * Links like the local file system. The new name is an unsynced directory entry until its
   * directory is synced; the data is shared, so it is as synced as the existing name's.
   */
  @Override
  public void link(Path existing, Path link) throws IOException {
    checkFail("link " + link);
    mutate(() -> {
      delegate.link(existing, link);
      changes(link).created.add(link.getFileName().toString());
      AtomicLong synced = syncedLength.get(existing.toAbsolutePath());
      if (synced != null) {
        syncedLength.put(link.toAbsolutePath(), synced);
      }
      return null;
    });
  }
}
