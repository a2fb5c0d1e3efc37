package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ReadableFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ReadPathOptions#readMode()}: which tables are mapped, decided as each table opens. */
class DbReadModeTest {
  @TempDir Path dir;

  /** Records, per SSTable opened, its size on disk and whether it was mapped. */
  private static class OpenRecorder extends ForwardingFileSystem {
    record Opened(String name, boolean mapped, boolean actuallyMapped) {}

    final List<Opened> opened = Collections.synchronizedList(new ArrayList<>());
    final List<String> openedDirect = Collections.synchronizedList(new ArrayList<>());

    @Override
    public ReadableFile openDirect(Path path) throws IOException {
      openedDirect.add(path.getFileName().toString());
      return delegate.openDirect(path);
    }

    @Override
    public ReadableFile openImmutable(Path path, boolean map) throws IOException {
      ReadableFile file = delegate.openImmutable(path, map);
      if (path.toString().endsWith(".sst")) {
        opened.add(new Opened(path.getFileName().toString(), map, file.mapping() != null));
      }
      return file;
    }
  }

  /** No compaction: every flush stays an L0 table. */
  private static Options.Builder base(OpenRecorder fs) {
    return Options.builder().compactionStrategy(TestKeys.leveled(100)).l0SlowdownWritesTrigger(200)
        .l0StopWritesTrigger(300).preloadTables(false).fileSystem(fs).jmx(false);
  }

  /**
   * Writes {@code tables} flushed tables of 50 keys, reading a key of each table right after its
   * flush (which opens it), and checks every key at the end.
   */
  private static void writeAndRead(Db db, int tables) {
    for (int t = 0; t < tables; t++) {
      for (int i = 0; i < 50; i++) {
        db.put(key(t * 50 + i), b("value-" + t + "-" + i));
      }
      db.flush();
      assertEquals("value-" + t + "-7", s(db.get(key(t * 50 + 7))));
    }
    for (int i = 0; i < tables * 50; i++) {
      assertEquals("value-" + (i / 50) + "-" + (i % 50), s(db.get(key(i))));
    }
  }

  @Test
  void preadMapsNoTableAndMmapEveryTable() throws Exception {
    for (ReadMode mode : new ReadMode[] {ReadMode.PREAD, ReadMode.MMAP}) {
      Path db = dir.resolve(mode.name());
      OpenRecorder fs = new OpenRecorder();
      try (Db d = Db.open(db, base(fs).readPath(ReadPathOptions.builder().readMode(mode)
          .mmapBudgetBytes(mode == ReadMode.PREAD ? 1L << 40 : 0).build()).build())) {
        writeAndRead(d, 5);
      }
      assertFalse(fs.opened.isEmpty());
      for (OpenRecorder.Opened o : fs.opened) {
        assertEquals(mode == ReadMode.MMAP, o.mapped(), mode + ": " + o);
        assertEquals(o.mapped(), o.actuallyMapped(), "the local file system maps exactly when asked: " + o);
      }
    }
  }

  @Test
  void directReadsOpenEveryTableAroundThePageCache() throws Exception {
    OpenRecorder fs = new OpenRecorder();
    try (Db d = Db.open(dir, base(fs).readPath(ReadPathOptions.builder().useDirectReads(true).mmapBudgetBytes(1L << 40).build()).build())) {
      writeAndRead(d, 4);
    }
    assertTrue(fs.opened.isEmpty(), "nothing mapped or opened buffered: " + fs.opened);
    assertTrue(fs.openedDirect.size() >= 4, "opened direct: " + fs.openedDirect);
  }

