package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table of {@code bench --thread-counts}, on made-up measurements. */
class BenchScalingTest {

  /** A run of 1000 operations at {@code opsPerSec}. */
  private static BenchScaling.Row row(int round, int threads, BenchWorkload w, double opsPerSec) {
    double seconds = 1000 / opsPerSec;
    return new BenchScaling.Row(round, threads, new BenchResult(w, 1000, 0, 0, 0, seconds * threads, seconds));
  }

  /**
   * Three rounds of fillrandom whose single-thread rate drifts as a disk's sync latency does:
   * 1 thread 2,000 / 4,000 / 3,000 ops/s, 16 threads 18,000 / 24,000 / 27,000 (9x, 6x, 9x).
   */
  private static BenchScaling drifting() {
    BenchScaling s = new BenchScaling(List.of(1, 16));
    double[] one = {2_000, 4_000, 3_000};
    double[] sixteen = {18_000, 24_000, 27_000};
    for (int round = 1; round <= 3; round++) {
      s.add(row(round, 1, BenchWorkload.FILLRANDOM, one[round - 1]));
      s.add(row(round, 16, BenchWorkload.FILLRANDOM, sixteen[round - 1]));
    }
    return s;
  }

  @Test
  void ratioIsPairedByRoundNotAQuotientOfMedians() {
    BenchScaling s = drifting();
    RoundStats ratio = s.ratio("fillrandom", 16);
    assertEquals(9.0, ratio.median(), 1e-9); // the medians' quotient would be 24,000 / 3,000 = 8x
    assertEquals(6.0, ratio.min(), 1e-9);
    assertEquals(9.0, ratio.max(), 1e-9);
    assertEquals(3000, s.opsPerSec("fillrandom", 1).median(), 1e-6);
    assertEquals(24000, s.opsPerSec("fillrandom", 16).median(), 1e-6);
  }

  @Test
  void aWorkloadOrCountThatNeverRanHasNoFigures() {
    BenchScaling s = drifting();
    assertNull(s.opsPerSec("readrandom", 1));
    assertNull(s.opsPerSec("fillrandom", 8));
    assertNull(s.ratio("fillrandom", 8));
  }

  @Test
  void roundsMissingTheBaseCountAreLeftOutOfTheRatio() {
    BenchScaling s = new BenchScaling(List.of(1, 16));
    s.add(row(1, 1, BenchWorkload.FILLRANDOM, 1_000));
    s.add(row(1, 16, BenchWorkload.FILLRANDOM, 10_000));
    s.add(row(2, 16, BenchWorkload.FILLRANDOM, 50_000));
    RoundStats ratio = s.ratio("fillrandom", 16);
    assertEquals(1, ratio.rounds());
    assertEquals(10.0, ratio.median(), 1e-9);
  }

  @Test
  void printsMediansRangesAndTheRatioColumn() {
    StringWriter text = new StringWriter();
    drifting().print(new PrintWriter(text));
    String out = text.toString();
    assertTrue(out.contains("Scaling: median ops/sec of 3 rounds"), out);
    assertTrue(out.contains("1 thread"), out);
    assertTrue(out.contains("16 threads"), out);
    assertTrue(out.contains("16 vs 1"), out);
    String line = out.lines().filter(l -> l.startsWith("fillrandom")).findFirst().orElseThrow();
    assertTrue(line.contains("3000 (2.00k-4.00k)"), line);
    assertTrue(line.contains("24000 (18.0k-27.0k)"), line);
    assertTrue(line.contains("9.00x (6.00-9.00x)"), line);
  }

  @Test
  void needsACount() {
    assertThrows(IllegalArgumentException.class, () -> new BenchScaling(List.of()));
  }
}
