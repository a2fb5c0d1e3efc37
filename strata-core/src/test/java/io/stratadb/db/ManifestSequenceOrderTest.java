package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CompactionStrategy;
import io.stratadb.Db;
import io.stratadb.Options;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found in review: DbImpl.logAndApply releases the mutex before it takes the manifest lock, but the edit's
 * last sequence was read under the mutex before that (BackgroundWork lines 290 and 348), and
 * VersionSet.logAndApply stores it without a max. A compaction preempted between mutex.unlock()
 * and manifestLock.lock() while a flush writes its edit makes the manifest's last sequence go
 * backwards; after a reopen with an empty WAL the database reads at the stale sequence, so the
 * flushed, acknowledged writes above it are invisible, and new writes reuse their sequence numbers.
 *
 * <p>The preemption is simulated by swapping the manifest lock for one that holds the compaction
 * thread just before it takes the lock; nothing else in the engine is changed.
 */
class ManifestSequenceOrderTest {
  @TempDir Path dir;

  /** Holds the first compaction thread that asks for the manifest lock until {@link #proceed}. */
  private static final class PreemptedCompactionLock extends ReentrantLock {
    final AtomicBoolean armed = new AtomicBoolean(true);
    final CountDownLatch compactionWaiting = new CountDownLatch(1);
    final CountDownLatch proceed = new CountDownLatch(1);

    @Override
    public void lock() {
      if (Thread.currentThread().getName().startsWith("strata-compact") && armed.compareAndSet(true, false)) {
        compactionWaiting.countDown();
        try {
          proceed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.lock();
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void flushedWritesStayVisibleAfterReopen() throws Exception {
    Options options = Options.builder().writeBufferSize(64 << 10).blockSize(512).targetFileSize(64 << 10)
        .compactionStrategy(new CompactionStrategy.Leveled(2, 10L << 20, 10, true))
        .maxBackgroundJobs(2).seekCompaction(false).preloadTables(false).build();
    PreemptedCompactionLock lock = new PreemptedCompactionLock();
    try (Db db = Db.open(dir, options)) {
      DbImpl impl = (DbImpl) db;
      Field f = DbImpl.class.getDeclaredField("manifestLock");
      f.setAccessible(true);
      f.set(impl, lock);

      db.put(b("a"), b("a1"));
      db.flush();
      db.put(b("b"), b("b1"));
      db.flush(); // two L0 tables: the compaction thread merges them into L1
      assertTrue(lock.compactionWaiting.await(20, TimeUnit.SECONDS), "the compaction reached logAndApply");
      // The compaction's edit now carries last sequence 2; the flush below writes 4 first.
      db.put(b("k"), b("v2"));
      db.put(b("k"), b("v2b"));
      db.flush();
      lock.proceed.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (impl.state().version().files(0).size() > 1 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, impl.state().version().files(0).size(), "the compaction installed");
      assertEquals(4, impl.lastSequence());
      // The first, direct symptom: the manifest's last sequence went backwards (prints 2 < 4).
      System.err.println("manifest lastSequence=" + impl.versions().lastSequence()
          + " db lastSequence=" + impl.lastSequence());
    }
    try (Db db = Db.open(dir, options)) {
      byte[] k = db.get(b("k"));
      assertEquals("v2b", k == null ? null : new String(k, StandardCharsets.UTF_8),
          "the flushed, acknowledged v2b is invisible after reopen: the manifest's last sequence (2) is"
              + " below its sequence number (4)");
      db.put(b("k"), b("v3")); // the newest write to k
      k = db.get(b("k"));
      assertEquals("v3", k == null ? null : new String(k, StandardCharsets.UTF_8), "the newest write");
    }
  }
}
