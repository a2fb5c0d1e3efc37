package io.stratadb.compaction;

import static io.stratadb.compaction.LevelShapes.MB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CompactionStrategy;
import io.stratadb.manifest.Version;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeveledPickerTest {
  private static final CompactionStrategy.Leveled STATIC = new CompactionStrategy.Leveled(4, 10 * MB, 10, false);
  private static final CompactionStrategy.Leveled DYNAMIC = new CompactionStrategy.Leveled(4, 10 * MB, 10, true);

  private static CompactionTask pick(CompactionStrategy.Leveled config, Version v) {
    return new LeveledPicker(config).pick(v, Set.of(), Set.of());
  }

  @Test
  void nothingToDoBelowTheTriggers() {
    Version v = new LevelShapes().add(0, 1, MB, "a", "z").add(0, 2, MB, "a", "z").add(1, 3, 5 * MB, "a", "z").version();
    assertNull(pick(STATIC, v));
  }

  @Test
  void l0TriggerMergesAllOfL0WithTheOverlappingBaseTables() {
    Version v = new LevelShapes()
        .add(0, 10, MB, "c", "f").add(0, 11, MB, "d", "g").add(0, 12, MB, "e", "h").add(0, 13, MB, "c", "e")
        .add(1, 1, MB, "a", "b").add(1, 2, MB, "c", "d").add(1, 3, MB, "g", "k").add(1, 4, MB, "m", "z")
        .version();
    CompactionTask task = pick(STATIC, v);
    assertNotNull(task);
    assertEquals(1, task.outputLevel());
    assertFalse(task.trivialMove());
    assertEquals(Set.of(10L, 11L, 12L, 13L, 2L, 3L), task.fileNumbers());
  }

  @Test
  void dynamicLevelBytesSendsL0StraightToTheLastLevelWhileTheDbIsSmall() {
    Version v = new LevelShapes()
        .add(0, 10, MB, "a", "z").add(0, 11, MB, "a", "z").add(0, 12, MB, "a", "z").add(0, 13, MB, "a", "z")
        .add(6, 1, 5 * MB, "a", "z").version();
    CompactionTask task = pick(DYNAMIC, v);
    assertEquals(6, task.outputLevel());
    LevelTargets targets = new LeveledPicker(DYNAMIC).targets(v);
    assertEquals(6, targets.baseLevel());
  }

  @Test
  void dynamicTargetsAreComputedFromTheLastLevel() {
    Version v = new LevelShapes().add(6, 1, 1000 * MB, "a", "z").version();
    LevelTargets targets = new LeveledPicker(DYNAMIC).targets(v);
    assertEquals(4, targets.baseLevel(), "1000 MB -> L5 100 MB -> L4 10 MB is the base");
    assertEquals(1000 * MB, targets.targetBytes()[6]);
    assertEquals(100 * MB, targets.targetBytes()[5]);
    assertEquals(10 * MB, targets.targetBytes()[4]);
    assertEquals(0, targets.targetBytes()[3]);
  }

  @Test
  void staticTargetsGrowByTheMultiplier() {
    LevelTargets targets = new LeveledPicker(STATIC).targets(new LevelShapes().version());
    assertEquals(1, targets.baseLevel());
    assertEquals(10 * MB, targets.targetBytes()[1]);
    assertEquals(100 * MB, targets.targetBytes()[2]);
    assertEquals(1000 * MB, targets.targetBytes()[3]);
  }

  @Test
  void theHighestScoringLevelIsCompactedOneTableAtATime() {
    Version v = new LevelShapes()
        .add(1, 1, 8 * MB, "a", "f").add(1, 2, 8 * MB, "g", "m") // L1: 16 MB / 10 MB = 1.6
        .add(2, 3, 20 * MB, "a", "c").add(2, 4, 20 * MB, "d", "k") // L2: 40 / 100
        .version();
    CompactionTask task = pick(STATIC, v);
    assertEquals(2, task.outputLevel());
    assertEquals(Set.of(1L, 3L, 4L), task.fileNumbers(), "one L1 table with the L2 tables it overlaps");
    assertTrue(task.reason().contains("L1"), task.reason());
  }

  @Test
  void compactPointerRotatesThroughTheLevel() {
    Version v = new LevelShapes()
        .add(1, 1, 8 * MB, "a", "f").add(1, 2, 8 * MB, "g", "m")
        .add(2, 3, 20 * MB, "a", "c").add(2, 4, 20 * MB, "h", "k").version();
    LeveledPicker picker = new LeveledPicker(STATIC);
    CompactionTask first = picker.pick(v, Set.of(), Set.of());
    CompactionTask second = picker.pick(v, Set.of(), Set.of());
    assertTrue(first.fileNumbers().contains(1L));
    assertTrue(second.fileNumbers().contains(2L), "the next pick starts after the last compacted key");
  }

  @Test
  void aTableOverlappingNothingBelowIsMovedNotRewritten() {
    Version v = new LevelShapes()
        .add(1, 1, 8 * MB, "a", "c").add(1, 2, 8 * MB, "x", "z")
        .add(2, 3, 20 * MB, "m", "p").version();
    CompactionTask task = pick(STATIC, v);
    assertTrue(task.trivialMove());
    assertEquals(2, task.outputLevel());
    assertEquals(1, task.fileNumbers().size());
  }

  @Test
  void busyTablesAndOutputLevelsAreSkipped() {
    Version v = new LevelShapes()
        .add(1, 1, 8 * MB, "a", "f").add(1, 2, 8 * MB, "g", "m")
        .add(2, 3, 20 * MB, "a", "c").add(2, 4, 20 * MB, "h", "k").version();
    LeveledPicker picker = new LeveledPicker(STATIC);
    CompactionTask task = picker.pick(v, Set.of(1L), Set.of());
    assertEquals(Set.of(2L, 4L), task.fileNumbers());
    assertNull(picker.pick(v, Set.of(), Set.of(2)), "L2 is being written by another compaction");
  }

  @Test
  void manualCompactionTakesTheOverlappingTablesOfOneLevel() {
    Version v = new LevelShapes()
        .add(1, 1, MB, "a", "c").add(1, 2, MB, "d", "f").add(1, 3, MB, "g", "i")
        .add(2, 4, MB, "a", "e").version();
    CompactionTask task = new LeveledPicker(STATIC).pickManual(v, 1, "b".getBytes(), "e".getBytes());
    assertEquals(Set.of(1L, 2L, 4L), task.fileNumbers());
    assertEquals(2, task.outputLevel());
    assertArrayEquals("a".getBytes(), task.smallestUserKey());
  }

  @Test
  void pendingBytesGrowWithTheExcessOverTargets() {
    LeveledPicker picker = new LeveledPicker(STATIC);
    Version inShape = new LevelShapes().add(1, 1, 5 * MB, "a", "z").version();
    Version overTarget = new LevelShapes().add(1, 1, 30 * MB, "a", "z").add(2, 2, 30 * MB, "a", "z").version();
    assertEquals(0, picker.pendingCompactionBytes(inShape));
    assertTrue(picker.pendingCompactionBytes(overTarget) >= 20 * MB);
  }
}
