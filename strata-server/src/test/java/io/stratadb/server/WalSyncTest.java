package io.stratadb.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** {@code --wal-sync always|everysec|no}: when the server fsyncs the WAL. */
class WalSyncTest {

  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long syncs(Db db) {
    return db.stats().operations().walSyncs();
  }

  @Test
  void parsesRedisNamesInAnyCaseAndRejectsOthers() throws Exception {
    assertEquals(WalSync.ALWAYS, WalSync.parse("Always"));
    assertEquals(WalSync.EVERYSEC, WalSync.parse("everysec"));
    assertEquals(WalSync.NO, WalSync.parse("NO"));
    assertThrows(IllegalArgumentException.class, () -> WalSync.parse("sometimes"));
    assertEquals(WalSync.EVERYSEC, ServerConfig.builder().build().walSync(), "Redis's default");
    Path conf = dir.resolve("strata.conf");
    Files.writeString(conf, "appendfsync always\n");
    assertEquals(WalSync.ALWAYS, ServerConfig.builder().configFile(conf).build().walSync());
    Files.writeString(conf, "wal-sync no\n");
    assertEquals(WalSync.NO, ServerConfig.builder().configFile(conf).build().walSync());
  }

  @Test
  void alwaysSyncsEveryWriteAndNoSyncsNone() {
    try (Db db = Db.open(dir, Options.builder().createIfMissing(true).build())) {
      StringStore always = new StringStore(db, () -> 0L, WalSync.ALWAYS);
      long before = syncs(db);
      always.put(b("a"), b("1"), ValueCodec.NO_EXPIRY);
      always.put(b("b"), b("2"), ValueCodec.NO_EXPIRY);
      assertEquals(2, syncs(db) - before);
      db.syncWal();
      assertEquals(2, syncs(db) - before, "nothing left unsynced");

      StringStore no = new StringStore(db, () -> 0L, WalSync.NO);
      before = syncs(db);
      no.put(b("c"), b("3"), ValueCodec.NO_EXPIRY);
      assertEquals(0, syncs(db) - before);
    }
  }

  @Test
  void closingTheSyncerSyncsWhatWasWrittenSinceItsLastSync() {
    try (Db db = Db.open(dir, Options.builder().createIfMissing(true).build())) {
      StringStore store = new StringStore(db, () -> 0L, WalSync.EVERYSEC);
      WalSyncer syncer = new WalSyncer(db);
      long before = syncs(db);
      store.put(b("k"), b("v"), ValueCodec.NO_EXPIRY);
      assertEquals(before, syncs(db), "an everysec write is not synced by itself");
      syncer.close(); // long before its first tick, a second from now
      assertEquals(before + 1, syncs(db));
    }
  }

  @Test
  void everysecServerSyncsInTheBackgroundAfterWrites() throws Exception {
    try (TestServer server = new TestServer(dir, c -> c.walSync(WalSync.EVERYSEC)); Jedis jedis = server.jedis()) {
      Db db = server.server.db();
      long before = syncs(db);
      jedis.set("k", "v");
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (syncs(db) == before && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(syncs(db) > before, "the WAL was fsynced after the write without a client asking");
      assertEquals("v", jedis.get("k"));
      assertEquals(Map.of("appendfsync", "everysec"), jedis.configGet("appendfsync"));
    }
  }
}
