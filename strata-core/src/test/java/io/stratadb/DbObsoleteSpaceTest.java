package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table that compaction made obsolete returns its disk space as soon as its last reader closes:
 * no mapping ({@code /proc/self/maps}) and no open descriptor ({@code /proc/self/fd}) keeps a
 * deleted table, in either read mode. Linux only (reads {@code /proc}).
 */
class DbObsoleteSpaceTest {
  @TempDir Path dir;

  /** The lines of /proc/self/maps and the targets of /proc/self/fd that name a deleted table of {@code db}. */
  private static List<String> deletedTablesHeld(Path db) throws IOException {
    String prefix = db.toRealPath().toString();
    List<String> held = new ArrayList<>();
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      maps.filter(l -> l.contains(prefix) && l.contains(".sst") && l.endsWith("(deleted)")).forEach(held::add);
    }
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith(prefix) && target.contains(".sst") && target.endsWith("(deleted)")) {
            held.add("fd " + fd.getFileName() + " -> " + target);
          }
        } catch (IOException e) {
          // the descriptor closed while listing
        }
      }
    }
    return held;
  }

  private static List<String> tables(Path db) throws IOException {
    try (Stream<Path> files = Files.list(db)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst")).toList();
    }
  }

  @ParameterizedTest
  @EnumSource(value = ReadMode.class, names = {"MMAP", "PREAD"})
  void compactedTablesHoldNoSpaceOnceTheirReadersClose(ReadMode mode) throws Exception {
    Path db = dir.resolve(mode.name());
    Options options = Options.builder().writeBufferSize(64 << 10).readPath(ReadPathOptions.builder().readMode(mode).build()).jmx(false).build();
    try (Db d = Db.open(db, options)) {
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 2000; i++) {
          d.put(key(i), b("value-" + round + "-" + i));
        }
        d.flush();
        // every table read, so every table is open (mapped or with a descriptor)
        try (DbIterator it = d.newIterator()) {
          int n = 0;
          for (it.seekToFirst(); it.isValid(); it.next()) {
            n++;
          }
          assertEquals(2000, n);
        }
      }
      List<String> before = tables(db);
      DbIterator pinned = d.newIterator(); // holds the tables of this version
      pinned.seekToFirst();
      d.compactRange();
      assertEquals("value-3-5", TestKeys.s(d.get(key(5))));
      pinned.close(); // the last reader of the compacted tables
      d.compactRange(); // deletes what the closed iterator held, if not yet deleted
      // Obsolete tables are deleted by a background thread: wait for that, then look at once,
      // before a garbage collection could unmap what an explicit unmap should have.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (tables(db).stream().anyMatch(before::contains) && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(tables(db).stream().noneMatch(before::contains), "the compacted tables were deleted");
      List<String> held = deletedTablesHeld(db);
      assertTrue(held.isEmpty(), mode + ": deleted tables still held: " + held);
      assertEquals("value-3-1999", TestKeys.s(d.get(key(1999))));
    }
  }
}
