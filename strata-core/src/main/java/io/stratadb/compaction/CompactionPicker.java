package io.stratadb.compaction;

import io.stratadb.CompactionStrategy;
import io.stratadb.manifest.FileMetadata;
import io.stratadb.manifest.Version;
import java.util.Set;

/**
 * Decides what to compact next from the shape of a {@link Version} (RocksDB's {@code
 * CompactionPicker}). Implementations hold no mutable state other than round-robin cursors and are
 * called under the DB's mutex; they never perform I/O.
 */
public interface CompactionPicker {

  /**
   * The next task, or null if the tree is in shape.
   *
   * @param version the current version
   * @param busyFiles tables that running compactions are reading: a task must not include any
   * @param busyOutputLevels levels that running compactions are writing: a task must not write there
   */
  CompactionTask pick(Version version, Set<Long> busyFiles, Set<Integer> busyOutputLevels);

  /**
   * A manual task merging every table overlapping {@code [lower, upper]} (user keys; null for
   * unbounded) from {@code level} into the level below it, or null when {@code level} holds none.
   * Used by {@code compactRange}, which calls it level by level from L0 down.
   */
  CompactionTask pickManual(Version version, int level, byte[] lower, byte[] upper);

  /**
   * A manual task rewriting the tables of the deepest non-empty level that overlap {@code [lower,
   * upper]} into that same level, so versions no snapshot needs and tombstones are dropped there
   * too (RocksDB's forced bottommost-level compaction); null if no level below L0 holds the range.
   */
  default CompactionTask pickBottommost(Version version, byte[] lower, byte[] upper) {
    return OverlapSearch.bottommost(version, lower, upper);
  }

  /**
   * A task compacting {@code file}, a table of {@code level} that point lookups keep reading in
   * vain ({@link io.stratadb.manifest.SeekBudget}), into the level below; null if the table is no
   * longer there, its inputs are busy, or the strategy does not compact for seeks (the default).
   *
   * @param busyFiles tables that running compactions are reading: a task must not include any
   * @param busyOutputLevels levels that running compactions are writing: a task must not write there
   */
  default CompactionTask pickSeekCompaction(Version version, int level, FileMetadata file, Set<Long> busyFiles,
      Set<Integer> busyOutputLevels) {
    return null;
  }

  /** The deepest level this strategy uses. */
  int maxLevel();

  /** L0 file count at which this strategy compacts L0. */
  int level0Trigger();

  /**
   * Per-level score; a level with a score of at least 1 needs compaction. Index = level. For
   * display in stats.
   */
  double[] scores(Version version);

  /**
   * Estimated bytes that compaction must rewrite to bring the tree back in shape (RocksDB's
   * {@code estimated_pending_compaction_bytes}); drives the pending-bytes write stalls.
   */
  long pendingCompactionBytes(Version version);

  /** The picker for {@code strategy}. */
  static CompactionPicker of(CompactionStrategy strategy) {
    if (strategy instanceof CompactionStrategy.Leveled leveled) {
      return new LeveledPicker(leveled);
    }
    if (strategy instanceof CompactionStrategy.Tiered tiered) {
      return new TieredPicker(tiered);
    }
    return new SimpleLeveledPicker((CompactionStrategy.SimpleLeveled) strategy);
  }
}
