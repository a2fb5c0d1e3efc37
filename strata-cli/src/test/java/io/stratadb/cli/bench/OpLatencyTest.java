package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class OpLatencyTest {

  @Test
  void percentilesComeFromTheHistogramWithinItsPrecision() {
    Histogram h = OpLatency.newHistogram();
    for (long us = 1; us <= 10_000; us++) {
      h.recordValue(us * 1000);
    }
    OpLatency l = OpLatency.of(h);
    assertEquals(10_000, l.count());
    assertEquals(5_000_000, l.p50Nanos(), 5_000);
    assertEquals(9_900_000, l.p99Nanos(), 9_900);
    assertEquals(9_990_000, l.p999Nanos(), 9_990);
    assertEquals(10_000_000, l.maxNanos(), 10_000);
    assertEquals(OpLatency.NONE, OpLatency.of(OpLatency.newHistogram()));
  }

  @Test
  void lineGivesMicrosecondsWithPrecisionByMagnitude() {
    OpLatency l = new OpLatency(4, 1_234, 45_670, 312_000, 1_234_567);
    assertEquals("latency us: p50 1.23, p99 45.7, p99.9 312, max 1,235", l.line());
    assertEquals("0.05", OpLatency.micros(50));
  }

  @Test
  void aSlowerOperationThanTheHistogramTracksIsRecordedAsItsHighest() {
    BenchConfig config = new BenchConfig(10, 1, 16, 10, io.stratadb.WriteOptions.of(false), 10,
        io.stratadb.IsolationLevel.SNAPSHOT, true);
    BenchThread t = new BenchThread(0, 1, null, config, new java.util.concurrent.atomic.AtomicInteger());
    t.lastOpNanos = System.nanoTime() - 2 * OpLatency.HIGHEST_TRACKABLE_NANOS;
    t.opDone();
    assertEquals(1, t.done);
    assertEquals(t.latency.highestEquivalentValue(OpLatency.HIGHEST_TRACKABLE_NANOS), t.latency.getMaxValue());
  }
}
