package io.stratadb.manifest;

import static io.stratadb.manifest.VersionEditTest.file;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingWritableFile;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.env.WritableFile;
import io.stratadb.record.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionSetTest {
  private static final FileSystem FS = LocalFileSystem.INSTANCE;
  private static final long NO_REWRITE = 1L << 30;

  @TempDir Path dir;

  private VersionSet create() {
    return VersionSet.create(FS, dir, NO_REWRITE, () -> { });
  }

  private VersionSet recover() {
    return VersionSet.recover(FS, dir, NO_REWRITE, () -> { });
  }

  private String current() throws IOException {
    return Files.readString(FileNames.current(dir), UTF_8);
  }

  private static List<String> describe(Version v) {
    List<String> out = new ArrayList<>();
    for (int level = 0; level < Version.NUM_LEVELS; level++) {
      for (FileMetadata f : v.files(level)) {
        out.add("L" + level + " #" + f.number() + " " + f.size() + " " + java.util.Arrays.toString(f.smallest())
            + " " + java.util.Arrays.toString(f.largest()));
      }
    }
    return out;
  }

  /**
   * Creates empty files for tables and WALs {@code numbers}: recovery checks that the tables the
   * manifest lists and the WAL its log number names exist.
   */
  private void touch(long... numbers) throws IOException {
    for (long n : numbers) {
      Files.write(FileNames.table(dir, n), new byte[0]);
      Files.write(FileNames.log(dir, n), new byte[0]);
    }
  }

  /** Applies a few edits like flushes and a compaction would; returns the next file number recorded. */
  /** Creates a version set, applies {@link #applySomeEdits}, closes it: its manifest's path. */
  private Path manifestWithSomeEdits() throws IOException {
    try (VersionSet set = create()) {
      applySomeEdits(set);
      return FileNames.manifest(dir, set.manifestNumber());
    }
  }

  private long applySomeEdits(VersionSet set) throws IOException {
    long t1 = set.newFileNumber();
    long t2 = set.newFileNumber();
    touch(t1, t2);
    set.logAndApply(new VersionEdit().addFile(0, file(t1, "a", "k")).logNumber(t2).lastSequence(100));
    long t3 = set.newFileNumber();
    touch(t3);
    set.logAndApply(new VersionEdit().addFile(0, file(t3, "c", "z")).lastSequence(250));
    long t4 = set.newFileNumber();
    long t5 = set.newFileNumber();
    touch(t4, t5);
    set.logAndApply(new VersionEdit().deleteFile(0, t1).deleteFile(0, t3)
        .addFile(1, file(t4, "a", "m")).addFile(1, file(t5, "n", "z")));
    long t6 = set.newFileNumber();
    touch(t6);
    long unused = set.newFileNumber(); // e.g. an abandoned output: its number must not be handed out again
    set.logAndApply(new VersionEdit().addFile(0, file(t6, "b", "c")).logNumber(t6).lastSequence(300));
    return unused + 1;
  }

  @Test
  void createStartsEmptyWithCurrentNamingTheManifest() throws IOException {
    try (VersionSet set = create()) {
      assertEquals(FileNames.manifestName(set.manifestNumber()) + "\n", current());
      assertTrue(Files.exists(FileNames.manifest(dir, set.manifestNumber())));
      assertEquals(0, set.logNumber());
      assertEquals(0, set.lastSequence());
      assertTrue(describe(set.current()).isEmpty());
      assertTrue(set.newFileNumber() > set.manifestNumber());
    }
  }

  @Test
  void recoverRestoresFilesLogNumberLastSequenceAndNextFileNumber() throws IOException {
    List<String> files;
    long next;
    long logNumber;
    try (VersionSet set = create()) {
      next = applySomeEdits(set);
      files = describe(set.current());
      logNumber = set.logNumber();
      assertEquals(300, set.lastSequence());
    }
    assertEquals(3, files.size());
    try (VersionSet set = recover()) {
      assertEquals(files, describe(set.current()));
      assertEquals(logNumber, set.logNumber());
      assertEquals(300, set.lastSequence());
      // The last edit reserved FILE_NUMBER_RESERVE numbers past those handed out; the new manifest
      // takes the first number past the reservation.
      assertEquals(next + VersionSet.FILE_NUMBER_RESERVE, set.manifestNumber(),
          "the new manifest takes the recorded next file number");
      assertEquals(next + VersionSet.FILE_NUMBER_RESERVE + 1, set.newFileNumber());
      assertTrue(set.accountsFor(next), "a number handed out before the last edit is accounted for");
      assertTrue(set.accountsFor(next + VersionSet.FILE_NUMBER_RESERVE - 1), "so is one reserved by it");
    }
  }

  @Test
  void recoverWritesANewManifestThatAloneSuffices() throws IOException {
    long oldManifest;
    List<String> files;
    try (VersionSet set = create()) {
      applySomeEdits(set);
      oldManifest = set.manifestNumber();
      files = describe(set.current());
    }
    long newManifest;
    try (VersionSet set = recover()) {
      newManifest = set.manifestNumber();
      assertNotEquals(oldManifest, newManifest);
      assertEquals(FileNames.manifestName(newManifest) + "\n", current());
    }
    Files.delete(FileNames.manifest(dir, oldManifest));
    try (VersionSet set = recover()) {
      assertEquals(files, describe(set.current()));
      assertEquals(300, set.lastSequence());
    }
    try (var list = Files.list(dir)) {
      assertTrue(list.noneMatch(p -> p.getFileName().toString().endsWith(".dbtmp")), "no temp file left");
    }
  }

  @Test
  void editsAfterRecoveryAreRecoveredToo() throws IOException {
    try (VersionSet set = create()) {
      applySomeEdits(set);
    }
    long extra;
    try (VersionSet set = recover()) {
      extra = set.newFileNumber();
      touch(extra);
      set.logAndApply(new VersionEdit().addFile(2, file(extra, "x", "y")).lastSequence(400));
    }
    try (VersionSet set = recover()) {
      assertEquals(1, set.current().files(2).size());
      assertEquals(extra, set.current().files(2).get(0).number());
      assertEquals(400, set.lastSequence());
      assertTrue(set.newFileNumber() > extra);
    }
  }

  @Test
  void manifestIsRewrittenWhenItGrowsTooLarge() throws IOException {
    List<String> files;
    Set<Long> manifests = new java.util.HashSet<>();
    try (VersionSet set = VersionSet.create(FS, dir, 1, () -> { })) {
      manifests.add(set.manifestNumber());
      for (int i = 0; i < 5; i++) {
        long n = set.newFileNumber();
        touch(n);
        set.logAndApply(new VersionEdit().addFile(0, file(n, "a", "b")).lastSequence(i));
        manifests.add(set.manifestNumber());
        assertEquals(FileNames.manifestName(set.manifestNumber()) + "\n", current());
      }
      files = describe(set.current());
    }
    assertEquals(6, manifests.size(), "every edit pushed the manifest over the limit");
    try (VersionSet set = recover()) {
      assertEquals(files, describe(set.current()));
      assertEquals(4, set.lastSequence());
    }
  }

  @Test
  void tornLastManifestRecordLosesOnlyThatEdit() throws IOException {
    Path path = manifestWithSomeEdits();
    byte[] data = Files.readAllBytes(path);
    // the last edit added one L0 file with a log number: cut into its payload
    Files.write(path, java.util.Arrays.copyOf(data, data.length - 5));
    try (VersionSet set = recover()) {
      assertEquals(250, set.lastSequence(), "the edit of sequence 300 was torn");
      assertTrue(set.current().files(0).isEmpty());
      assertEquals(2, set.current().files(1).size());
    }
  }

  @Test
  void missingTableIsCorruptionNamingTheManifestRecordThatAddedIt() throws IOException {
    long manifest;
    long table;
    try (VersionSet set = create()) {
      applySomeEdits(set);
      manifest = set.manifestNumber();
      table = set.current().files(1).get(1).number();
    }
    Files.delete(FileNames.table(dir, table));
    CorruptionException e = assertThrows(CorruptionException.class, this::recover);
    assertEquals(FileNames.manifest(dir, manifest).toString(), e.file());
    assertTrue(e.offset() > 0, "the third edit added it, not the snapshot at 0: " + e.getMessage());
    assertTrue(e.getMessage().contains(FileNames.table(dir, table).getFileName().toString()), e.getMessage());
    assertEquals(FileNames.manifestName(manifest) + "\n", current(), "a failed recovery switches no manifest");
  }

  /**
   * Regression (corruption sweep): a manifest whose last edit was cut off went back to an older log
   * number whose WAL had been deleted after that edit, and the database opened without the data
   * that edit had recorded: wrong data instead of a corruption error.
   */
  @Test
  void logNumberNamingAMissingWalIsCorruption() throws IOException {
    Path path = manifestWithSomeEdits();
    byte[] torn = Files.readAllBytes(path);
    torn = java.util.Arrays.copyOf(torn, torn.length - 5); // cuts the edit that set log number t6
    Files.write(path, torn);
    String current = current();
    long olderLog;
    try (VersionSet set = recover()) {
      olderLog = set.logNumber();
      assertEquals(250, set.lastSequence(), "the older WAL still exists: a torn edit, recovered as before");
    }
    // what a flush does once its edit is synced: the older WAL goes; then the edit is lost
    Files.delete(FileNames.log(dir, olderLog));
    Files.writeString(FileNames.current(dir), current, UTF_8);
    Files.write(path, torn);
    CorruptionException e = assertThrows(CorruptionException.class, this::recover);
    assertEquals(path.toString(), e.file());
    assertTrue(e.getMessage().contains("log number " + olderLog), e.getMessage());
    assertTrue(e.offset() >= 0 && e.offset() < torn.length, e.getMessage());
  }

  @Test
  void damagedManifestRecordBeforeOthersIsCorruption() throws IOException {
    Path path = manifestWithSomeEdits();
    byte[] data = Files.readAllBytes(path);
    data[LogFormat.HEADER_SIZE + 3] ^= 0x01; // the payload of the first record (the snapshot)
    Files.write(path, data);
    CorruptionException e = assertThrows(CorruptionException.class, this::recover);
    assertEquals(path.toString(), e.file());
    assertEquals(0, e.offset());
  }

  @Test
  void corruptCurrentIsCorruption() throws IOException {
    try (VersionSet set = create()) {
      applySomeEdits(set);
    }
    Path current = FileNames.current(dir);
    String good = current();
    for (String bad : new String[] {"", "MANIFEST-000001", "garbage\n", "000003.log\n", "MANIFEST-\n",
        "MANIFEST-000001\n\n", "x".repeat(300) + "\n"}) {
      Files.writeString(current, bad, UTF_8);
      CorruptionException e = assertThrows(CorruptionException.class, this::recover, "CURRENT = " + bad);
      assertEquals(current.toString(), e.file());
    }
    Files.writeString(current, good, UTF_8);
    try (VersionSet set = recover()) {
      assertEquals(300, set.lastSequence());
    }
  }

  @Test
  void manifestWithoutTheRequiredFieldsIsCorruption() throws IOException {
    Path manifest = FileNames.manifest(dir, 5);
    try (var writer = new io.stratadb.record.LogWriter(FS.newWritableFile(manifest))) {
      writer.addRecord(new VersionEdit().comparatorName(VersionEdit.COMPARATOR_NAME).logNumber(1).encode());
    }
    Files.writeString(FileNames.current(dir), FileNames.manifestName(5) + "\n", UTF_8);
    assertThrows(CorruptionException.class, this::recover);
  }

  @Test
  void foreignComparatorIsCorruption() throws IOException {
    Path manifest = FileNames.manifest(dir, 5);
    try (var writer = new io.stratadb.record.LogWriter(FS.newWritableFile(manifest))) {
      writer.addRecord(new VersionEdit().comparatorName("leveldb.BytewiseComparator").logNumber(1)
          .nextFileNumber(6).lastSequence(0).encode());
    }
    Files.writeString(FileNames.current(dir), FileNames.manifestName(5) + "\n", UTF_8);
    assertThrows(CorruptionException.class, this::recover);
  }

  @Test
  void currentNamingAMissingManifestIsCorruption() throws IOException {
    long manifest;
    try (VersionSet set = create()) {
      manifest = set.manifestNumber();
    }
    Files.delete(FileNames.manifest(dir, manifest));
    assertThrows(CorruptionException.class, this::recover);
  }

  @Test
  void liveFilesIncludeFilesOfPinnedOlderVersions() throws IOException {
    AtomicInteger dropped = new AtomicInteger();
    try (VersionSet set = VersionSet.create(FS, dir, NO_REWRITE, dropped::incrementAndGet)) {
      long a = set.newFileNumber();
      set.logAndApply(new VersionEdit().addFile(0, file(a, "a", "b")));
      Version pinned = set.current();
      assertTrue(pinned.tryRetain());
      int droppedBefore = dropped.get();
      long b = set.newFileNumber();
      set.logAndApply(new VersionEdit().deleteFile(0, a).addFile(1, file(b, "a", "b")));
      assertEquals(Set.of(a, b), set.liveFiles(), "the pinned version still lists a");
      assertEquals(droppedBefore, dropped.get());
      pinned.release();
      assertEquals(Set.of(b), set.liveFiles());
      assertEquals(droppedBefore + 1, dropped.get(), "dropping the pinned version is reported");
    }
  }

  @Test
  void logAndApplyFillsInLogNumberAndLastSequenceFromTheCurrentState() {
    try (VersionSet set = create()) {
      set.logAndApply(new VersionEdit().logNumber(7).lastSequence(70));
      VersionEdit edit = new VersionEdit();
      set.logAndApply(edit);
      assertEquals(7L, edit.logNumber());
      assertEquals(70L, edit.lastSequence());
      assertTrue(edit.nextFileNumber() > set.manifestNumber());
      assertEquals(7, set.logNumber());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void markFileNumberUsedOnlyMovesForward() throws IOException {
    try (VersionSet set = create()) {
      set.markFileNumberUsed(100);
      assertEquals(101, set.newFileNumber());
      set.markFileNumberUsed(50);
      assertEquals(102, set.newFileNumber());
    }
  }

  @Test
  void failedManifestWriteKeepsTheOldVersion() throws IOException {
    FailingFileSystem fs = new FailingFileSystem();
    try (VersionSet set = VersionSet.create(fs, dir, NO_REWRITE, () -> { })) {
      long a = set.newFileNumber();
      set.logAndApply(new VersionEdit().addFile(0, file(a, "a", "b")));
      Version before = set.current();
      fs.failAppends.set(true);
      long b = set.newFileNumber();
      assertThrows(StrataIOException.class, () -> set.logAndApply(new VersionEdit().addFile(0, file(b, "c", "d"))));
      assertSame(before, set.current());
      assertEquals(Set.of(a), set.liveFiles());
    } catch (IOException ignored) {
      // closing the broken manifest may fail
    }
  }

  @Test
  void failedManifestRewriteKeepsTheOldVersion() throws IOException {
    FailingFileSystem fs = new FailingFileSystem();
    VersionSet set = VersionSet.create(fs, dir, 1, () -> { });
    Version before = set.current();
    fs.failNewManifests.set(true);
    long a = set.newFileNumber();
    assertThrows(StrataIOException.class, () -> set.logAndApply(new VersionEdit().addFile(0, file(a, "a", "b"))));
    assertSame(before, set.current(), "contract: the old version stays current");
  }

  /** Fails manifest appends, or the creation of new manifests, on demand. */
  private static final class FailingFileSystem extends ForwardingFileSystem {
    final AtomicBoolean failAppends = new AtomicBoolean();
    final AtomicBoolean failNewManifests = new AtomicBoolean();

    @Override
    public WritableFile newWritableFile(Path path) throws IOException {
      boolean manifest = path.getFileName().toString().startsWith("MANIFEST-");
      if (manifest && failNewManifests.get()) {
        throw new IOException("injected: cannot create " + path);
      }
      WritableFile file = delegate.newWritableFile(path);
      if (!manifest) {
        return file;
      }
      return new ForwardingWritableFile(file) {
        @Override
        public void append(byte[] data, int off, int len) throws IOException {
          if (failAppends.get()) {
            throw new IOException("injected: no space left on device");
          }
          delegate.append(data, off, len);
        }

        @Override
        public void sync() throws IOException {
          if (failAppends.get()) {
            throw new IOException("injected: fsync failed");
          }
          delegate.sync();
        }
      };
    }
  }
}
