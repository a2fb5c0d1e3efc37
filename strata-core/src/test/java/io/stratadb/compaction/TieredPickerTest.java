package io.stratadb.compaction;

import static io.stratadb.compaction.LevelShapes.MB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CompactionStrategy;
import io.stratadb.manifest.Version;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TieredPickerTest {
  private static final CompactionStrategy.Tiered CONFIG = new CompactionStrategy.Tiered(3, 200, 1, 2);

  private static CompactionTask pick(Version v) {
    return new TieredPicker(CONFIG).pick(v, Set.of(), Set.of());
  }

  @Test
  void nothingToDoAtOrBelowTheRunLimit() {
    Version v = new LevelShapes().add(0, 5, MB, "a", "z").add(0, 4, MB, "a", "z").add(6, 1, 100 * MB, "a", "z").version();
    assertNull(pick(v));
  }

  @Test
  void spaceAmplificationMergesEverythingIntoTheOldestRun() {
    Version v = new LevelShapes()
        .add(0, 9, 10 * MB, "a", "z").add(0, 8, 10 * MB, "a", "z")
        .add(3, 3, 10 * MB, "a", "z").add(6, 1, 10 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(6, task.outputLevel());
    assertEquals(Set.of(9L, 8L, 3L, 1L), task.fileNumbers());
    assertTrue(task.reason().startsWith("space amplification"), task.reason());
  }

  @Test
  void sizeRatioMergesTheNewestRunsOfSimilarSize() {
    Version v = new LevelShapes()
        .add(0, 9, MB, "a", "z").add(0, 8, MB, "a", "z")
        .add(4, 3, 2 * MB, "a", "z").add(6, 1, 1000 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(Set.of(9L, 8L, 3L), task.fileNumbers(), "1 + 1 MB then 2 MB <= 2 MB * 1.01");
    assertEquals(4, task.outputLevel(), "written into the level of the oldest merged run");
  }

  @Test
  void mergingOnlyL0RunsWritesIntoTheFreeLevelAboveTheNewestLevelRun() {
    Version v = new LevelShapes()
        .add(0, 9, MB, "a", "z").add(0, 8, MB, "a", "z").add(0, 7, MB, "a", "z")
        .add(6, 1, 1000 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(Set.of(9L, 8L, 7L), task.fileNumbers());
    assertEquals(5, task.outputLevel());
  }

  @Test
  void withNoFreeLevelTheNewestL0RunsAreMergedIntoOneL0Table() {
    Version v = new LevelShapes()
        .add(0, 9, MB, "a", "z").add(0, 8, MB, "a", "z").add(0, 7, MB, "a", "z")
        .add(1, 2, 900 * MB, "a", "z").add(6, 1, 1000 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(0, task.outputLevel());
    assertEquals(Set.of(9L, 8L, 7L), task.fileNumbers(), "the 900 MB L1 run is not rewritten");
  }

  @Test
  void theNewestL0RunsMergeWithoutTheOlderOnes() {
    // Runs of 1, 1, 1, 1 MB then 50 MB: the size ratio stops at the 50 MB L0 run.
    Version v = new LevelShapes()
        .add(0, 9, MB, "a", "z").add(0, 8, MB, "a", "z").add(0, 7, MB, "a", "z").add(0, 6, MB, "a", "z")
        .add(0, 5, 50 * MB, "a", "z").add(6, 1, 1000 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(0, task.outputLevel());
    assertEquals(Set.of(9L, 8L, 7L, 6L), task.fileNumbers());
  }

  @Test
  void tooManyRunsMergeTheCheapestAdjacentWindow() {
    // 5 runs over a limit of 3: merge 3 adjacent runs. 50+100+10 MB from the newest, but only
    // 100+10+10 MB for the L0 run 8 with L2 and L3, which the newer L0 run 9 stays above.
    Version v = new LevelShapes()
        .add(0, 9, 50 * MB, "a", "z").add(0, 8, 100 * MB, "a", "z")
        .add(2, 3, 10 * MB, "a", "z").add(3, 2, 10 * MB, "a", "z").add(6, 1, 1000 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(Set.of(8L, 3L, 2L), task.fileNumbers());
    assertEquals(3, task.outputLevel());
  }

  @Test
  void aWindowOfOlderL0RunsNeverWritesL0() {
    // 6 runs over a limit of 4: merge 3. Runs 8, 7, 6 are the cheapest (22 MB), but with L1 next
    // they could only go to L0, above the newer run 9; the newest three (31 MB) are merged instead.
    Version v = new LevelShapes()
        .add(0, 9, 10 * MB, "a", "z").add(0, 8, 20 * MB, "a", "z").add(0, 7, MB, "a", "z")
        .add(0, 6, MB, "a", "z").add(1, 2, 900 * MB, "a", "z").add(6, 1, 10_000 * MB, "a", "z").version();
    CompactionTask task = new TieredPicker(new CompactionStrategy.Tiered(4, 200, 1, 2)).pick(v, Set.of(), Set.of());
    assertEquals(Set.of(9L, 8L, 7L), task.fileNumbers());
    assertEquals(0, task.outputLevel());
  }

  @Test
  void oneTieredCompactionAtATime() {
    Version v = new LevelShapes()
        .add(0, 9, MB, "a", "z").add(0, 8, MB, "a", "z").add(0, 7, MB, "a", "z").add(0, 6, MB, "a", "z").version();
    assertNull(new TieredPicker(CONFIG).pick(v, Set.of(100L), Set.of()));
  }

  @Test
  void manualCompactionMergesAllRuns() {
    Version v = new LevelShapes().add(0, 9, MB, "a", "z").add(2, 2, MB, "a", "z").add(5, 1, MB, "a", "z").version();
    CompactionTask task = new TieredPicker(CONFIG).pickManual(v, 0, null, null);
    assertEquals(Set.of(9L, 2L, 1L), task.fileNumbers());
    assertEquals(5, task.outputLevel());
  }
}
