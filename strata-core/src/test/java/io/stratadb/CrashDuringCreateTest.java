package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found in review: VersionSet.create writes MANIFEST-000002 and then CURRENT; a crash between them (a power
 * loss during the very first open) leaves a directory with a manifest and no CURRENT, holding no
 * data. DbOpen.refuseDatabaseWithoutCurrent now refuses it for good ("run strata repair"), where
 * creating the database again loses nothing.
 */
class CrashDuringCreateTest {
  @TempDir Path dir;

  @Test
  void aCreateCutBeforeCurrentCanBeRetried() throws Exception {
    Path db = dir.resolve("db");
    Files.createDirectories(db);
    Files.write(db.resolve("LOCK"), new byte[0]);
    Files.write(db.resolve("MANIFEST-000002"), new byte[0]); // created, not yet written or synced
    Files.write(db.resolve("000002.dbtmp"), new byte[0]);
    try (Db d = Db.open(db, Options.defaults())) {
      d.put(b("a"), b("1"));
      assertEquals("1", s(d.get(b("a"))));
    }
  }
}
