package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ReadableFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Options#preloadTables()}: opening a database opens its SSTables in the background. */
class DbTablePreloadTest {
  @TempDir Path dir;

  /** Records which SSTables were opened for reading. */
  private static final class OpenedTables extends ForwardingFileSystem {
    final Set<Path> opened = ConcurrentHashMap.newKeySet();

    @Override
    public ReadableFile openImmutable(Path path, boolean map) throws IOException {
      if (path.toString().endsWith(".sst")) {
        opened.add(path.getFileName());
      }
      return delegate.openImmutable(path, map);
    }
  }

  /** No compaction and no write stall: every flush stays an L0 table (the triggers are above 20). */
  private static Options.Builder base() {
    return Options.builder().compactionStrategy(TestKeys.leveled(100)).l0SlowdownWritesTrigger(200)
        .l0StopWritesTrigger(300);
  }

  /** Writes 20 flushed tables of 50 keys each; returns how many table files the directory holds. */
  private long writeTables() throws IOException {
    Options options = base().preloadTables(false).build();
    try (Db db = Db.open(dir, options)) {
      for (int t = 0; t < 20; t++) {
        for (int i = 0; i < 50; i++) {
          db.put(key(t * 50 + i), b("v" + t));
        }
        db.flush();
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sst")).count();
    }
  }

  private static void awaitOpened(OpenedTables fs, long count) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (fs.opened.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void openingADatabaseOpensItsTablesBeforeAnyRead() throws Exception {
    long tables = writeTables();
    assertTrue(tables >= 20, "tables written: " + tables);
    OpenedTables fs = new OpenedTables();
    try (Db db = Db.open(dir, base().fileSystem(fs).build())) {
      awaitOpened(fs, tables);
      assertEquals(tables, fs.opened.size(), "every table opened without a read");
      assertEquals("v7", s(db.get(key(7 * 50 + 3))));
    }
  }

  @Test
  void preloadingStopsWhenTheTableCacheIsFull() throws Exception {
    long tables = writeTables();
    OpenedTables fs = new OpenedTables();
    Options options = base().maxOpenFiles(16).fileSystem(fs)
        .build();
    try (Db db = Db.open(dir, options)) {
      awaitOpened(fs, 16);
      Thread.sleep(100); // room for a preloader that would not stop
      assertEquals(16, fs.opened.size(), "of " + tables + " tables");
    }
  }

  @Test
  void withoutPreloadingOnlyReadsOpenTables() throws Exception {
    writeTables();
    OpenedTables fs = new OpenedTables();
    Options options = base().preloadTables(false)
        .fileSystem(fs).build();
    try (Db db = Db.open(dir, options)) {
      assertEquals("v0", s(db.get(key(3))));
    }
    // close joined every background thread: nothing else can open a table any more.
    assertTrue(fs.opened.size() <= 20 && !fs.opened.isEmpty(), "opened: " + fs.opened);
    assertTrue(fs.opened.size() < 20, "a get of one key opens the tables that may hold it, not all: " + fs.opened);
  }
}
