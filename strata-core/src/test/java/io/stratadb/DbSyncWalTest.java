package io.stratadb;

import static io.stratadb.TestKeys.b;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.env.FaultInjectionFileSystem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Db#syncWal()}: unsynced writes before it survive a power loss, later ones need not. */
class DbSyncWalTest {

  @TempDir
  Path tmp;

  @Test
  void writesBeforeASyncSurviveAPowerLossAndLaterOnesAreNotSynced() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, Options.builder().fileSystem(fs).build())) {
      db.put(b("a"), b("1"));
      db.delete(b("a"));
      db.put(b("b"), b("2"));
      long syncs = db.stats().operations().walSyncs();
      db.syncWal();
      assertEquals(syncs + 1, db.stats().operations().walSyncs());
      db.put(b("c"), b("3"));
      fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy"));
    }
    try (Db recovered = Db.open(tmp.resolve("copy"), Options.defaults())) {
      assertNull(recovered.get(b("a")));
      assertArrayEquals(b("2"), recovered.get(b("b")));
      assertNull(recovered.get(b("c")), "the fault file system keeps only synced bytes");
    }
  }

  @Test
  void aSyncAfterAMemtableSwitchCoversTheNewLog() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, Options.builder().fileSystem(fs).writeBufferSize(64 << 10).build())) {
      for (int i = 0; i < 3_000; i++) { // several memtables, so several WALs
        db.put(b("key" + i), new byte[100]);
      }
      db.syncWal();
      fs.copyAsAfterPowerLoss(dir, tmp.resolve("copy"));
    }
    try (Db recovered = Db.open(tmp.resolve("copy"), Options.defaults())) {
      for (int i = 0; i < 3_000; i++) {
        assertArrayEquals(new byte[100], recovered.get(b("key" + i)), "key" + i);
      }
    }
  }

  @Test
  void aClosedOrReadOnlyDatabaseRefusesIt() throws Exception {
    Path dir = tmp.resolve("db");
    Db db = Db.open(dir, Options.defaults());
    db.put(b("a"), b("1"));
    db.close();
    assertThrows(DbClosedException.class, db::syncWal);
    try (Db readOnly = Db.openReadOnly(dir, Options.defaults())) {
      assertThrows(UnsupportedOperationException.class, readOnly::syncWal);
    }
  }
}
