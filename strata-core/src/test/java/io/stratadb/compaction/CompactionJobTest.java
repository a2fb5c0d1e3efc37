package io.stratadb.compaction;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CompactionFilter;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.FileNames;
import io.stratadb.manifest.Version;
import io.stratadb.manifest.VersionEdit;
import io.stratadb.sstable.TableCache;
import io.stratadb.sstable.TableReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs compaction jobs over real tables and checks the outputs with a TableReader. */
class CompactionJobTest {
  private static final TableSink.TableSettings SETTINGS = new TableSink.TableSettings(512, 16, 10);
  private static final long[] NO_SNAPSHOT = {};

  @TempDir Path dir;
  private final AtomicLong numbers = new AtomicLong(1);
  private TableCache cache;

  private TableCache cache() {
    if (cache == null) {
      cache = new TableCache(LocalFileSystem.INSTANCE, n -> FileNames.table(dir, n), 100);
    }
    return cache;
  }

  @AfterEach
  void closeCache() {
    if (cache != null) {
      cache.close();
    }
  }

  /** Writes one table from "user@seq" (put, value "user@seq") and "user@seq:DEL" specs, given in any order. */
  private FileMetadata table(String... specs) throws IOException {
    List<byte[]> keys = new ArrayList<>();
    for (String spec : specs) {
      boolean delete = spec.endsWith(":DEL");
      String s = delete ? spec.substring(0, spec.length() - 4) : spec;
      String[] parts = s.split("@");
      keys.add(InternalKey.encode(parts[0].getBytes(UTF_8), Long.parseLong(parts[1]),
          delete ? ValueType.DELETE : ValueType.PUT));
    }
    keys.sort(InternalKey::compare);
    TableSink sink = new TableSink(LocalFileSystem.INSTANCE, dir, SETTINGS, numbers::getAndIncrement, Long.MAX_VALUE);
    for (byte[] k : keys) {
      sink.add(k, InternalKey.type(k) == ValueType.PUT ? valueOf(k).getBytes(UTF_8) : new byte[0]);
    }
    return sink.finish().get(0);
  }

  private static String valueOf(byte[] ikey) {
    return new String(InternalKey.userKey(ikey), UTF_8) + "@" + InternalKey.sequence(ikey);
  }

  private TableSink outputSink(long target) {
    return new TableSink(LocalFileSystem.INSTANCE, dir, SETTINGS, numbers::getAndIncrement, target);
  }