  @Test
  void autoMapsTablesWhileTheDatabaseFitsTheBudgetAndPreadsOnceItHasOutgrownIt() throws Exception {
    OpenRecorder probe = new OpenRecorder();
    try (Db d = Db.open(dir.resolve("probe"), base(probe).build())) {
      writeAndRead(d, 1);
    }
    long tableBytes = Files.size(dir.resolve("probe").resolve(probe.opened.get(0).name()));
    // Room for three tables and a half: tables 1-3 open mapped, the fourth and later do not (and
    // are read through the page cache: autoDirectReads off).
    OpenRecorder fs = new OpenRecorder();
    try (Db d = Db.open(dir.resolve("db"), base(fs).readPath(ReadPathOptions.builder().readMode(ReadMode.AUTO)
        .mmapBudgetBytes(tableBytes * 7 / 2).autoDirectReads(false).build()).build())) {
      writeAndRead(d, 8);
    }
    List<Boolean> firstOpen = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    for (OpenRecorder.Opened o : fs.opened) {
      if (!seen.contains(o.name())) {
        seen.add(o.name());
        firstOpen.add(o.mapped());
      }
    }
    assertEquals(8, firstOpen.size(), "tables opened: " + fs.opened);
    assertEquals(List.of(true, true, true, false, false, false, false, false), firstOpen);

    // Reopened, the database is over the budget from the start: nothing is mapped.
    OpenRecorder reopened = new OpenRecorder();
    try (Db d = Db.open(dir.resolve("db"), base(reopened).readPath(ReadPathOptions.builder().readMode(ReadMode.AUTO)
        .mmapBudgetBytes(tableBytes * 7 / 2).autoDirectReads(false).build()).build())) {
      assertEquals("value-2-9", s(d.get(key(2 * 50 + 9))));
    }
    assertFalse(reopened.opened.isEmpty());
    assertTrue(reopened.opened.stream().noneMatch(OpenRecorder.Opened::mapped), "reopened: " + reopened.opened);
  }

  /** AUTO with a block cache of {@code cacheBytes}, a 1-byte mmap budget (nothing mapped) and {@code autoDirect}. */
  private static Options.Builder auto(OpenRecorder fs, long cacheBytes, boolean autoDirect) {
    return base(fs).blockCacheSize(cacheBytes).readPath(ReadPathOptions.builder().readMode(ReadMode.AUTO)
        .mmapBudgetBytes(1).autoDirectReads(autoDirect).build());
  }

  @Test
  void autoReadsTablesItDoesNotMapAroundThePageCacheOnlyWhenTheBlockCacheIsSizedForIt() throws Exception {
    OpenRecorder direct = new OpenRecorder();
    try (Db d = Db.open(dir.resolve("direct"), auto(direct, 1 << 20, true).build())) {
      writeAndRead(d, 4);
    }
    assertTrue(direct.openedDirect.size() >= 4, "opened direct: " + direct.openedDirect);
    if (directReadsWork(dir)) {
      assertTrue(direct.opened.isEmpty(), "nothing opened buffered where O_DIRECT works: " + direct.opened);
    }
    // A block cache below the budget (the page cache the larger cache), or the option off: buffered.
    for (boolean autoDirect : new boolean[] {true, false}) {
      OpenRecorder buffered = new OpenRecorder();
      // Both a few bytes, below one table: nothing mapped; the cache one byte below the budget.
      Options options = autoDirect
          ? auto(buffered, 127, true).readPath(ReadPathOptions.builder().readMode(ReadMode.AUTO)
              .mmapBudgetBytes(128).build()).build()
          : auto(buffered, 1 << 20, false).build();
      try (Db d = Db.open(dir.resolve("buffered-" + autoDirect), options)) {
        writeAndRead(d, 4);
      }
      assertTrue(buffered.openedDirect.isEmpty(), "opened direct: " + buffered.openedDirect);
      assertTrue(buffered.opened.size() >= 4 && buffered.opened.stream().noneMatch(OpenRecorder.Opened::mapped),
          "opened buffered, unmapped: " + buffered.opened);
    }
  }

  /** Whether the file system under {@code dir} opens files with O_DIRECT (tmpfs does not). */
  private static boolean directReadsWork(Path dir) throws IOException {
    Path probe = Files.write(dir.resolve("probe.bin"), new byte[4096]);
    try (ReadableFile f = io.stratadb.env.LocalFileSystem.INSTANCE.openDirect(probe)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void autoReadsThroughThePageCacheWhereTheFileSystemRefusesDirectReads() throws Exception {
    OpenRecorder refusing = new OpenRecorder() {
      @Override
      public ReadableFile openDirect(Path path) throws IOException {
        openedDirect.add(path.getFileName().toString());
        throw new IOException("O_DIRECT refused (as tmpfs does)");
      }
    };
    try (Db d = Db.open(dir, auto(refusing, 1 << 20, true).build())) {
      writeAndRead(d, 4);
    }
    assertFalse(refusing.openedDirect.isEmpty());
    assertTrue(refusing.opened.size() >= 4 && refusing.opened.stream().noneMatch(OpenRecorder.Opened::mapped),
        "opened buffered instead: " + refusing.opened);
  }
}
