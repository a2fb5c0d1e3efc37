package io.stratadb.compaction;

import static io.stratadb.compaction.LevelShapes.MB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stratadb.CompactionStrategy;
import io.stratadb.manifest.Version;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimpleLeveledPickerTest {
  private static final CompactionStrategy.SimpleLeveled CONFIG = new CompactionStrategy.SimpleLeveled(200, 2, 3);

  private static CompactionTask pick(Version v) {
    return new SimpleLeveledPicker(CONFIG).pick(v, Set.of(), Set.of());
  }

  @Test
  void l0TriggerMergesAllOfL0WithAllOfL1() {
    Version v = new LevelShapes().add(0, 9, MB, "a", "b").add(0, 8, MB, "y", "z")
        .add(1, 1, MB, "a", "c").add(1, 2, MB, "m", "n").version();
    CompactionTask task = pick(v);
    assertEquals(1, task.outputLevel());
    assertEquals(Set.of(9L, 8L, 1L, 2L), task.fileNumbers());
  }

  @Test
  void aLevelMergesIntoTheNextWhenTheSizeRatioIsTooSmall() {
    Version v = new LevelShapes().add(1, 1, 10 * MB, "a", "z").add(2, 2, 15 * MB, "a", "z").version();
    CompactionTask task = pick(v);
    assertEquals(2, task.outputLevel(), "15 / 10 = 150% < 200%");
    assertEquals(Set.of(1L, 2L), task.fileNumbers());
  }

  @Test
  void inShapeWhenEveryRatioIsMet() {
    Version v = new LevelShapes().add(1, 1, 10 * MB, "a", "z").add(2, 2, 25 * MB, "a", "z")
        .add(3, 3, 60 * MB, "a", "z").version();
    assertNull(pick(v));
  }

  @Test
  void theLastLevelIsNeverAnInput() {
    Version v = new LevelShapes().add(3, 3, 60 * MB, "a", "z").version();
    assertNull(pick(v));
    assertNull(new SimpleLeveledPicker(CONFIG).pickManual(v, 3, null, null));
  }
}
