package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.FaultInjectionFileSystem;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes made with {@link WriteOptions#withoutWal()}: durable after a flush (explicit, at close, by
 * a checkpoint), lost by a crash before one without damaging anything, and never recovered out of
 * order: a logged write made after lost unlogged ones is lost with them, and a sync write or
 * {@link Db#syncWal()} after them flushes them first.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbWithoutWalTest {
  private static final WriteOptions NO_WAL = WriteOptions.withoutWal();

  @TempDir Path tmp;

  private static Options options(FaultInjectionFileSystem fs) {
    return Options.builder().fileSystem(fs).build();
  }

  private static long walSyncs(Db db) {
    return db.stats().operations().walSyncs();
  }

  @Test
  void theOptionsSayWhatTheyAre() {
    assertTrue(WriteOptions.withoutWal().disableWal());
    assertEquals(false, WriteOptions.withoutWal().sync());
    assertEquals(false, WriteOptions.defaults().disableWal());
    assertEquals(false, WriteOptions.syncWrites().disableWal());
  }

  @Test
  void unloggedWritesSurviveAFlushAndAPowerLossAfterIt() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(dir, options(fs))) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("v" + i), NO_WAL);
      }
      db.delete(key(7), NO_WAL);
      WriteBatch batch = new WriteBatch().put(b("batch"), b("x")).delete(key(8));
      db.write(batch, NO_WAL);
      assertEquals("v5", s(db.get(key(5))), "readable before any flush");
      db.flush();
      fs.copyAsAfterPowerLoss(dir, copy);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        assertEquals(i == 7 || i == 8 ? null : "v" + i, s(db.get(key(i))), "key " + i);
      }
      assertEquals("x", s(db.get(b("batch"))));
    }
  }

  @Test
  void closeFlushesUnloggedWrites() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, options(fs))) {
      db.put(b("a"), b("1"), NO_WAL);
    }
    Path copy = tmp.resolve("copy");
    fs.copyAsAfterPowerLoss(dir, copy);
    try (Db db = Db.open(copy, Options.defaults())) {
      assertEquals("1", s(db.get(b("a"))), "close never fsyncs the WAL: only a flush keeps it through a power loss");
    }
  }

  @Test
  void aCrashBeforeAFlushLosesUnloggedWritesAndTheDatabaseGoesOn() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    long sequenceBeforeCrash;
    try (Db db = Db.open(dir, options(fs))) {
      db.put(b("logged"), b("1"));
      db.put(b("flushed"), b("1"), NO_WAL);
      db.flush();
      db.put(b("lost"), b("1"), NO_WAL);
      db.put(b("flushed"), b("2"), NO_WAL);
      sequenceBeforeCrash = db.stats().lastSequence();
      fs.copyAsAfterProcessCrash(dir, copy);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      assertEquals("1", s(db.get(b("logged"))));
      assertEquals("1", s(db.get(b("flushed"))), "the flushed version, not the lost overwrite");
      assertNull(db.get(b("lost")));
      assertTrue(db.stats().lastSequence() < sequenceBeforeCrash, "the lost writes' numbers are not claimed");
      // Writes after recovery take fresh numbers above everything kept: a snapshot taken before
      // them must not see them, and newer versions must shadow older ones.
      Snapshot before = db.getSnapshot();
      db.put(b("flushed"), b("3"));
      db.put(b("lost"), b("again"));
      assertEquals("3", s(db.get(b("flushed"))));
      assertEquals("1", s(db.get(b("flushed"), ReadOptions.snapshot(before))));
      assertNull(db.get(b("lost"), ReadOptions.snapshot(before)));
      before.close();
      db.compactRange(Bound.unbounded(), Bound.unbounded());
      assertEquals("3", s(db.get(b("flushed"))));
    }
    try (Db db = Db.open(copy, Options.defaults())) { // and it opens again, unchanged
      assertEquals("3", s(db.get(b("flushed"))));
      assertEquals("again", s(db.get(b("lost"))));
      assertEquals("1", s(db.get(b("logged"))));
    }
  }

  @Test
  void aLoggedWriteAfterLostUnloggedOnesIsNotRecoveredWithoutThem() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(dir, options(fs))) {
      db.put(b("first"), b("1"));
      db.put(b("unlogged"), b("1"), NO_WAL);
      db.put(b("after"), b("1")); // in the WAL, but after a write the crash loses
      fs.copyAsAfterProcessCrash(dir, copy);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      assertEquals("1", s(db.get(b("first"))));
      assertNull(db.get(b("unlogged")));
      assertNull(db.get(b("after")), "recovered without the write before it: a state the database never was in");
    }
  }

  @Test
  void aSyncWriteAfterUnloggedOnesFlushesThemSoThatItSurvives() throws Exception {
    syncAfterUnloggedWrites(db -> db.put(b("synced"), b("1"), WriteOptions.syncWrites()));
  }

  @Test
  void syncWalAfterUnloggedWritesFlushesThem() throws Exception {
    syncAfterUnloggedWrites(db -> {
      db.put(b("synced"), b("1"));
      db.syncWal();
    });
  }

  private void syncAfterUnloggedWrites(Consumer<Db> sync) throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(dir, options(fs))) {
      db.put(b("unlogged"), b("1"), NO_WAL);
      sync.accept(db);
      fs.copyAsAfterPowerLoss(dir, copy);
      long syncs = walSyncs(db);
      sync.accept(db); // nothing unlogged waits now: no second flush
      assertEquals(1, db.stats().flushCount(), "one flush, at the first sync");
      assertTrue(walSyncs(db) >= syncs);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      assertEquals("1", s(db.get(b("unlogged"))));
      assertEquals("1", s(db.get(b("synced"))));
    }
  }

  @Test
  void aCheckpointHoldsUnloggedWrites() throws Exception {
    try (Db db = Db.open(tmp.resolve("db"), Options.defaults())) {
      db.put(b("unlogged"), b("1"), NO_WAL);
      db.checkpoint(tmp.resolve("checkpoint"));
    }
    try (Db db = Db.open(tmp.resolve("checkpoint"), Options.defaults())) {
      assertEquals("1", s(db.get(b("unlogged"))));
    }
  }

  /**
   * Logged and unlogged puts of keys 0, 1, 2, ... in random runs, across many memtable switches and
   * background flushes, then a process crash: what recovery brings back is always a prefix of the
   * writes (keys 0..k-1 for some k), at least every write before the last flush.
   */
  @Test
  void aCrashAcrossMemtableSwitchesRecoversAPrefixOfTheWrites() throws Exception {
    for (int round = 0; round < 6; round++) {
      FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
      Path dir = tmp.resolve("db" + round);
      Path copy = tmp.resolve("copy" + round);
      Options options = Options.builder().writeBufferSize(64 << 10).fileSystem(fs).build();
      SplittableRandom rnd = new SplittableRandom(round);
      int written = 0;
      int flushedBefore = 0;
      try (Db db = Db.open(dir, options)) {
        while (written < 8000) {
          boolean logged = rnd.nextBoolean();
          int run = 1 + rnd.nextInt(200);
          for (int i = 0; i < run; i++, written++) {
            db.put(key(written), b("value-" + written + "-".repeat(40)), logged ? WriteOptions.defaults() : NO_WAL);
          }
          if (round % 2 == 0 && rnd.nextInt(10) == 0) {
            db.flush();
            flushedBefore = written;
          }
        }
        fs.copyAsAfterProcessCrash(dir, copy);
      }
      try (Db db = Db.open(copy, Options.defaults())) {
        int recovered = 0;
        while (recovered < written && db.get(key(recovered)) != null) {
          recovered++;
        }
        for (int i = recovered; i < written; i++) {
          assertNull(db.get(key(i)), "round " + round + ": key " + i + " recovered after lost key " + recovered);
        }
        assertTrue(recovered >= flushedBefore, "round " + round + ": flushed writes lost");
      }
    }
  }
}
