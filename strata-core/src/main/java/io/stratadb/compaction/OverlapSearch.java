package io.stratadb.compaction;

import io.stratadb.key.InternalKey;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Key-range helpers shared by the pickers. Stateless. */
final class OverlapSearch {
  private OverlapSearch() {}

  /** Tables of {@code level} overlapping the user-key range {@code [lower, upper]}; null = unbounded. */
  static List<FileMetadata> overlapping(Version version, int level, byte[] lower, byte[] upper) {
    List<FileMetadata> out = new ArrayList<>();
    for (FileMetadata f : version.files(level)) {
      boolean afterLower = lower == null || InternalKey.compareUserKey(f.largest(), lower) >= 0;
      boolean beforeUpper = upper == null || InternalKey.compareUserKey(f.smallest(), upper) <= 0;
      if (afterLower && beforeUpper) {
        out.add(f);
      }
    }
    return out;
  }

  /** Smallest user key of {@code files} (non-empty). */
  static byte[] smallestUserKey(List<FileMetadata> files) {
    byte[] smallest = files.get(0).smallest();
    for (FileMetadata f : files) {
      if (InternalKey.compare(f.smallest(), smallest) < 0) {
        smallest = f.smallest();
      }
    }
    return InternalKey.userKey(smallest);
  }

  /** Largest user key of {@code files} (non-empty). */
  static byte[] largestUserKey(List<FileMetadata> files) {
    byte[] largest = files.get(0).largest();
    for (FileMetadata f : files) {
      if (InternalKey.compareUserKeys(f.largest(), largest) > 0) {
        largest = f.largest();
      }
    }
    return InternalKey.userKey(largest);
  }

  /** Whether any of {@code files} is in {@code busy}. */
  static boolean anyBusy(List<FileMetadata> files, Set<Long> busy) {
    for (FileMetadata f : files) {
      if (busy.contains(f.number())) {
        return true;
      }
    }
    return false;
  }

  /** See {@link CompactionPicker#pickBottommost}. */
  static CompactionTask bottommost(Version version, byte[] lower, byte[] upper) {
    for (int level = Version.NUM_LEVELS - 1; level >= 1; level--) {
      if (!version.files(level).isEmpty()) {
        List<FileMetadata> inputs = overlapping(version, level, lower, upper);
        return inputs.isEmpty() ? null
            : CompactionTask.merge(level, "manual bottommost", new CompactionTask.LevelInputs(level, inputs));
      }
    }
    return null;
  }

  /**
   * A manual merge of the tables of {@code level} overlapping {@code [lower, upper]} with the
   * tables of {@code outputLevel} overlapping them; null if {@code level} has none there.
   */
  static CompactionTask manual(Version version, int level, int outputLevel, byte[] lower, byte[] upper) {
    List<FileMetadata> inputs = overlapping(version, level, lower, upper);
    if (inputs.isEmpty()) {
      return null;
    }
    List<FileMetadata> below =
        overlapping(version, outputLevel, smallestUserKey(inputs), largestUserKey(inputs));
    return CompactionTask.merge(outputLevel, "manual",
        new CompactionTask.LevelInputs(level, inputs), new CompactionTask.LevelInputs(outputLevel, below));
  }
}
