package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.stratadb.env.FaultInjectionFileSystem;
import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingWritableFile;
import io.stratadb.env.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Db#syncWal()}: writes made without sync survive a power loss once it returned. */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbSyncWalTest {

  @TempDir Path tmp;

  private static Options options(FaultInjectionFileSystem fs) {
    return Options.builder().fileSystem(fs).build();
  }

  private static Options smallMemtables(FaultInjectionFileSystem fs) {
    return Options.builder().writeBufferSize(64 << 10).blockSize(512).targetFileSize(64 << 10)
        .compactionStrategy(TestKeys.leveled(2)).fileSystem(fs).build();
  }

  private static long syncs(Db db) {
    return db.stats().operations().walSyncs();
  }

  @Test
  void unsyncedWritesSurviveAPowerLossAfterSyncWalAndLaterOnesDoNot() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(dir, options(fs))) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("v" + i));
      }
      db.syncWal();
      db.put(b("after"), b("x")); // acknowledged, not synced: the power loss takes it
      fs.copyAsAfterPowerLoss(dir, copy);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        assertEquals("v" + i, s(db.get(key(i))), "key " + i);
      }
      assertNull(db.get(b("after")), "the fault-injecting file system keeps only synced bytes");
    }
  }

  @Test
  void coversWritesInWalsSwitchedAwayFrom() throws Exception {
    writeAcrossSwitchesThenSurvivePowerLoss(Db::syncWal);
  }

  @Test
  void memtableSwitchesDoNotFsyncTheOldWalWhileWritersWait() {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    try (Db db = Db.open(tmp.resolve("db"), smallMemtables(fs))) {
      long before = syncs(db);
      for (int i = 0; i < 3000; i++) {
        db.put(key(i), b("value-" + i + "-".repeat(100)));
      }
      db.flush();
      assertEquals(before, syncs(db), "no WAL fsync without a sync write or syncWal");
    }
  }

  @Test
  void aSyncWriteAfterSwitchesFsyncsTheOlderWalsFirst() throws Exception {
    writeAcrossSwitchesThenSurvivePowerLoss(db -> db.put(b("last"), b("synced"), WriteOptions.syncWrites()));
  }

  /**
   * Writes about 0.4 MiB unsynced through 64 KiB memtables (many WAL switches, flushes and
   * compactions), runs {@code sync}, cuts the directory as a power loss would: every write is there.
   */
  private void writeAcrossSwitchesThenSurvivePowerLoss(Consumer<Db> sync) throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    int keys = 3000;
    try (Db db = Db.open(dir, smallMemtables(fs))) {
      for (int i = 0; i < keys; i++) {
        db.put(key(i), b("value-" + i + "-".repeat(100)));
      }
      sync.accept(db);
      fs.copyAsAfterPowerLoss(dir, copy);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      for (int i = 0; i < keys; i++) {
        assertEquals("value-" + i + "-".repeat(100), s(db.get(key(i))), "key " + i);
      }
    }
  }

  /**
   * A file system whose next WAL fsync, once armed, waits for {@link #release}, and whose table
   * fsyncs wait for it too (so no flush retires the switched WALs meanwhile).
   */
  private static final class HeldSyncs extends ForwardingFileSystem {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch walSyncHeld = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public WritableFile newWritableFile(Path path) throws IOException {
      String name = path.getFileName().toString();
      boolean wal = name.endsWith(".log");
      boolean table = name.endsWith(".sst");
      return new ForwardingWritableFile(super.newWritableFile(path)) {
        @Override
        public void sync() throws IOException {
          if (wal && armed.getAndSet(false)) {
            walSyncHeld.countDown();
            awaitRelease();
          } else if (table) {
            awaitRelease();
          }
          super.sync();
        }
      };
    }

    private void awaitRelease() throws IOException {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException();
      }
    }
  }

  @Test
  void aMemtableSwitchDoesNotWaitForASyncWalCallersFsyncOfAnOlderWal() throws Exception {
    HeldSyncs fs = new HeldSyncs();
    Options options = Options.builder().writeBufferSize(64 << 10).maxImmutableMemtables(4).fileSystem(fs).build();
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (Db db = Db.open(tmp.resolve("db"), options)) {
      byte[] value = new byte[1000];
      int i = 0;
      for (; i < 100; i++) { // about 100 KB: one memtable switch, whose flush waits for release
        db.put(key(i), value);
      }
      fs.armed.set(true);
      Future<?> syncWal = threads.submit(db::syncWal); // fsyncs the switched WAL first, and is held there
      fs.walSyncHeld.await();
      int from = i;
      Future<?> writes = threads.submit(() -> {
        for (int k = from; k < from + 100; k++) { // another switch, handing a second WAL over
          db.put(key(k), value);
        }
      });
      try {
        // Not a speed check: before the fix the switch waited until release, which never came.
        writes.get(60, TimeUnit.SECONDS);
      } finally {
        fs.release.countDown();
      }
      syncWal.get();
      for (int k = 0; k < from + 100; k++) {
        assertEquals(1000, db.get(key(k)).length, "key " + k);
      }
    } finally {
      fs.release.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void fsyncsOnlyWhenSomethingWasWrittenSinceTheLastFsync() {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    try (Db db = Db.open(tmp.resolve("db"), options(fs))) {
      long before = syncs(db);
      db.syncWal();
      assertEquals(before, syncs(db), "nothing written yet");
      db.put(b("k"), b("v"));
      db.syncWal();
      assertEquals(before + 1, syncs(db));
      db.syncWal();
      assertEquals(before + 1, syncs(db), "nothing written since");
      db.put(b("k"), b("w"), WriteOptions.syncWrites());
      db.syncWal();
      assertEquals(before + 2, syncs(db), "the sync write synced it");
      assertEquals("w", s(db.get(b("k"))));
    }
  }

  @Test
  void concurrentWritersAndCallersKeepEverythingAcknowledgedBeforeTheirCall() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    int threads = 8;
    int perThread = 400;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (Db db = Db.open(dir, options(fs))) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            // Some sync writes, but not the last ones (393 is the last): syncWal must cover those.
            db.put(b("t" + thread + "/" + i), b("v"), WriteOptions.of(i % 7 == 1));
            if (i % 10 == 9) {
              db.syncWal();
            }
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      fs.copyAsAfterPowerLoss(dir, copy); // every thread's last call came after its last write
    } finally {
      pool.shutdownNow();
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < perThread; i++) {
          assertEquals("v", s(db.get(b("t" + t + "/" + i))), "thread " + t + " write " + i);
        }
      }
    }
  }

  @Test
  void aFailedFsyncIsThrownAndSticky() {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    try (Db db = Db.open(tmp.resolve("db"), options(fs))) {
      db.put(b("k"), b("v"));
      fs.failSyncs(true);
      assertThrows(StrataIOException.class, db::syncWal);
      fs.failSyncs(false);
      assertThrows(StrataIOException.class, () -> db.put(b("k2"), b("v")), "the failure is sticky");
      assertThrows(StrataIOException.class, db::syncWal);
      assertEquals("v", s(db.get(b("k"))), "reads go on");
    }
  }

  @Test
  void closedAndReadOnlyDatabasesRefuse() {
    Path dir = tmp.resolve("db");
    Db db = Db.open(dir, Options.defaults());
    db.put(b("k"), b("v"));
    db.close();
    assertThrows(DbClosedException.class, db::syncWal);
    try (Db readOnly = Db.openReadOnly(dir, Options.defaults())) {
      assertThrows(UnsupportedOperationException.class, readOnly::syncWal);
    }
  }
}
