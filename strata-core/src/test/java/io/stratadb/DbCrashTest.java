package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.FaultInjectionFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash loop: a writer runs batches while flushes and compactions happen underneath; at a random
 * instant the directory is cut as a power loss (or a process crash) would leave it, and the copy
 * must open to exactly a prefix of the write history that contains every synced batch.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbCrashTest {
  private static final int KEYS = 300;

  @TempDir Path tmp;

  @Test
  void powerLossAtRandomInstantsKeepsAPrefixWithEverySyncedBatch() throws Exception {
    crashLoop(6, true);
  }

  @Test
  void processCrashAtRandomInstantsKeepsEveryAcknowledgedBatch() throws Exception {
    crashLoop(4, false);
  }

  @Test
  @Tag("slow")
  @Timeout(3600)
  void longCrashLoop() throws Exception {
    crashLoop(200, true);
    crashLoop(100, false);
  }

  private void crashLoop(int iterations, boolean powerLoss) throws Exception {
    Random random = new Random(42 + iterations);
    for (int iteration = 0; iteration < iterations; iteration++) {
      FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
      Options options = Options.builder().writeBufferSize(64 << 10).blockSize(512)
          .targetFileSize(64 << 10).compactionStrategy(TestKeys.leveled(2)).fileSystem(fs).build();
      Path dir = tmp.resolve("db" + iteration + powerLoss);
      AtomicInteger acknowledged = new AtomicInteger(-1);
      AtomicInteger synced = new AtomicInteger(-1);
      Db db = Db.open(dir, options);
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 4000 && !Thread.currentThread().isInterrupted(); i++) {
          boolean sync = i % 50 == 0;
          db.write(batch(i), WriteOptions.of(sync));
          acknowledged.set(i);
          if (sync) {
            synced.set(i);
          }
        }
      });
      writer.start();
      Thread.sleep(20 + random.nextInt(150));
      int syncedBefore = synced.get();
      int acknowledgedBefore = acknowledged.get();
      Path copy = tmp.resolve("crash" + iteration + powerLoss);
      if (powerLoss) {
        fs.copyAsAfterPowerLoss(dir, copy);
      } else {
        fs.copyAsAfterProcessCrash(dir, copy);
      }
      writer.interrupt();
      writer.join();
      db.close();
      try (Db recovered = Db.open(copy, Options.builder().writeBufferSize(64 << 10).build())) {
        int last = lastApplied(recovered);
        assertTrue(last >= (powerLoss ? syncedBefore : acknowledgedBefore),
            "lost acknowledged batches: recovered up to " + last + ", synced " + syncedBefore
                + ", acknowledged " + acknowledgedBefore);
        for (int k = 0; k < KEYS; k++) {
          int expected = latestWriteOf(k, last);
          byte[] value = recovered.get(key(k));
          if (expected < 0) {
            assertEquals(null, value, "key " + k);
          } else {
            assertNotNull(value, "key " + k + " written by batch " + expected);
            assertEquals(Integer.toString(expected), s(value), "key " + k + " after batch " + last);
          }
        }
      }
    }
  }

  private static byte[] key(int k) {
    return b(String.format("k%05d", k));
  }

  /** Batch i writes keys i, i+1, i+2 (mod KEYS) with value i, deletes key i+7, and sets "last" to i. */
  private static WriteBatch batch(int i) {
    WriteBatch batch = new WriteBatch();
    for (int j = 0; j < 3; j++) {
      batch.put(key((i + j) % KEYS), b(Integer.toString(i)));
    }
    batch.delete(key((i + 7) % KEYS));
    batch.put(b("last"), b(Integer.toString(i)));
    return batch;
  }

  private static int lastApplied(Db db) {
    byte[] last = db.get(b("last"));
    return last == null ? -1 : Integer.parseInt(s(last));
  }

  /** The batch whose write of key k is visible after batches 0..last, or -1 if deleted/never. */
  private static int latestWriteOf(int k, int last) {
    for (int i = last; i >= 0; i--) {
      if ((i + 7) % KEYS == k) {
        return -1;
      }
      for (int j = 0; j < 3; j++) {
        if ((i + j) % KEYS == k) {
          return i;
        }
      }
    }
    return -1;
  }
}
