package io.stratadb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CompactionStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionSimulatorTest {
  private static CompactionSimulator.Step last(CompactionStrategy strategy) {
    CompactionSimulator sim = new CompactionSimulator(strategy, 200_000, 20_000, 100, 256 << 10, 7);
    List<CompactionSimulator.Step> steps = sim.run(60);
    return steps.get(steps.size() - 1);
  }

  @Test
  void everyStrategyKeepsTheTreeInShape() {
    CompactionSimulator.Step leveled = last(new CompactionStrategy.Leveled(4, 1L << 20, 10, true));
    CompactionSimulator.Step tiered = last(new CompactionStrategy.Tiered(8, 200, 1, 2));
    CompactionSimulator.Step simple = last(new CompactionStrategy.SimpleLeveled(200, 4, 6));
    for (CompactionSimulator.Step s : List.of(leveled, tiered, simple)) {
      assertTrue(s.filesPerLevel()[0] < 9, "L0 is bounded: " + s.format());
      assertTrue(s.writeAmplification() >= 1.0, s.format());
      assertTrue(s.spaceAmplification() >= 1.0, s.format());
    }
    assertTrue(tiered.writeAmplification() < leveled.writeAmplification(),
        "tiered trades space for writes: " + tiered.format() + " vs " + leveled.format());
    assertTrue(leveled.spaceAmplification() < 1.5, "leveled keeps space amplification low: " + leveled.format());
  }

  @Test
  void stepsReportTheFlushAndTheTasks() {
    CompactionSimulator sim = new CompactionSimulator(CompactionStrategy.simpleLeveled(), 1000, 100, 10, 1000, 1);
    CompactionSimulator.Step first = sim.step();
    assertEquals(1, first.step());
    assertEquals(0, first.tasks());
    assertEquals(1, first.filesPerLevel()[0]);
    assertEquals(1.0, first.writeAmplification(), 1e-9);
    assertTrue(first.format().contains("L0:1"), first.format());
  }
}
