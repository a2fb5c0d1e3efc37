package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found in review: the LOCK check (DbImpl.verifyLock) guards synced writes, WAL switches and manifest
 * writes, but not the obsolete-file pass, which any reader can trigger by dropping a version. A
 * database whose LOCK was deleted and that a second process (here: a second Db) then opened goes
 * on deleting files for up to a second, and the second database's files are "accounted for" by the
 * first's history (numbers >= its firstOwnFileNumber), so it deletes the new owner's tables.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LockLostObsoleteDeletionTest {
  @TempDir Path dir;

  @Test
  void theOldOwnerDeletesNothingOfTheNewOwner() throws Exception {
    Db first = Db.open(dir, Options.defaults());
    try {
      first.put(b("a"), b("1"));
      first.flush();
      DbIterator pinned = first.newIterator(); // pins the version with a's table only
      first.put(b("b"), b("2"));
      first.flush(); // the pinned version is no longer current
      first.put(b("x"), b("x1")); // in the WAL only
      Files.delete(dir.resolve("LOCK"));
      try (Db second = Db.open(dir, Options.defaults())) { // replays the WAL into an L0 table of its own
        pinned.close(); // the first database's flush thread now runs an obsolete-file pass
        Thread.sleep(300);
        assertEquals("x1", s(second.get(b("x"))), "the new owner's table is still there");
      }
      try (Db again = Db.open(dir, Options.defaults())) {
        assertEquals("x1", s(again.get(b("x"))));
      }
    } finally {
      try {
        first.close();
      } catch (RuntimeException ignored) {
        // the first database may be read-only by now
      }
    }
  }
}
