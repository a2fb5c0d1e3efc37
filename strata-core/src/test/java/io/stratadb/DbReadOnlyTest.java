package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.env.FileLockHandle;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.WritableFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Db#openReadOnly} writes nothing (issue: read-only CLI commands failed on a full or
 * read-only disk because opening wrote a manifest): it works on a file system that refuses every
 * write, beside a process holding the database open, and reads tables and the WAL tail alike.
 */
class DbReadOnlyTest {
  private static final int KEYS = 2000;

  @TempDir Path dir;

  /** A file system on which every call that would change a file fails, like a read-only disk. */
  private static final class ReadOnlyDisk extends ForwardingFileSystem {
    private static IOException refused(Object what) {
      return new IOException("Read-only file system: " + what);
    }

    @Override
    public WritableFile newWritableFile(Path path) throws IOException {
      throw refused(path);
    }

    @Override
    public void rename(Path source, Path target) throws IOException {
      throw refused(source);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
      throw refused(path);
    }

    @Override
    public void createDirectories(Path path) throws IOException {
      throw refused(path);
    }

    @Override
    public void syncDirectory(Path path) throws IOException {
      throw refused(path);
    }

    @Override
    public FileLockHandle lock(Path path) throws IOException {
      throw refused(path);
    }

    @Override
    public void link(Path existing, Path link) throws IOException {
      throw refused(link);
    }
  }

  /** Tables and an unflushed WAL tail: keys below KEYS / 2 are flushed, the rest only in the WAL. */
  @BeforeEach
  void load() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      for (int i = 0; i < KEYS; i++) {
        db.put(key(i), b("v" + i));
        if (i == KEYS / 2) {
          db.flush();
        }
      }
      db.delete(key(3));
    }
  }

  private Map<String, Long> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.collect(Collectors.toMap(p -> p.getFileName().toString(), p -> p.toFile().lastModified() ^ p.toFile().length(),
          (a, c) -> a, TreeMap::new));
    }
  }

  /** Reads every loaded key, and counts them and {@code extra} more in a scan. */
  private static void assertReadsEverything(Db db, int extra) {
    for (int i = 0; i < KEYS; i++) {
      if (i == 3) {
        assertNull(db.get(key(i)));
      } else {
        assertEquals("v" + i, s(db.get(key(i))), "key " + i);
      }
    }
    int count = 0;
    try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
      for (; it.isValid(); it.next()) {
        count++;
      }
    }
    assertEquals(KEYS - 1 + extra, count);
  }

  @Test
  void opensAndReadsOnADiskThatRefusesEveryWrite() throws IOException {
    Map<String, Long> before = files();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(new ReadOnlyDisk()).build();
    assertThrows(StrataIOException.class, () -> Db.open(dir, options).close(), "a normal open writes");
    try (Db db = Db.openReadOnly(dir, options)) {
      assertReadsEverything(db, 0);
      assertThrows(UnsupportedOperationException.class, () -> db.put(b("x"), b("y")));
      assertThrows(UnsupportedOperationException.class, () -> db.delete(key(1)));
      assertThrows(UnsupportedOperationException.class, () -> db.write(new WriteBatch().put(b("x"), b("y"))));
      assertThrows(UnsupportedOperationException.class, db::flush);
      assertThrows(UnsupportedOperationException.class, () -> db.compactRange());
      assertThrows(UnsupportedOperationException.class, () -> db.checkpoint(dir.resolveSibling("cp")));
      assertThrows(UnsupportedOperationException.class, () -> {
        try (Transaction txn = db.beginTransaction()) {
          txn.put(b("x"), b("y"));
          txn.commit();
        }
      });
    }
    assertEquals(before, files(), "no file was created, changed or deleted");
  }

  @Test
  void opensBesideAProcessThatHoldsTheDatabase() {
    try (Db writer = Db.open(dir, TestKeys.smallOptions())) {
      // Settle the writer's compactions first: a table it deletes after the reader opened would
      // fail the reader's read of it (documented for openReadOnly).
      writer.compactRange();
      writer.put(b("late"), b("after the reader opened"));
      try (Db reader = Db.openReadOnly(dir, TestKeys.smallOptions())) {
        assertReadsEverything(reader, 1);
        assertEquals("after the reader opened", s(reader.get(b("late"))), "the WAL tail is replayed");
        writer.put(b("later"), b("x"));
        assertNull(reader.get(b("later")), "a read-only database sees the state as of its open");
      }
    }
  }

  @Test
  void refusesAMissingDatabaseAndOneWithoutCurrent() throws IOException {
    assertThrows(IllegalArgumentException.class,
        () -> Db.openReadOnly(dir.resolve("none"), Options.defaults()).close());
    Files.delete(dir.resolve("CURRENT"));
    assertThrows(CorruptionException.class, () -> Db.openReadOnly(dir, Options.defaults()).close());
  }
}
