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
 * level L1..L6 (a shallower level always holds newer data). Triggers, in order: space
 * amplification merges every run; the size ratio merges the newest runs of similar size; too many
 * runs merge the cheapest adjacent window that brings the count back to the limit. A merge of
 * adjacent runs writes one run where the age order of runs is kept (see {@link #outputLevel}).
 * A merge into L0 writes one table whose file number is above every table it replaces and below
 * every later flush (the caller runs such a merge only while no flush is writing), so L0's
 * newest-first order by file number stays true.
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
    return mergeCheapestWindow(runs, runs.size() - config.maxSortedRuns() + 1,
        "sorted runs over " + config.maxSortedRuns());
  }

  /**
   * Fewest-bytes window of {@code width} adjacent runs that can be merged: RocksDB merges the
   * newest runs here, which under random writes keeps folding each new flush into one ever larger
   * L0 run; merging the cheapest adjacent runs reduces the run count for the fewest bytes written.
   */
  private CompactionTask mergeCheapestWindow(List<Run> runs, int width, String reason) {
    int best = 0;
    long bestBytes = Long.MAX_VALUE;
    for (int start = 0; start + width <= runs.size(); start++) {
      if (outputLevel(runs, start, start + width) < 0) {
        continue;
      }
      long bytes = 0;
      for (int i = start; i < start + width; i++) {
        bytes += runs.get(i).bytes();
      }
      if (bytes < bestBytes) {
        bestBytes = bytes;
        best = start;
      }
    }
    return merge(runs, best, best + width, reason);
  }

  /**
   * Where runs {@code [start, end)} merge to keep newer runs above older ones, or -1 if they
   * cannot: the level of the oldest when it is a level; else (all L0 tables) the free level just
   * above the next run, or, with none free, L0 itself, which only a prefix may write (its one
   * output table is numbered above every L0 table left out of the merge). A merge of every run
   * goes to the last level.
   */
  private int outputLevel(List<Run> runs, int start, int end) {
    int oldestLevel = runs.get(end - 1).level();
    if (oldestLevel > 0) {
      return oldestLevel;
    }
    if (end == runs.size()) {
      return start == 0 ? maxLevel() : -1;
    }
    int nextLevel = runs.get(end).level();
    if (nextLevel > 1) {
      return nextLevel - 1;
    }
    return start == 0 ? 0 : -1;
  }

  /** Merges the newest {@code count} runs (at least two). */
  private CompactionTask merge(List<Run> runs, int count, String reason) {
    return merge(runs, 0, Math.min(Math.max(count, 2), runs.size()), reason);
  }

  /** Merges runs {@code [start, end)}, which {@link #outputLevel} accepts. */
  private CompactionTask merge(List<Run> runs, int start, int end, String reason) {
    int output = outputLevel(runs, start, end);
    List<CompactionTask.LevelInputs> inputs = new ArrayList<>();
    List<FileMetadata> level0 = new ArrayList<>();
    for (int i = start; i < end; i++) {
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
