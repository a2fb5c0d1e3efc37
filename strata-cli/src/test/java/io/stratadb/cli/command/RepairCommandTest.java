package io.stratadb.cli.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairCommandTest {

  @TempDir Path db;

  @Test
  void repairDropsTheDamagedBlockAndTheDatabaseServesTheRest() throws IOException {
    VerifyCommandTest.build(db);
    Path table = VerifyCommandTest.only(db, ".sst");
    VerifyCommandTest.flip(table, 10); // the first data block: the first few dozen keys
    Path manifest = VerifyCommandTest.only(db, "MANIFEST-000002");
    byte[] m = Files.readAllBytes(manifest);
    m[9] ^= 0x01; // the first manifest record, followed by others
    Files.write(manifest, m);
    assertEquals(1, CliRunner.runOn(db, "get", "key01999").exitCode(), "the damaged database does not open");

    CliRunner.Result r = CliRunner.runOn(db, "repair");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertTrue(r.out().contains("dropped: " + table + " at offset 0: block checksum mismatch"), r.out());
    assertTrue(r.out().contains("1 blocks dropped"), r.out());
    assertTrue(Files.exists(db.resolve("lost").resolve(table.getFileName())), "the damaged table is kept");
    assertTrue(Files.exists(db.resolve("lost").resolve(manifest.getFileName())), "the old manifest is kept");

    assertEquals("value-1999\n", CliRunner.runOn(db, "get", "key01999").out());
    assertEquals("value-1000\n", CliRunner.runOn(db, "get", "key01000").out());
    assertEquals("in the WAL\n", CliRunner.runOn(db, "get", "wal-key").out());
    assertEquals(1, CliRunner.runOn(db, "get", "key00000").exitCode(), "it was in the dropped block");
    assertEquals(0, CliRunner.runOn(db, "verify").exitCode());
  }

  @Test
  void openDatabaseOrNoDatabaseIsRefused() throws IOException {
    CliRunner.Result r = CliRunner.runOn(db, "repair");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("no database"), r.err());
    assertFalse(Files.exists(db.resolve("LOCK")), "nothing is created in a directory without a database");
    VerifyCommandTest.build(db);
    try (io.stratadb.Db open = io.stratadb.Db.open(db, io.stratadb.Options.defaults())) {
      CliRunner.Result locked = CliRunner.runOn(db, "repair");
      assertEquals(1, locked.exitCode());
      assertTrue(locked.err().contains("is the database open?"), locked.err());
    }
  }
}
