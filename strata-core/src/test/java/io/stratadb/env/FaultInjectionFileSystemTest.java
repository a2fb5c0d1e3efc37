package io.stratadb.env;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The power-loss model: unsynced data, unsynced new directory entries and unsynced renames are lost. */
class FaultInjectionFileSystemTest {
  @TempDir Path tmp;
  private final FaultInjectionFileSystem fs = new FaultInjectionFileSystem();

  private void write(Path file, String content, boolean sync) throws IOException {
    try (WritableFile f = fs.newWritableFile(file)) {
      byte[] b = content.getBytes(UTF_8);
      f.append(b, 0, b.length);
      if (sync) {
        f.sync();
      }
    }
  }

  @Test
  void aSyncedFileWhoseDirectoryWasNotSyncedVanishes() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    write(dir.resolve("kept"), "kept", true);
    fs.syncDirectory(dir);
    write(dir.resolve("lost"), "synced data, unsynced entry", true);
    fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy"));
    assertEquals("kept", Files.readString(tmp.resolve("copy/kept")));
    assertFalse(Files.exists(tmp.resolve("copy/lost")));
    fs.syncDirectory(dir);
    fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy2"));
    assertTrue(Files.exists(tmp.resolve("copy2/lost")), "durable once the directory is synced");
  }

  @Test
  void aLinkSharesTheDataAndIsAnUnsyncedEntryUntilItsDirectoryIsSynced() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    Path other = Files.createDirectories(tmp.resolve("other"));
    write(dir.resolve("table"), "table data", true);
    fs.syncDirectory(dir);
    fs.link(dir.resolve("table"), other.resolve("table"));
    assertTrue(Files.isSameFile(dir.resolve("table"), other.resolve("table")));
    fs.copyAsAfterPowerLoss(other, tmp.resolve("copy"));
    assertFalse(Files.exists(tmp.resolve("copy/table")), "the link's entry was not synced");
    fs.syncDirectory(other);
    fs.deleteIfExists(dir.resolve("table"));
    fs.copyAsAfterPowerLoss(other, tmp.resolve("copy2"));
    assertEquals("table data", Files.readString(tmp.resolve("copy2/table")), "the data outlives the first name");
    org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
        () -> fs.link(other.resolve("table"), other.resolve("table")), "a link never replaces a file");
  }

  @Test
  void unsyncedDataIsCutAndAnUnsyncedRenameIsUndone() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    write(dir.resolve("CURRENT"), "old", true);
    write(dir.resolve("partial"), "", false);
    fs.syncDirectory(dir);
    write(dir.resolve("CURRENT.tmp"), "new", true);
    fs.rename(dir.resolve("CURRENT.tmp"), dir.resolve("CURRENT"));
    fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy"));
    assertEquals("old", Files.readString(tmp.resolve("copy/CURRENT")), "the rename was not synced");
    assertFalse(Files.exists(tmp.resolve("copy/CURRENT.tmp")), "nor was the temp file's creation");
    fs.syncDirectory(dir);
    fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy2"));
    assertEquals("new", Files.readString(tmp.resolve("copy2/CURRENT")));
  }

  @Test
  void aRenameOfASyncedEntryLeavesTheSourceBehindUntilTheDirectoryIsSynced() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    write(dir.resolve("a"), "content", true);
    fs.syncDirectory(dir);
    fs.rename(dir.resolve("a"), dir.resolve("b"));
    fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy"));
    assertEquals("content", Files.readString(tmp.resolve("copy/a")));
    assertFalse(Files.exists(tmp.resolve("copy/b")));
  }
}
