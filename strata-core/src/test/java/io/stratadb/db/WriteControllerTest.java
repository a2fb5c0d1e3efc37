package io.stratadb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.BackgroundTuning;
import io.stratadb.CompactionStrategy;
import io.stratadb.Db;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write delay while compaction is behind: a rate in bytes per second on a simulated clock
 * (RocksDB's {@code WriteController}), and in a database, writes that pass a slowdown trigger
 * without waiting when the rate allows them.
 */
class WriteControllerTest {
  private static final long MS = 1_000_000;
  private static final long RATE = 1 << 20;

  @TempDir Path dir;

  @Test
  void belowTheTriggersNoWriteWaits() {
    WriteController c = new WriteController(RATE, 20, 36, 1L << 30);
    for (int i = 0; i < 10_000; i++) {
      assertEquals(0, c.delayNanos(19, (1L << 30) - 1, 1 << 20, i));
    }
  }

  @Test
  void delayedWritesGoAtTheRate() {
    WriteController c = new WriteController(RATE, 20, 36, 1L << 30);
    long now = 0;
    int waits = 0;
    long bytes = 0;
    for (int i = 0; i < 10_000; i++) {
      long delay = c.delayNanos(20, 5, 1000, now);
      if (delay > 0) {
        assertTrue(delay >= WriteController.REFILL_NANOS, "a wait is at least 1 ms, got " + delay);
        waits++;
        now += delay;
      }
      bytes += 1000;
    }
    double expectedNanos = bytes * 1e9 / RATE;
    assertEquals(expectedNanos, now, expectedNanos * 0.02, "10 MB at 1 MiB/s");
    // Waits come in slices of at least 1 ms (about 1 KiB each here), not one per write.
    assertTrue(waits < 10_000 && waits > 0, "waits " + waits);
  }

  @Test
  void theRateFallsWhileTheBacklogGrowsAndRisesAsItShrinks() {
    WriteController c = new WriteController(RATE, 20, 36, 1L << 30);
    c.delayNanos(20, 100, 1, 0);
    assertEquals(RATE, c.rate(), 1e-6);
    c.delayNanos(21, 200, 1, 0);
    assertEquals(RATE * 0.8, c.rate(), 1e-6);
    c.delayNanos(21, 200, 1, 0); // unchanged backlog: unchanged rate
    assertEquals(RATE * 0.8, c.rate(), 1e-6);
    c.delayNanos(34, 300, 1, 0); // within two tables of the stop trigger
    assertEquals(RATE * 0.8 * 0.6, c.rate(), 1e-6);
    c.delayNanos(30, 250, 1, 0);
    assertEquals(RATE * 0.8 * 0.6 * 1.25, c.rate(), 1e-3);
    for (int i = 0; i < 100; i++) {
      c.delayNanos(30, 200 - i, 1, 0);
    }
    assertEquals(RATE, c.rate(), 1e-6, "never above the configured rate");
    for (int i = 0; i < 100; i++) {
      c.delayNanos(35, 1000 + i, 1, 0);
    }
    assertEquals(WriteController.MIN_RATE, c.rate(), 1e-6, "never below the minimum");
  }

  @Test
  void aNewDelayStartsAgainAtTheConfiguredRate() {
    WriteController c = new WriteController(RATE, 20, 36, 1L << 30);
    c.delayNanos(20, 100, 1, 0);
    c.delayNanos(20, 200, 1, 0);
    assertEquals(RATE * 0.8, c.rate(), 1e-6);
    assertEquals(0, c.delayNanos(3, 0, 1, MS));
    c.delayNanos(20, 300, 1, 2 * MS);
    assertEquals(RATE, c.rate(), 1e-6);
  }

  @Test
  void theSoftPendingLimitDelaysToo() {
    WriteController c = new WriteController(RATE, 20, 36, 1000);
    assertTrue(c.needsDelay(0, 1000));
    assertTrue(!c.needsDelay(0, 999));
  }

  @Test
  void aRateBelowTheMinimumIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new WriteController(WriteController.MIN_RATE - 1, 20, 36, 1));
    assertThrows(IllegalArgumentException.class, () -> BackgroundTuning.builder().delayedWriteRate(1000));
  }

  /**
   * Before the write controller every write past the slowdown trigger waited 1 ms; at a rate far
   * above what the test writes, none waits.
   */
  @Test
  void writesPastTheSlowdownTriggerDoNotWaitWhileTheRateAllowsThem() {
    Options options = Options.builder().compactionStrategy(new CompactionStrategy.Leveled(100, 1L << 20, 10, true))
        .l0SlowdownWritesTrigger(1).l0StopWritesTrigger(100).jmx(false)
        .backgroundTuning(BackgroundTuning.builder().delayedWriteRate(1L << 40).build()).build();
    try (Db db = Db.open(dir, options)) {
      db.put(b("first"), b("v"));
      db.flush();
      assertEquals(1, db.stats().levels().get(0).files());
      for (int i = 0; i < 1000; i++) {
        db.put(b("key" + i), b("value" + i));
      }
      assertEquals(0, db.stats().slowdownCount());
      assertEquals("value999", new String(db.get(b("key999")), StandardCharsets.UTF_8));
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
