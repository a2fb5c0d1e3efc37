package io.stratadb.compaction;

import io.stratadb.CompactionStrategy;
import io.stratadb.key.InternalKey;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * RocksDB-style leveled compaction ({@code db/compaction/compaction_picker_level.cc}): scores every
 * level (L0: files / trigger; deeper levels: bytes / target from {@link LevelTargets}), and for the
 * highest score of at least 1 compacts L0 into the base level, or one table of Ln (round-robin by
 * key, LevelDB's compact pointer) with the tables of Ln+1 it overlaps. A table that overlaps
 * nothing in the next level is moved instead of rewritten.
 *
 * <p>Called under the DB mutex; the compact pointers are its only state.
 */
final class LeveledPicker implements CompactionPicker {
  private final CompactionStrategy.Leveled config;
  private final byte[][] compactPointer = new byte[Version.NUM_LEVELS][];

  LeveledPicker(CompactionStrategy.Leveled config) {
    this.config = config;
  }

  @Override
  public int maxLevel() {
    return Version.NUM_LEVELS - 1;
  }

  @Override
  public int level0Trigger() {
    return config.l0FileNumCompactionTrigger();
  }

  LevelTargets targets(Version version) {
    return LevelTargets.compute(version, config.maxBytesForLevelBase(), config.levelSizeMultiplier(),
        config.dynamicLevelBytes(), maxLevel());
  }

  @Override
  public double[] scores(Version version) {
    return scores(version, targets(version));
  }

  private double[] scores(Version version, LevelTargets targets) {
    double[] scores = new double[maxLevel() + 1];
    scores[0] = (double) version.files(0).size() / config.l0FileNumCompactionTrigger();
    for (int level = 1; level < maxLevel(); level++) {
      long bytes = version.levelBytes(level);
      if (level < targets.baseLevel()) {
        // Above the base level (dynamic targets): any data there belongs further down.
        scores[level] = bytes == 0 ? 0 : 1.0 + (double) bytes / config.maxBytesForLevelBase();
      } else {
        scores[level] = (double) bytes / targets.targetBytes()[level];
      }
    }
    return scores;
  }

  @Override
  public CompactionTask pick(Version version, Set<Long> busyFiles, Set<Integer> busyOutputLevels) {
    LevelTargets targets = targets(version);
    double[] scores = scores(version, targets);
    List<Integer> levels = new ArrayList<>();
    for (int level = 0; level < maxLevel(); level++) {
      if (scores[level] >= 1.0) {
        levels.add(level);
      }
    }
    levels.sort(Comparator.comparingDouble((Integer l) -> scores[l]).reversed());
    for (int level : levels) {
      String reason = String.format("L%d score %.2f", level, scores[level]);
      CompactionTask task = level == 0
          ? pickLevel0(version, targets.baseLevel(), busyFiles, busyOutputLevels, reason)
          : pickLevelN(version, level, busyFiles, busyOutputLevels, reason);
      if (task != null) {
        return task;
      }
    }
    return null;
  }

  private CompactionTask pickLevel0(Version version, int baseLevel, Set<Long> busyFiles,
      Set<Integer> busyOutputLevels, String reason) {
    List<FileMetadata> level0 = version.files(0);
    if (busyOutputLevels.contains(baseLevel) || OverlapSearch.anyBusy(level0, busyFiles)) {
      return null;
    }
    List<FileMetadata> below = OverlapSearch.overlapping(version, baseLevel,
        OverlapSearch.smallestUserKey(level0), OverlapSearch.largestUserKey(level0));
    if (OverlapSearch.anyBusy(below, busyFiles)) {
      return null;
    }
    if (level0.size() == 1 && below.isEmpty()) {
      return CompactionTask.move(0, level0.get(0), baseLevel, reason);
    }
    return CompactionTask.merge(baseLevel, reason,
        new CompactionTask.LevelInputs(0, level0), new CompactionTask.LevelInputs(baseLevel, below));
  }

  private CompactionTask pickLevelN(Version version, int level, Set<Long> busyFiles,
      Set<Integer> busyOutputLevels, String reason) {
    int output = level + 1;
    if (busyOutputLevels.contains(output)) {
      return null;
    }
    List<FileMetadata> files = version.files(level);
    int start = 0;
    if (compactPointer[level] != null) {
      while (start < files.size()
          && InternalKey.compareUserKey(files.get(start).smallest(), compactPointer[level]) <= 0) {
        start++;
      }
    }
    for (int i = 0; i < files.size(); i++) {
      FileMetadata candidate = files.get((start + i) % files.size());
      CompactionTask task = compactTable(version, level, candidate, busyFiles, reason);
      if (task != null) {
        compactPointer[level] = InternalKey.userKey(candidate.largest());
        return task;
      }
    }
    return null;
  }

  /**
   * {@code candidate} of {@code level} (below L0) with the tables of the next level it overlaps,
   * or moved down when it overlaps none; null if any of them is busy.
   */
  private static CompactionTask compactTable(Version version, int level, FileMetadata candidate,
      Set<Long> busyFiles, String reason) {
    int output = level + 1;
    if (busyFiles.contains(candidate.number())) {
      return null;
    }
    List<FileMetadata> below = OverlapSearch.overlapping(version, output,
        InternalKey.userKey(candidate.smallest()), InternalKey.userKey(candidate.largest()));
    if (OverlapSearch.anyBusy(below, busyFiles)) {
      return null;
    }
    if (below.isEmpty()) {
      return CompactionTask.move(level, candidate, output, reason);
    }
    return CompactionTask.merge(output, reason,
        new CompactionTask.LevelInputs(level, List.of(candidate)), new CompactionTask.LevelInputs(output, below));
  }

  /**
   * LevelDB's seek compaction: a table of L0 takes every L0 table with it into the base level, as
   * an L0 compaction by count does (L0 tables overlap, and older ones must not end up above newer
   * data); a deeper table merges with the tables it overlaps below.
   */
  @Override
  public CompactionTask pickSeekCompaction(Version version, int level, FileMetadata file, Set<Long> busyFiles,
      Set<Integer> busyOutputLevels) {
    if (level >= maxLevel() || version.files(level).stream().noneMatch(f -> f.number() == file.number())) {
      return null; // compacted or moved since it was charged
    }
    String reason = "seeks on #" + file.number();
    if (level == 0) {
      return pickLevel0(version, targets(version).baseLevel(), busyFiles, busyOutputLevels, reason);
    }
    if (busyOutputLevels.contains(level + 1)) {
      return null;
    }
    return compactTable(version, level, file, busyFiles, reason);
  }

  @Override
  public CompactionTask pickManual(Version version, int level, byte[] lower, byte[] upper) {
    if (level >= maxLevel()) {
      return null;
    }
    return OverlapSearch.manual(version, level, level == 0 ? targets(version).baseLevel() : level + 1,
        lower, upper);
  }

  @Override
  public long pendingCompactionBytes(Version version) {
    LevelTargets targets = targets(version);
    long pending = 0;
    if (version.files(0).size() >= config.l0FileNumCompactionTrigger()) {
      pending += version.levelBytes(0) + version.levelBytes(targets.baseLevel());
    }
    for (int level = 1; level < maxLevel(); level++) {
      long bytes = version.levelBytes(level);
      long excess = level < targets.baseLevel() ? bytes : bytes - targets.targetBytes()[level];
      if (excess > 0) {
        long next = version.levelBytes(level + 1);
        double fanout = bytes == 0 ? 0 : (double) next / bytes;
        pending += (long) (excess * (1 + fanout));
      }
    }
    return pending;
  }
}
