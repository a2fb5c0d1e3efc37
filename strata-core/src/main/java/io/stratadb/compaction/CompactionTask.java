package io.stratadb.compaction;

import io.stratadb.key.InternalKey;
import io.stratadb.manifest.FileMetadata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One unit of compaction work chosen by a {@link CompactionPicker}: input tables from one or more
 * levels, merged into {@code outputLevel} (or, for a trivial move, one table re-filed there
 * without being rewritten). Immutable.
 *
 * @param inputs input tables per level, newest level first
 * @param outputLevel level the output tables go to; 0 only for a tiered merge of the newest L0
 *     runs, which is written as one table newer than every table it replaces
 * @param trivialMove whether the single input table is moved without rewriting
 * @param reason why it was picked, for logs and stats (e.g. "L0 files", "L2 score 1.3")
 */
public record CompactionTask(List<LevelInputs> inputs, int outputLevel, boolean trivialMove, String reason) {

  /**
   * The input tables of one level.
   *
   * @param level the level
   * @param files its input tables (for deeper levels, in key order)
   */
  public record LevelInputs(int level, List<FileMetadata> files) {}

  /** Builds a merge task from (level, files) pairs, dropping empty ones. */
  public static CompactionTask merge(int outputLevel, String reason, LevelInputs... levels) {
    List<LevelInputs> inputs = new ArrayList<>();
    for (LevelInputs l : levels) {
      if (!l.files().isEmpty()) {
        inputs.add(new LevelInputs(l.level(), List.copyOf(l.files())));
      }
    }
    return new CompactionTask(List.copyOf(inputs), outputLevel, false, reason);
  }

  /** A task that moves one table from {@code level} to {@code outputLevel}. */
  public static CompactionTask move(int level, FileMetadata file, int outputLevel, String reason) {
    return new CompactionTask(List.of(new LevelInputs(level, List.of(file))), outputLevel, true, reason);
  }

  /** Numbers of all input tables. */
  public Set<Long> fileNumbers() {
    Set<Long> numbers = new HashSet<>();
    for (LevelInputs l : inputs) {
      for (FileMetadata f : l.files()) {
        numbers.add(f.number());
      }
    }
    return numbers;
  }

  /** Total bytes of the input tables of {@code level}. */
  public long inputBytes(int level) {
    long total = 0;
    for (LevelInputs l : inputs) {
      if (l.level() == level) {
        for (FileMetadata f : l.files()) {
          total += f.size();
        }
      }
    }
    return total;
  }

  /** Total bytes of all input tables. */
  public long inputBytes() {
    long total = 0;
    for (LevelInputs l : inputs) {
      for (FileMetadata f : l.files()) {
        total += f.size();
      }
    }
    return total;
  }

  /** Smallest user key over all inputs. */
  public byte[] smallestUserKey() {
    byte[] smallest = null;
    for (LevelInputs l : inputs) {
      for (FileMetadata f : l.files()) {
        if (smallest == null || InternalKey.compare(f.smallest(), smallest) < 0) {
          smallest = f.smallest();
        }
      }
    }
    return InternalKey.userKey(smallest);
  }

  /** Largest user key over all inputs. */
  public byte[] largestUserKey() {
    byte[] largest = null;
    for (LevelInputs l : inputs) {
      for (FileMetadata f : l.files()) {
        if (largest == null || InternalKey.compareUserKeys(f.largest(), largest) > 0) {
          largest = f.largest();
        }
      }
    }
    return InternalKey.userKey(largest);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(trivialMove ? "move " : "merge ");
    for (LevelInputs l : inputs) {
      sb.append('L').append(l.level()).append('x').append(l.files().size()).append(' ');
    }
    return sb.append("-> L").append(outputLevel).append(" (").append(reason).append(')').toString();
  }
}
