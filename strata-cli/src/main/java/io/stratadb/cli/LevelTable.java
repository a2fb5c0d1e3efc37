package io.stratadb.cli;

import io.stratadb.DbStats;
import io.stratadb.DbStats.LevelStats;

/**
 * Formats a {@link DbStats} for people: a "Level Files Size" table like RocksDB's, followed by the
 * memtable and counters, or a one-line summary for the benchmark. Stateless; thread-safe.
 */
public final class LevelTable {
  private LevelTable() {}

  /**
   * {@return the full multi-line report printed by {@code strata stats} and the demo}
   *
   * @param stats the database's shape and counters
   */
  public static String format(DbStats stats) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-5s %6s %10s %14s%n", "Level", "Files", "Size(MB)", "Bytes"));
    sb.append(String.format("%-5s %6s %10s %14s%n", "-----", "-----", "--------", "-----"));
    long files = 0;
    long bytes = 0;
    for (LevelStats l : stats.levels()) {
      sb.append(String.format("  L%-2d %6d %10.1f %14d%n", l.level(), l.files(), mb(l.bytes()), l.bytes()));
      files += l.files();
      bytes += l.bytes();
    }
    sb.append(String.format("  %-3s %6d %10.1f %14d%n", "Sum", files, mb(bytes), bytes));
    sb.append(String.format("Memtable:            %.1f MB (%d bytes)%n", mb(stats.memtableBytes()),
        stats.memtableBytes()));
    sb.append(String.format("Immutable memtables: %d (%d bytes)%n", stats.immutableMemtables(),
        stats.immutableMemtableBytes()));
    sb.append(String.format("Last sequence:       %d%n", stats.lastSequence()));
    sb.append(String.format("Flushes:             %d%n", stats.flushCount()));
    sb.append(String.format("Compactions:         %d (%d trivial moves, strategy %s)%n", stats.compactionCount(),
        stats.trivialMoveCount(), stats.compactionStrategy()));
    sb.append(String.format("Write stalls:        %d%n", stats.writeStallCount()));
    return sb.toString();
  }

  /**
   * One line for the benchmark: the non-empty levels, memtables and counters, e.g. {@code L0 2
   * files 7.9 MB, L1 4 files 16.0 MB; memtable 1.2 MB, 0 immutable; 5 flushes, 1 compaction, 0
   * stalls}.
   *
   * @param stats the database's shape and counters
   * @return the line, without a line break
   */
  public static String summary(DbStats stats) {
    StringBuilder sb = new StringBuilder();
    for (LevelStats l : stats.levels()) {
      if (l.files() > 0) {
        sb.append(sb.length() == 0 ? "" : ", ")
            .append(String.format("L%d %d files %.1f MB", l.level(), l.files(), mb(l.bytes())));
      }
    }
    if (sb.length() == 0) {
      sb.append("no SSTables");
    }
    sb.append(String.format("; memtable %.1f MB, %d immutable; %d flushes, %d compactions, %d stalls (%d slowdowns, %d stops, %d ms)",
        mb(stats.memtableBytes()), stats.immutableMemtables(), stats.flushCount(), stats.compactionCount(),
        stats.writeStallCount(), stats.slowdownCount(), stats.stopCount(), stats.stallMillis()));
    return sb.toString();
  }

  private static double mb(long bytes) {
    return bytes / 1048576.0;
  }
}
