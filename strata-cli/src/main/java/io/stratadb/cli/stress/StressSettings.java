package io.stratadb.cli.stress;

import io.stratadb.CompactionStrategy;
import io.stratadb.Options;

/**
 * The settings a crash test run shares between the parent and every child process, and the engine
 * options both open the database with. Immutable; thread-safe.
 *
 * @param mode ops or bank
 * @param threads worker threads in each child (at least 1)
 * @param keys key space in ops mode, number of accounts in bank mode
 * @param valueSize bytes per value (values are at least their {@code tag|key|} prefix long)
 * @param syncPercent share of writes (commits, in bank mode) made with {@code sync=true}, 0 to 100
 */
record StressSettings(StressMode mode, int threads, int keys, int valueSize, int syncPercent) {

  /** Balance of every account when a bank run starts. */
  static final long INITIAL_BALANCE = 1000;

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a setting is out of range (the message names it)
   */
  StressSettings {
    if (mode == null) {
      throw new IllegalArgumentException("--mode must be ops or bank");
    }
    if (threads < 1 || threads > 1000) {
      throw new IllegalArgumentException("--threads must be between 1 and 1000, got " + threads);
    }
    int min = mode == StressMode.BANK ? 2 : 1;
    if (keys < min || keys > StressValues.MAX_KEYS) {
      throw new IllegalArgumentException("--keys must be between " + min + " and " + StressValues.MAX_KEYS
          + " in " + mode.label() + " mode, got " + keys);
    }
    if (valueSize < 0 || valueSize > 1 << 20) {
      throw new IllegalArgumentException("--value-size must be between 0 and 1048576, got " + valueSize);
    }
    if (syncPercent < 0 || syncPercent > 100) {
      throw new IllegalArgumentException("--sync-percent must be between 0 and 100, got " + syncPercent);
    }
  }

  /** Total of all accounts in bank mode: the invariant. */
  long bankTotal() {
    return keys * INITIAL_BALANCE;
  }

  /**
   * The engine options of the stressed database: small memtables (128 KiB) and tables, 1 KiB
   * blocks and leveled compaction triggered by 2 L0 tables, so that every child's second of life
   * crosses many flushes and compactions, and a kill lands in one of them often.
   */
  static Options engineOptions() {
    return Options.builder().writeBufferSize(128 << 10).blockSize(1024).targetFileSize(128 << 10)
        .compactionStrategy(new CompactionStrategy.Leveled(2, 1L << 20, 10, true)).build();
  }
}
