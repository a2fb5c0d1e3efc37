package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.FaultInjectionFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit under many writers: every acknowledged sync write survives a power loss, a failed
 * fsync reaches every writer, and what readers see is closed under "acknowledged before".
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbGroupCommitTest {
  private static final int THREADS = 16;

  @TempDir Path tmp;

  private static byte[] key(int thread, int i) {
    return b(String.format("t%02d/%06d", thread, i));
  }

  private static Options options(FaultInjectionFileSystem fs) {
    // Small memtables: writers also meet memtable switches (a WAL switch) and flushes.
    return Options.builder().writeBufferSize(64 << 10).blockSize(512).targetFileSize(64 << 10)
        .compactionStrategy(TestKeys.leveled(2)).fileSystem(fs).build();
  }

  /** Even writers sync, odd ones do not, so groups mix both kinds. */
  private static boolean syncs(int thread) {
    return thread % 2 == 0;
  }

  @Test
  void everyAcknowledgedSyncWriteSurvivesAPowerLossAndReopen() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    int perSyncWriter = 150;
    AtomicIntegerArray acknowledged = new AtomicIntegerArray(THREADS); // count per thread
    AtomicBoolean syncWritersDone = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (Db db = Db.open(dir, options(fs))) {
      List<Future<?>> syncWriters = new ArrayList<>();
      List<Future<?>> otherWriters = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        (syncs(t) ? syncWriters : otherWriters).add(pool.submit(() -> {
          // Non-sync writers run as long as sync ones, so groups keep mixing both kinds.
          for (int i = 0; syncs(thread) ? i < perSyncWriter : !syncWritersDone.get(); i++) {
            db.put(key(thread, i), new byte[100], WriteOptions.of(syncs(thread)));
            acknowledged.set(thread, i + 1);
          }
          return null;
        }));
      }
      // Cut at many instants while the writers run: an acknowledged sync write that was not yet
      // fsynced (say, taken into a non-sync leader's group) is lost only in a short window.
      int cuts = 0;
      while (!syncWriters.stream().allMatch(Future::isDone)) {
        int[] before = new int[THREADS];
        for (int t = 0; t < THREADS; t++) {
          before[t] = acknowledged.get(t);
        }
        Path copy = tmp.resolve("cut" + cuts);
        fs.copyAsAfterPowerLoss(dir, copy);
        try (Db recovered = Db.open(copy, Options.builder().build())) {
          for (int t = 0; t < THREADS; t++) {
            if (syncs(t)) {
              for (int i = 0; i < before[t]; i++) {
                assertNotNull(recovered.get(key(t, i)), "acknowledged sync write t" + t + "/" + i + " lost at cut " + cuts);
              }
            }
          }
        }
        cuts++;
      }
      for (Future<?> f : syncWriters) {
        f.get(120, TimeUnit.SECONDS);
      }
      syncWritersDone.set(true);
      for (Future<?> f : otherWriters) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertTrue(cuts > 2, "the test must cut while writers run");
      assertAllVisible(db, acknowledged);
    } finally {
      pool.shutdownNow();
    }
    try (Db reopened = Db.open(dir, options(fs))) {
      assertAllVisible(reopened, acknowledged);
    }
  }

  private static void assertAllVisible(Db db, AtomicIntegerArray acknowledged) {
    for (int t = 0; t < THREADS; t++) {
      for (int i = 0; i < acknowledged.get(t); i++) {
        assertNotNull(db.get(key(t, i)), "t" + t + "/" + i + " missing");
      }
    }
  }

  @Test
  void aFailedFsyncReachesEveryWriterAndLosesNoAcknowledgedWrite() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    AtomicIntegerArray acknowledged = new AtomicIntegerArray(THREADS);
    AtomicLong total = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    Db db = Db.open(dir, options(fs));
    try {
      List<Future<StrataException>> writers = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        writers.add(pool.submit(() -> assertThrows(StrataException.class, () -> {
          for (int i = 0; ; i++) {
            db.put(key(thread, i), new byte[100], WriteOptions.syncWrites());
            acknowledged.set(thread, i + 1);
            total.incrementAndGet();
          }
        })));
      }
      while (total.get() < 200) {
        Thread.sleep(1);
      }
      fs.failSyncs(true);
      for (Future<StrataException> f : writers) {
        StrataException e = f.get(60, TimeUnit.SECONDS); // every writer fails, none hangs
        assertTrue(e instanceof StrataIOException, "not an I/O error: " + e);
      }
      assertThrows(StrataIOException.class, () -> db.put(b("after"), b("v")), "the error is sticky");
      Path copy = tmp.resolve("copy");
      fs.copyAsAfterPowerLoss(dir, copy);
      try (Db recovered = Db.open(copy, Options.builder().build())) {
        for (int t = 0; t < THREADS; t++) {
          for (int i = 0; i < acknowledged.get(t); i++) {
            assertNotNull(recovered.get(key(t, i)), "acknowledged write t" + t + "/" + i + " lost");
          }
        }
      }
    } finally {
      pool.shutdownNow();
      fs.failSyncs(false);
      db.close();
    }
  }

  /**
   * Each batch names a write of another writer that was acknowledged before the batch was
   * submitted; a reader's view (one iterator) holding the batch must hold that write, and every
   * earlier batch of the same writer. Each writer also reads its own write back.
   */
  @Test
  void readersSeeEveryWriteAcknowledgedBeforeOneTheySee() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    int writers = 8;
    int perThread = 300;
    AtomicIntegerArray acknowledged = new AtomicIntegerArray(writers);
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong views = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try (Db db = Db.open(tmp.resolve("db"), options(fs))) {
      List<Future<?>> writing = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        int thread = t;
        writing.add(pool.submit(() -> {
          for (int i = 1; i <= perThread; i++) {
            int other = (thread + i) % writers;
            String dependency = other + ":" + acknowledged.get(other);
            WriteBatch batch = new WriteBatch().put(b(String.format("t%02d/%06d/pad", thread, i)), new byte[200])
                .put(key(thread, i), b(dependency));
            db.write(batch, WriteOptions.of(i % 3 == 0));
            acknowledged.set(thread, i);
            assertNotNull(db.get(key(thread, i)), "a writer does not see its own acknowledged write");
          }
          return null;
        }));
      }
      List<Future<?>> reading = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        reading.add(pool.submit(() -> {
          do {
            Set<String> seen = new HashSet<>();
            List<String[]> dependencies = new ArrayList<>();
            try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
              for (; it.isValid(); it.next()) {
                String k = s(it.key());
                if (k.endsWith("/pad")) {
                  continue;
                }
                seen.add(k);
                dependencies.add(new String[] {k, s(it.value())});
              }
            }
            for (String[] d : dependencies) {
              int thread = Integer.parseInt(d[0].substring(1, 3));
              int i = Integer.parseInt(d[0].substring(4));
              if (i > 1) {
                assertTrue(seen.contains(s(key(thread, i - 1))), d[0] + " seen without its writer's previous batch");
              }
              String[] dep = d[1].split(":");
              int other = Integer.parseInt(dep[0]);
              int j = Integer.parseInt(dep[1]);
              if (j > 0) {
                assertTrue(seen.contains(s(key(other, j))), d[0] + " seen without " + s(key(other, j)) + ", acknowledged before it");
              }
            }
            views.incrementAndGet();
          } while (!done.get());
          return null;
        }));
      }
      for (Future<?> f : writing) {
        f.get(120, TimeUnit.SECONDS);
      }
      done.set(true);
      for (Future<?> f : reading) {
        f.get(120, TimeUnit.SECONDS);
      }
      assertTrue(views.get() > 2, "readers must have run");
    } finally {
      pool.shutdownNow();
    }
  }
}
