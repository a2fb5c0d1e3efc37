package io.stratadb.compaction;

import io.stratadb.CompactionStrategy;
import io.stratadb.manifest.Version;
import java.util.Set;

/**
 * mini-lsm's simple leveled compaction (week 2, day 2): L0 merges with all of L1 once it holds
 * {@code level0FileNumCompactionTrigger} tables; a level Ln merges whole into Ln+1 when {@code
 * size(Ln+1) * 100 / size(Ln) < sizeRatioPercent}. The baseline the other strategies are measured
 * against. One compaction at a time; called under the DB mutex.
 */
final class SimpleLeveledPicker implements CompactionPicker {
  private final CompactionStrategy.SimpleLeveled config;

  SimpleLeveledPicker(CompactionStrategy.SimpleLeveled config) {
    this.config = config;
  }

  @Override
  public int maxLevel() {
    return config.maxLevels();
  }

  @Override
  public int level0Trigger() {
    return config.level0FileNumCompactionTrigger();
  }

  @Override
  public CompactionTask pick(Version version, Set<Long> busyFiles, Set<Integer> busyOutputLevels) {
    if (!busyFiles.isEmpty() || !busyOutputLevels.isEmpty()) {
      return null;
    }
    if (version.files(0).size() >= config.level0FileNumCompactionTrigger()) {
      return wholeLevels(version, 0, String.format("L0 %d files", version.files(0).size()));
    }
    for (int level = 1; level < maxLevel(); level++) {
      long upper = version.levelBytes(level);
      long lower = version.levelBytes(level + 1);
      if (upper > 0 && lower * 100 < upper * config.sizeRatioPercent()) {
        return wholeLevels(version, level, String.format("L%d/L%d size ratio %d%%", level + 1, level,
            lower * 100 / upper));
      }
    }
    return null;
  }

  private static CompactionTask wholeLevels(Version version, int level, String reason) {
    return CompactionTask.merge(level + 1, reason,
        new CompactionTask.LevelInputs(level, version.files(level)),
        new CompactionTask.LevelInputs(level + 1, version.files(level + 1)));
  }

  @Override
  public CompactionTask pickManual(Version version, int level, byte[] lower, byte[] upper) {
    return level >= maxLevel() ? null : OverlapSearch.manual(version, level, level + 1, lower, upper);
  }

  @Override
  public double[] scores(Version version) {
    double[] scores = new double[Version.NUM_LEVELS];
    scores[0] = (double) version.files(0).size() / config.level0FileNumCompactionTrigger();
    for (int level = 1; level < maxLevel(); level++) {
      long upper = version.levelBytes(level);
      long lower = version.levelBytes(level + 1);
      scores[level] = upper == 0 ? 0 : lower == 0 ? 100 : (double) upper * config.sizeRatioPercent() / (lower * 100.0);
    }
    return scores;
  }

  @Override
  public long pendingCompactionBytes(Version version) {
    CompactionTask task = pick(version, Set.of(), Set.of());
    return task == null ? 0 : task.inputBytes();
  }
}
