package io.stratadb.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * TEST ONLY: a {@link FileSystem} over the local one that remembers how much of each file was
 * fsynced, so a test can copy the directory as a power loss would leave it (LevelDB's {@code
 * db/fault_injection_test.cc}), and that can be told to fail writes (a full disk).
 */
public final class FaultInjectionFileSystem implements FileSystem {
  private final FileSystem delegate = LocalFileSystem.INSTANCE;
  /** Synced length of each file written through this file system since its creation. */
  private final Map<Path, AtomicLong> syncedLength = new ConcurrentHashMap<>();
  private final AtomicBoolean failWrites = new AtomicBoolean();
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

  private void copyFrozen(Path dir, Path target, boolean onlySynced) throws IOException {
    Files.createDirectories(target);
    for (String name : delegate.listFileNames(dir)) {
      if (name.equals("LOCK")) {
        continue;
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
    WritableFile file = mutate(() -> delegate.newWritableFile(path));
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
  public ReadableFile openReadable(Path path) throws IOException {
    return delegate.openReadable(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    mutate(() -> {
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
  public boolean exists(Path path) {
    return delegate.exists(path);
  }

  @Override
  public List<String> listFileNames(Path dir) throws IOException {
    return delegate.listFileNames(dir);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    delegate.syncDirectory(dir);
  }

  @Override
  public AutoCloseable lock(Path path) throws IOException {
    return delegate.lock(path);
  }
}