  /** Every entry of the output tables as "user@seq:TYPE", checking each value. */
  private List<String> contents(List<VersionEdit.NewFile> files) {
    List<String> out = new ArrayList<>();
    for (VersionEdit.NewFile nf : files) {
      FileMetadata f = nf.file();
      TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, FileNames.table(dir, f.number()), f.number());
      try (InternalIterator it = reader.iterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (InternalKey.type(it.key()) == ValueType.PUT) {
            assertEquals(valueOf(it.key()), new String(it.value(), UTF_8));
          }
          out.add(InternalKey.toString(it.key()));
        }
      } finally {
        reader.release();
      }
    }
    return out;
  }

  private static Version version(List<List<FileMetadata>> levels) {
    return Version.detached(levels);
  }

  @Test
  void keepsOnlyTheNewestVersionAndDropsTombstonesAtTheBottom() throws IOException {
    FileMetadata l1 = table("a@1", "b@2", "c@3", "d@4", "e@5");
    FileMetadata l0old = table("b@10", "c@11:DEL", "f@12");
    FileMetadata l0new = table("a@20", "b@21:DEL", "f@22", "g@23:DEL");
    Version base = version(List.of(List.of(l0new, l0old), List.of(l1)));
    CompactionTask task = CompactionTask.merge(1, "test",
        new CompactionTask.LevelInputs(0, base.files(0)), new CompactionTask.LevelInputs(1, base.files(1)));
    CompactionJob job = new CompactionJob(task, base, NO_SNAPSHOT, null);
    VersionEdit edit = job.run(cache(), outputSink(Long.MAX_VALUE));
    assertEquals(List.of("a@20:PUT", "d@4:PUT", "e@5:PUT", "f@22:PUT"), contents(edit.newFiles()));
    assertEquals(12, job.entriesIn());
    assertEquals(8, job.entriesDropped());
    assertEquals(Set.of(new VersionEdit.DeletedFile(0, l0new.number()), new VersionEdit.DeletedFile(0, l0old.number()),
        new VersionEdit.DeletedFile(1, l1.number())), new HashSet<>(edit.deletedFiles()));
    for (VersionEdit.NewFile nf : edit.newFiles()) {
      assertEquals(1, nf.level());
    }
  }

  @Test
  void newerL0TableWinsOverOlderL0TableForTheSameUserKey() throws IOException {
    FileMetadata older = table("k@5");
    FileMetadata newer = table("k@9");
    Version base = version(List.of(List.of(older, newer)));
    CompactionTask task = CompactionTask.merge(1, "test", new CompactionTask.LevelInputs(0, base.files(0)));
    VersionEdit edit = new CompactionJob(task, base, NO_SNAPSHOT, null).run(cache(), outputSink(Long.MAX_VALUE));
    assertEquals(List.of("k@9:PUT"), contents(edit.newFiles()));
  }

  @Test
  void tombstoneIsKeptWhileADeeperLevelMayHoldTheKey() throws IOException {
    FileMetadata l2 = table("m@1", "x@2");
    FileMetadata l1 = table("m@5", "n@6");
    FileMetadata l0 = table("m@10:DEL", "n@11:DEL", "z@12:DEL");
    Version base = version(List.of(List.of(l0), List.of(l1), List.of(l2)));
    CompactionTask task = CompactionTask.merge(1, "test",
        new CompactionTask.LevelInputs(0, List.of(l0)), new CompactionTask.LevelInputs(1, List.of(l1)));
    VersionEdit edit = new CompactionJob(task, base, NO_SNAPSHOT, null).run(cache(), outputSink(Long.MAX_VALUE));
    // m and n lie in L2's range [m, x]: their tombstones must keep hiding L2; z is outside it
    assertEquals(List.of("m@10:DELETE", "n@11:DELETE"), contents(edit.newFiles()));
  }

  @Test
  void versionsAnOldSnapshotCanSeeAreKept() throws IOException {
    FileMetadata l1 = table("k@3", "t@2");
    FileMetadata l0 = table("k@5", "k@10", "t@8:DEL", "u@9:DEL");
    Version base = version(List.of(List.of(l0), List.of(l1)));
    CompactionTask task = CompactionTask.merge(1, "test",
        new CompactionTask.LevelInputs(0, List.of(l0)), new CompactionTask.LevelInputs(1, List.of(l1)));
    VersionEdit edit = new CompactionJob(task, base, new long[] {6}, null).run(cache(), outputSink(Long.MAX_VALUE));
    // a reader at 6 sees k@5 and t@2; k@3 is hidden from every reader by k@5;
    // the tombstones at 8 and 9 are newer than the snapshot, so they stay
    assertEquals(List.of("k@10:PUT", "k@5:PUT", "t@8:DELETE", "t@2:PUT", "u@9:DELETE"),
        contents(edit.newFiles()));
  }

  @Test
  void everySnapshotKeepsTheNewestVersionAtOrBelowIt() throws IOException {
    FileMetadata l0 = table("k@1", "k@3", "k@5", "k@7", "k@9", "j@2", "j@8:DEL");
    Version base = version(List.of(List.of(l0)));
    CompactionTask task = CompactionTask.merge(1, "test", new CompactionTask.LevelInputs(0, List.of(l0)));
    VersionEdit edit = new CompactionJob(task, base, new long[] {4, 7}, null).run(cache(), outputSink(Long.MAX_VALUE));
    // Stripes <=4, 5..7 and >7 each keep their newest version: k@3, k@7, k@9. j@8's tombstone is
    // newer than snapshot 7, which still sees j@2, so both stay.
    assertEquals(List.of("j@8:DELETE", "j@2:PUT", "k@9:PUT", "k@7:PUT", "k@3:PUT"), contents(edit.newFiles()));
  }

  @Test
  void compactionFilterRemovesOrChangesTheNewestValueNoSnapshotSees() throws IOException {
    FileMetadata l1 = table("a@1", "b@2", "c@3");
    FileMetadata l0 = table("a@10", "b@11", "c@12", "d@4");
    Version base = version(List.of(List.of(l0), List.of(l1)));
    CompactionTask task = CompactionTask.merge(1, "test",
        new CompactionTask.LevelInputs(0, List.of(l0)), new CompactionTask.LevelInputs(1, List.of(l1)));
    List<String> seen = new ArrayList<>();
    CompactionFilter filter = (level, key, value) -> {
      String k = new String(key, UTF_8);
      seen.add(k + "=" + new String(value, UTF_8) + "@L" + level);
      return switch (k) {
        case "a" -> CompactionFilter.Decision.REMOVE;
        case "b" -> CompactionFilter.Decision.changeValue("new-b".getBytes(UTF_8));
        default -> CompactionFilter.Decision.KEEP;
      };
    };
    // Snapshot 5 sees d@4 and the versions at 1..3: the filter is asked only about a@10, b@11, c@12.
    CompactionJob job = new CompactionJob(task, base, new long[] {5}, filter);
    VersionEdit edit = job.run(cache(), outputSink(Long.MAX_VALUE));
    assertEquals(List.of("a=a@10@L1", "b=b@11@L1", "c=c@12@L1"), seen);
    assertEquals(2, job.entriesFiltered());
    List<String> out = new ArrayList<>();
    FileMetadata f = edit.newFiles().get(0).file();
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, FileNames.table(dir, f.number()), f.number());
    try (InternalIterator it = reader.iterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(InternalKey.toString(it.key()) + "=" + new String(it.value(), UTF_8));
      }
    } finally {
      reader.release();
    }
    // a@10 becomes a tombstone (snapshot 5 still reads a@1 under it); b@11 gets its new value.
    assertEquals(List.of("a@10:DELETE=", "a@1:PUT=a@1", "b@11:PUT=new-b", "b@2:PUT=b@2", "c@12:PUT=c@12",
        "c@3:PUT=c@3", "d@4:PUT=d@4"), out);
  }

  @Test
  void filterRemovalAtTheBottomWithoutSnapshotsLeavesNothing() throws IOException {
    FileMetadata l1 = table("a@1", "b@2");
    FileMetadata l0 = table("a@10", "b@11");
    Version base = version(List.of(List.of(l0), List.of(l1)));
    CompactionTask task = CompactionTask.merge(1, "test",
        new CompactionTask.LevelInputs(0, List.of(l0)), new CompactionTask.LevelInputs(1, List.of(l1)));
    CompactionFilter expireA = (level, key, value) ->
        key[0] == 'a' ? CompactionFilter.Decision.REMOVE : CompactionFilter.Decision.KEEP;
    VersionEdit edit = new CompactionJob(task, base, NO_SNAPSHOT, expireA).run(cache(), outputSink(Long.MAX_VALUE));
    assertEquals(List.of("b@11:PUT"), contents(edit.newFiles()));
  }

  @Test
  void outputsAreSplitIntoASortedRunAtTheTargetSize() throws IOException {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      a.add(String.format("key%04d@%d", i, 1));
      if (i % 2 == 0) {
        b.add(String.format("key%04d@%d", i, 2));
      }
    }
    FileMetadata l1 = table(a.toArray(new String[0]));
    FileMetadata l0 = table(b.toArray(new String[0]));
    Version base = version(List.of(List.of(l0), List.of(l1)));
    CompactionTask task = CompactionTask.merge(1, "test",
        new CompactionTask.LevelInputs(0, List.of(l0)), new CompactionTask.LevelInputs(1, List.of(l1)));
    VersionEdit edit = new CompactionJob(task, base, NO_SNAPSHOT, null).run(cache(), outputSink(4 << 10));
    assertTrue(edit.newFiles().size() > 2, "outputs: " + edit.newFiles().size());
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      expected.add(String.format("key%04d@%d:PUT", i, i % 2 == 0 ? 2 : 1));
    }
    assertEquals(expected, contents(edit.newFiles()));
    Version after = base.detachedApply(edit);
    assertTrue(after.files(0).isEmpty());
    List<FileMetadata> run = after.files(1);
    for (int i = 0; i + 1 < run.size(); i++) {
      assertTrue(InternalKey.compareUserKeys(run.get(i).largest(), run.get(i + 1).smallest()) < 0);
    }
  }

  @Test
  void trivialMoveReFilesTheTableWithoutRewritingIt() throws IOException {
    FileMetadata t = table("a@1", "b@2");
    Version base = version(List.of(List.of(), List.of(t)));
    CompactionTask task = CompactionTask.move(1, t, 2, "test");
    VersionEdit edit = new CompactionJob(task, base, NO_SNAPSHOT, null).moveEdit();
    assertEquals(List.of(new VersionEdit.DeletedFile(1, t.number())), edit.deletedFiles());
    assertEquals(1, edit.newFiles().size());
    assertEquals(2, edit.newFiles().get(0).level());
    assertEquals(t, edit.newFiles().get(0).file());
    Version after = base.detachedApply(edit);
    assertTrue(after.files(1).isEmpty());
    assertEquals(List.of(t), after.files(2));
  }
}
