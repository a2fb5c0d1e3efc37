package io.stratadb.compaction;

import io.stratadb.CompactionStrategy;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Tiered compaction after RocksDB's universal compaction ({@code compaction_picker_universal.cc})
 * and mini-lsm's tiered chapter. Sorted runs, newest first: each L0 table, then each non-empty
 * level L1..L6 (a shallower level always holds newer data). A merge always takes the newest runs
 * (every L0 table, then levels in order) and writes one run into the level of the oldest run it
 * takes, so the age order of runs is kept; when it takes only L0 tables, it writes into the empty
 * level just above the newest non-empty one (or takes that level too when none is free).
 *
 * <p>One tiered compaction runs at a time. Called under the DB mutex.
 */
final class TieredPicker implements CompactionPicker {
  private final CompactionStrategy.Tiered config;

  TieredPicker(CompactionStrategy.Tiered config) {
    this.config = config;
  }

  /** A sorted run: one L0 table, or a whole deeper level. */
  record Run(int level, List<FileMetadata> files, long bytes) {}

  static List<Run> runs(Version version) {
    List<Run> runs = new ArrayList<>();
    for (FileMetadata f : version.files(0)) {
      runs.add(new Run(0, List.of(f), f.size()));
    }
    for (int level = 1; level < Version.NUM_LEVELS; level++) {
      if (!version.files(level).isEmpty()) {
        runs.add(new Run(level, version.files(level), version.levelBytes(level)));
      }
    }
    return runs;
  }

  @Override
  public int maxLevel() {
    return Version.NUM_LEVELS - 1;
  }

  @Override
  public int level0Trigger() {
    return config.maxSortedRuns();
  }

  @Override
  public CompactionTask pick(Version version, Set<Long> busyFiles, Set<Integer> busyOutputLevels) {
    if (!busyFiles.isEmpty() || !busyOutputLevels.isEmpty()) {
      return null;
    }
    List<Run> runs = runs(version);
    if (runs.size() <= config.maxSortedRuns()) {
      return null;
    }
    long newerBytes = 0;
    for (int i = 0; i < runs.size() - 1; i++) {
      newerBytes += runs.get(i).bytes();
    }
    long oldestBytes = runs.get(runs.size() - 1).bytes();
    if (newerBytes * 100 >= (long) config.maxSizeAmplificationPercent() * Math.max(1, oldestBytes)) {
      return merge(runs, runs.size(), String.format("space amplification %d%%",
          oldestBytes == 0 ? 0 : newerBytes * 100 / oldestBytes));
    }
    int count = 1;
    long sum = runs.get(0).bytes();
    while (count < runs.size()
        && runs.get(count).bytes() * 100 <= sum * (100 + config.sizeRatioPercent())) {
      sum += runs.get(count).bytes();
      count++;
    }
    if (count >= config.minMergeWidth() && count < runs.size()) {
      return merge(runs, count, "size ratio over " + count + " runs");
    }
    return merge(runs, runs.size() - config.maxSortedRuns() + 1, "sorted runs over " + config.maxSortedRuns());
  }

  /** Merges the newest {@code count} runs, widened to keep the run order valid. */
  private CompactionTask merge(List<Run> runs, int count, String reason) {
    int level0Runs = 0;
    while (level0Runs < runs.size() && runs.get(level0Runs).level() == 0) {
      level0Runs++;
    }
    count = Math.max(count, Math.min(level0Runs, runs.size()));
    count = Math.max(count, 1);
    int output;
    Run oldest = runs.get(count - 1);
    if (oldest.level() > 0) {
      output = oldest.level();
    } else if (count < runs.size()) {
      int nextLevel = runs.get(count).level();
      if (nextLevel > 1) {
        output = nextLevel - 1;
      } else {
        count++;
        output = nextLevel;
      }
    } else {
      output = maxLevel();
    }
    List<CompactionTask.LevelInputs> inputs = new ArrayList<>();
    List<FileMetadata> level0 = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Run run = runs.get(i);
      if (run.level() == 0) {
        level0.addAll(run.files());
      } else {
        inputs.add(new CompactionTask.LevelInputs(run.level(), run.files()));
      }
    }
    if (!level0.isEmpty()) {
      inputs.add(0, new CompactionTask.LevelInputs(0, level0));
    }
    return CompactionTask.merge(output, reason, inputs.toArray(new CompactionTask.LevelInputs[0]));
  }

  @Override
  public CompactionTask pickManual(Version version, int level, byte[] lower, byte[] upper) {
    if (level != 0) {
      return null;
    }
    List<Run> runs = runs(version);
    if (runs.isEmpty() || (runs.size() == 1 && runs.get(0).level() == maxLevel())) {
      return null;
    }
    // A manual compaction of a tiered tree merges every run into one: runs span the whole key
    // space, so a range cannot be compacted alone without breaking the age order of runs.
    return merge(runs, runs.size(), "manual");
  }

  @Override
  public double[] scores(Version version) {
    double[] scores = new double[maxLevel() + 1];
    scores[0] = (double) runs(version).size() / config.maxSortedRuns();
    return scores;
  }

  @Override
  public long pendingCompactionBytes(Version version) {
    List<Run> runs = runs(version);
    if (runs.size() <= config.maxSortedRuns()) {
      return 0;
    }
    long pending = 0;
    for (int i = 0; i <= runs.size() - config.maxSortedRuns(); i++) {
      pending += runs.get(i).bytes();
    }
    return pending;
  }
}
