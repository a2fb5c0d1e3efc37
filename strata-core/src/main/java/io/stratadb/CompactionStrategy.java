package io.stratadb;

/**
 * How background compaction keeps the LSM tree's shape, chosen with {@link
 * Options.Builder#compactionStrategy(CompactionStrategy)}. The three strategies of the mini-lsm
 * tutorial, each with RocksDB's or mini-lsm's knobs and defaults. Immutable; the factories validate
 * their arguments and throw {@link IllegalArgumentException} for values out of range.
 *
 * <ul>
 *   <li>{@link Leveled} (default): RocksDB's leveled compaction — low space amplification, higher
 *       write amplification.
 *   <li>{@link Tiered}: RocksDB's universal compaction over sorted runs — low write
 *       amplification, up to {@code maxSizeAmplificationPercent} extra space.
 *   <li>{@link SimpleLeveled}: mini-lsm's baseline: whole levels merged by size ratio.
 * </ul>
 */
public sealed interface CompactionStrategy
    permits CompactionStrategy.Leveled, CompactionStrategy.Tiered, CompactionStrategy.SimpleLeveled {

  /**
   * {@return leveled compaction with RocksDB-like defaults} Trigger 4, 10 MiB base, multiplier 10,
   * dynamic level bytes.
   */
  static Leveled leveled() {
    return new Leveled(4, 10L << 20, 10, true);
  }

  /**
   * {@return tiered (universal) compaction with defaults} 8 runs, 200% space amplification, 1% size
   * ratio, width 2.
   */
  static Tiered tiered() {
    return new Tiered(8, 200, 1, 2);
  }

  /**
   * {@return simple leveled compaction with mini-lsm's defaults} Size ratio 200%, L0 trigger 4, 6
   * levels below L0.
   */
  static SimpleLeveled simpleLeveled() {
    return new SimpleLeveled(200, 4, 6);
  }

  /** {@return a short name for tools: {@code leveled}, {@code tiered} or {@code simple-leveled}} */
  String name();

  /**
   * The strategy named {@code name} ({@code leveled}, {@code tiered}, {@code simple-leveled}) with
   * its defaults.
   *
   * @param name {@code leveled}, {@code tiered} or {@code simple-leveled}, as {@link #name()}
   *     returns
   * @return the named strategy with its defaults
   * @throws IllegalArgumentException for an unknown name
   */
  static CompactionStrategy named(String name) {
    switch (name) {
      case "leveled":
        return leveled();
      case "tiered":
      case "universal":
        return tiered();
      case "simple-leveled":
      case "simple":
        return simpleLeveled();
      default:
        throw new IllegalArgumentException(
            "unknown compaction strategy '" + name + "' (leveled, tiered, simple-leveled)");
    }
  }

  /**
   * RocksDB-style leveled compaction. L0 is compacted into the base level once it holds {@code
   * l0FileNumCompactionTrigger} tables; every deeper level has a target size, and the level with
   * the highest score (size / target, L0: files / trigger) above 1 is compacted one table at a
   * time into the next level; a table that overlaps nothing below is moved, not rewritten.
   *
   * @param l0FileNumCompactionTrigger L0 tables that trigger an L0 compaction (1 to 1000)
   * @param maxBytesForLevelBase target size in bytes of the base level (1 MiB to 1 TiB)
   * @param levelSizeMultiplier each level's target is this many times the previous (2 to 100)
   * @param dynamicLevelBytes compute targets down from the actual size of the last level, so
   *     that L0 compacts straight into the deepest level while the database is small (RocksDB's
   *     {@code level_compaction_dynamic_level_bytes})
   */
  record Leveled(int l0FileNumCompactionTrigger, long maxBytesForLevelBase, int levelSizeMultiplier,
      boolean dynamicLevelBytes) implements CompactionStrategy {
    /**
     * Validates the knobs against the ranges above.
     *
     * @param l0FileNumCompactionTrigger 1 to 1000
     * @param maxBytesForLevelBase 1 MiB to 1 TiB, in bytes
     * @param levelSizeMultiplier 2 to 100
     * @param dynamicLevelBytes any
     * @throws IllegalArgumentException if a knob is out of range
     */
    public Leveled {
      check("l0FileNumCompactionTrigger", l0FileNumCompactionTrigger, 1, 1000);
      check("maxBytesForLevelBase", maxBytesForLevelBase, 1L << 20, 1L << 40);
      check("levelSizeMultiplier", levelSizeMultiplier, 2, 100);
    }

    @Override
    public String name() {
      return "leveled";
    }
  }

  /**
   * Tiered (RocksDB universal) compaction over sorted runs: each L0 table is a run and each deeper
   * non-empty level is one run, newest first. When there are more than {@code maxSortedRuns}
   * runs: if the runs other than the oldest take more than {@code maxSizeAmplificationPercent} of
   * the oldest's size, everything is merged (space amplification trigger); otherwise the newest
   * runs whose sizes stay within {@code sizeRatioPercent} of each other's sum are merged (size
   * ratio trigger), at least {@code minMergeWidth} of them; failing that, the newest runs are
   * merged until the count is back under the limit.
   *
   * @param maxSortedRuns runs allowed before compaction (2 to 1000)
   * @param maxSizeAmplificationPercent allowed extra space, in percent of the oldest run (1 to 10000)
   * @param sizeRatioPercent slack when comparing a run with the sum of newer runs (0 to 1000)
   * @param minMergeWidth fewest runs merged by the size ratio trigger (2 to 100)
   */
  record Tiered(int maxSortedRuns, int maxSizeAmplificationPercent, int sizeRatioPercent, int minMergeWidth)
      implements CompactionStrategy {
    /**
     * Validates the knobs against the ranges above.
     *
     * @param maxSortedRuns 2 to 1000
     * @param maxSizeAmplificationPercent 1 to 10000
     * @param sizeRatioPercent 0 to 1000
     * @param minMergeWidth 2 to 100
     * @throws IllegalArgumentException if a knob is out of range
     */
    public Tiered {
      check("maxSortedRuns", maxSortedRuns, 2, 1000);
      check("maxSizeAmplificationPercent", maxSizeAmplificationPercent, 1, 10_000);
      check("sizeRatioPercent", sizeRatioPercent, 0, 1000);
      check("minMergeWidth", minMergeWidth, 2, 100);
    }

    @Override
    public String name() {
      return "tiered";
    }
  }

  /**
   * mini-lsm's simple leveled compaction: L0 is merged with all of L1 once it holds {@code
   * level0FileNumCompactionTrigger} tables; a level Ln (n >= 1) is merged whole into Ln+1 when
   * {@code size(Ln+1) / size(Ln)} falls below {@code sizeRatioPercent} percent.
   *
   * @param sizeRatioPercent lower-to-upper size ratio below which levels merge (1 to 10000)
   * @param level0FileNumCompactionTrigger L0 tables that trigger an L0 compaction (1 to 1000)
   * @param maxLevels levels below L0 in use (1 to 6)
   */
  record SimpleLeveled(int sizeRatioPercent, int level0FileNumCompactionTrigger, int maxLevels)
      implements CompactionStrategy {
    /**
     * Validates the knobs against the ranges above.
     *
     * @param sizeRatioPercent 1 to 10000
     * @param level0FileNumCompactionTrigger 1 to 1000
     * @param maxLevels 1 to 6
     * @throws IllegalArgumentException if a knob is out of range
     */
    public SimpleLeveled {
      check("sizeRatioPercent", sizeRatioPercent, 1, 10_000);
      check("level0FileNumCompactionTrigger", level0FileNumCompactionTrigger, 1, 1000);
      check("maxLevels", maxLevels, 1, 6);
    }

    @Override
    public String name() {
      return "simple-leveled";
    }
  }

  private static void check(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
