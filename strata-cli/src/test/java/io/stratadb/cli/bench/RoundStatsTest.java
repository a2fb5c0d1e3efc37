package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RoundStatsTest {

  @Test
  void medianOfAnOddCountIsTheMiddleValue() {
    RoundStats s = RoundStats.of(530_000, 488_000, 512_034);
    assertEquals(new RoundStats(3, 512_034, 488_000, 530_000), s);
  }

  @Test
  void medianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues() {
    assertEquals(new RoundStats(4, 25, 10, 100), RoundStats.of(100, 10, 30, 20));
    assertEquals(new RoundStats(2, 150, 100, 200), RoundStats.of(200, 100));
  }

  @Test
  void oneRoundIsItsOwnMedianMinAndMax() {
    assertEquals(new RoundStats(1, 7.5, 7.5, 7.5), RoundStats.of(7.5));
  }

  @Test
  void theValuesPassedAreNotReordered() {
    double[] values = {3, 1, 2};
    RoundStats.of(values);
    assertEquals(3, values[0]);
  }

  @Test
  void noValuesOrNaNAreRefused() {
    assertThrows(IllegalArgumentException.class, RoundStats::of);
    assertThrows(IllegalArgumentException.class, () -> RoundStats.of(1, Double.NaN));
  }

  @Test
  void rangeIsInThreeSignificantFigures() {
    assertEquals("488k-530k", RoundStats.of(488_123, 530_456).range());
    assertEquals("1.04M-1.11M", RoundStats.of(1_041_000, 1_109_000).range());
    assertEquals("8.58k-83.9k", RoundStats.of(8_579.9, 83_895).range());
    assertEquals("950-1.00k", RoundStats.of(950, 999.7).range());
    assertEquals("999k-1.00M", RoundStats.of(999_000, 999_600).range());
  }
}
