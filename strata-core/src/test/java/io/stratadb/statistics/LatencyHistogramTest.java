package io.stratadb.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.LatencyStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class LatencyHistogramTest {

  @Test
  void reportsMicrosecondsWithinOnePercent() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 998; i++) {
      h.recordNanos(2_000);             // 2 µs
    }
    h.recordNanos(5_000_000);           // 5 ms, twice: the 999th of 1000 is the p99.9
    h.recordNanos(5_000_000);
    LatencyStats s = h.snapshot();
    assertEquals(1000, s.count());
    assertEquals(2.0, s.p50Micros(), 0.02);
    assertEquals(2.0, s.p99Micros(), 0.02);
    assertEquals(5000.0, s.p999Micros(), 50);
    assertEquals(5000.0, s.maxMicros(), 50);
    assertEquals((998 * 2.0 + 2 * 5000) / 1000, s.meanMicros(), 0.1);
  }

  @Test
  void snapshotsAreCumulativeUntilReset() {
    LatencyHistogram h = new LatencyHistogram();
    h.recordNanos(1_000);
    assertEquals(1, h.snapshot().count());
    h.recordNanos(3_000);
    assertEquals(2, h.snapshot().count());
    assertEquals(2, h.snapshot().count());
    h.reset();
    assertEquals(LatencyStats.EMPTY, h.snapshot());
    h.recordNanos(-5);                  // a clock step backwards counts as 0
    LatencyStats s = h.snapshot();
    assertEquals(1, s.count());
    assertEquals(0.0, s.maxMicros());
  }

  @Test
  void concurrentRecordersLoseNothing() throws InterruptedException {
    LatencyHistogram h = new LatencyHistogram();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 20_000; i++) {
          h.recordNanos(1_000L * (1 + (i + seed) % 1000));
          if (i % 5000 == 0) {
            h.snapshot();               // drains race with recording
          }
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(80_000, h.snapshot().count());
  }
}
