package io.stratadb.compaction;

import io.stratadb.manifest.Version;

/**
 * Target sizes of the levels below L0 for leveled compaction (RocksDB's {@code
 * VersionStorageInfo::CalculateBaseBytes}).
 *
 * <p>Static: the base level is L1 with {@code maxBytesForLevelBase}, each deeper level {@code
 * multiplier} times larger. Dynamic ({@code level_compaction_dynamic_level_bytes}): the last level's
 * target is its actual size (at least the base size); each level above is {@code multiplier} times
 * smaller, and the base level is the shallowest whose target is still at least {@code
 * maxBytesForLevelBase}; levels above the base level stay empty, and L0 compacts straight into the
 * base level. This keeps about 90% of the data in the last level at any database size.
 *
 * @param baseLevel level L0 compacts into
 * @param targetBytes target size per level in bytes (index = level; 0 above the base level and for L0)
 */
public record LevelTargets(int baseLevel, long[] targetBytes) {

  /** Computes targets for {@code version}'s current sizes. */
  public static LevelTargets compute(Version version, long maxBytesForLevelBase, int multiplier,
      boolean dynamic, int maxLevel) {
    long[] targets = new long[maxLevel + 1];
    if (!dynamic) {
      long target = maxBytesForLevelBase;
      for (int level = 1; level <= maxLevel; level++) {
        targets[level] = target;
        target = saturatingMultiply(target, multiplier);
      }
      return new LevelTargets(1, targets);
    }
    long largest = 0;
    for (int level = 1; level <= maxLevel; level++) {
      largest = Math.max(largest, version.levelBytes(level));
    }
    long target = Math.max(largest, maxBytesForLevelBase);
    int base = maxLevel;
    targets[maxLevel] = target;
    while (base > 1 && target / multiplier >= maxBytesForLevelBase) {
      target /= multiplier;
      base--;
      targets[base] = target;
    }
    return new LevelTargets(base, targets);
  }

  private static long saturatingMultiply(long a, int b) {
    return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }
}
