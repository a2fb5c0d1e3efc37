package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.ForwardingFileSystem;
import io.stratadb.env.ForwardingWritableFile;
import io.stratadb.env.WritableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DB mutex is never held across a manifest write (LevelDB's {@code VersionSet::LogAndApply}
 * releases it): while a flush's manifest fsync hangs, puts (including memtable switches, which
 * take the mutex) and gets go on.
 */
class DbManifestUnlockedTest {
  @TempDir Path dir;

  /** Makes the first manifest sync after {@link #arm()} wait until {@link #release()}. */
  private static final class HeldManifestSync extends ForwardingFileSystem {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch released = new CountDownLatch(1);

    void arm() {
      armed.set(true);
    }

    void release() {
      released.countDown();
    }

    @Override
    public WritableFile newWritableFile(Path path) throws IOException {
      WritableFile file = super.newWritableFile(path);
      if (!path.getFileName().toString().startsWith("MANIFEST-")) {
        return file;
      }
      return new ForwardingWritableFile(file) {
        @Override
        public void sync() throws IOException {
          if (armed.compareAndSet(true, false)) {
            entered.countDown();
            try {
              released.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted", e);
            }
          }
          delegate.sync();
        }
      };
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void putsMemtableSwitchesAndGetsContinueWhileAManifestSyncHangs() throws Exception {
    HeldManifestSync fs = new HeldManifestSync();
    Options options = TestKeys.smallOptions().toBuilder().fileSystem(fs).maxImmutableMemtables(16)
        .seekCompaction(false).build();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Db db = Db.open(dir, options)) {
      try {
        putsAndGetsWhileTheSyncHangs(db, fs, pool);
      } finally {
        fs.release(); // before close, which waits for the flush thread
      }
    } finally {
      pool.shutdownNow();
    }
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      assertEquals("during-4999-" + "x".repeat(100), s(db.get(key(4999))));
    }
  }

  private static void putsAndGetsWhileTheSyncHangs(Db db, HeldManifestSync fs, ExecutorService pool)
      throws Exception {
    for (int i = 0; i < 500; i++) {
      db.put(key(i), b("before-" + i));
    }
    fs.arm();
    Future<?> flush = pool.submit(db::flush); // its flush thread's manifest sync hangs
    assertTrue(fs.entered.await(20, TimeUnit.SECONDS), "the flush reached its manifest sync");
    Future<Integer> writes = pool.submit(() -> {
      int switches = 0;
      int immutables = db.stats().immutableMemtables();
      for (int i = 500; i < 5000; i++) {
        db.put(key(i), b("during-" + i + "-" + "x".repeat(100)));
        int now = db.stats().immutableMemtables();
        switches += now > immutables ? 1 : 0;
        immutables = now;
      }
      assertEquals("before-7", s(db.get(key(7))));
      assertEquals("during-4999-" + "x".repeat(100), s(db.get(key(4999))));
      return switches;
    });
    // With the mutex held across the sync, the first memtable switch would block here.
    int switches = writes.get(20, TimeUnit.SECONDS);
    assertTrue(switches >= 2, "the puts switched memtables while the sync hung: " + switches);
    assertTrue(!flush.isDone(), "the flush still waits for its manifest sync");
    fs.release();
    flush.get(20, TimeUnit.SECONDS);
    db.flush();
    for (int i = 0; i < 5000; i += 97) {
      assertTrue(s(db.get(key(i))).startsWith(i < 500 ? "before-" : "during-"), "key " + i);
    }
  }
}
