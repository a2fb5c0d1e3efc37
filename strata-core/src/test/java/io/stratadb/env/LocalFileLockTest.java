package io.stratadb.env;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalFileLock}: the lock is on the file the path names, and this JVM never opens a file
 * it holds locked.
 */
class LocalFileLockTest {
  @TempDir Path dir;

  @AfterEach
  void clearHook() {
    LocalFileLock.TEST_afterOpen = null;
  }

  @Test
  void aLockFileReplacedAndLockedBetweenOpenAndLockIsNotTakenForOurs() throws IOException {
    Path path = dir.resolve("LOCK");
    Files.write(path, new byte[0]);
    AtomicReference<FileChannel> other = new AtomicReference<>();
    LocalFileLock.TEST_afterOpen = () -> {
      LocalFileLock.TEST_afterOpen = null; // once
      try {
        // Another process deletes LOCK, creates it anew and locks the new file.
        Files.delete(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        other.set(channel);
        FileLock lock = channel.tryLock();
        assertTrue(lock != null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    try {
      // Before the fix: the lock of the deleted file was kept, with the new file's identity, so
      // isValid() said true while the other holder had the file the path names.
      IOException e = assertThrows(IOException.class, () -> LocalFileSystem.INSTANCE.lock(path));
      assertTrue(e.getMessage().contains("lock held by another process"), e.getMessage());
    } finally {
      other.get().close();
    }
  }

  @Test
  void aSecondLockInThisJvmIsRefusedAndTheFirstStaysValid() throws IOException {
    Path path = dir.resolve("LOCK");
    try (FileLockHandle first = LocalFileSystem.INSTANCE.lock(path)) {
      assertThrows(IOException.class, () -> LocalFileSystem.INSTANCE.lock(path));
      assertThrows(IOException.class, () -> LocalFileSystem.INSTANCE.lock(dir.resolve(".").resolve("LOCK")));
      assertTrue(first.isValid());
      Files.delete(path); // by hand: a new file may be locked, and the first holder finds out
      try (FileLockHandle second = LocalFileSystem.INSTANCE.lock(path)) {
        assertTrue(second.isValid());
        assertFalse(first.isValid());
      }
    }
    try (FileLockHandle again = LocalFileSystem.INSTANCE.lock(path)) {
      assertTrue(again.isValid(), "closed locks are free again");
    }
  }
}
