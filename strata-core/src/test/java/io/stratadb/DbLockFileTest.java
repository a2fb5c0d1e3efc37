package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lock holds even when its file is deleted (issue: with {@code LOCK} deleted by hand, a second
 * server opened the same directory and both acknowledged writes): a database whose {@code LOCK}
 * file was deleted or replaced turns read-only before its next synced write, WAL switch or
 * manifest write, and within about a second without any.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DbLockFileTest {
  @TempDir Path dir;

  @Test
  void syncedWriteAfterTheLockFileIsDeletedFailsAndTheDatabaseTurnsReadOnly() throws IOException {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("a"), b("1"), WriteOptions.syncWrites());
      Files.delete(dir.resolve("LOCK"));
      StrataIOException e = assertThrows(StrataIOException.class,
          () -> db.put(b("b"), b("2"), WriteOptions.syncWrites()));
      assertTrue(e.getMessage().contains("LOCK"), e.getMessage());
      assertThrows(StrataIOException.class, () -> db.put(b("c"), b("3")), "read-only from then on");
      assertEquals("1", s(db.get(b("a"))), "reads go on");
      assertEquals(null, db.get(b("b")));
    }
  }

  @Test
  void lockFileReplacedIsFoundAtTheNextFlush() throws IOException {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("a"), b("1"));
      Files.delete(dir.resolve("LOCK"));
      Files.write(dir.resolve("LOCK"), new byte[0]); // a new file: another process could lock it
      assertThrows(StrataIOException.class, db::flush);
      assertThrows(StrataIOException.class, () -> db.put(b("c"), b("3")));
    }
  }

  @Test
  void withoutWritesTheFlushThreadFindsTheLostLockWithinSeconds() throws Exception {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("a"), b("1"));
      Files.delete(dir.resolve("LOCK"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      boolean readOnly = false;
      while (!readOnly && System.nanoTime() < deadline) {
        try {
          db.put(b("probe"), b("x")); // unsynced: not checked itself
          Thread.sleep(50);
        } catch (StrataIOException e) {
          readOnly = true;
        }
      }
      assertTrue(readOnly, "the periodic check turned the database read-only");
    }
    try (Db db = Db.open(dir, Options.defaults())) { // a reopen takes a new LOCK and works
      assertEquals("1", s(db.get(b("a"))));
      db.put(b("after"), b("reopen"), WriteOptions.syncWrites());
    }
  }

  @Test
  void anUntouchedLockStaysValid() throws IOException {
    try (Db db = Db.open(dir, Options.defaults())) {
      for (int i = 0; i < 50; i++) {
        db.put(b("k" + i), b("v"), WriteOptions.syncWrites());
      }
      db.flush();
      db.put(b("z"), b("z"), WriteOptions.syncWrites());
    }
  }
}
