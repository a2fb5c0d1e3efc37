package io.stratadb.db;

import io.stratadb.DbStats;
import io.stratadb.compaction.CompactionTask;
import io.stratadb.manifest.Version;
import io.stratadb.statistics.Statistics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Work counters behind {@link DbStats}: flushes, compactions per output level, ingest and write
 * stalls; flush and compaction durations also go to the {@link Statistics} latency histograms.
 * Thread-safe: per-level counters are guarded by this object's monitor, totals are atomic.
 */
final class DbCounters {
  private final Statistics statistics;
  private final long[] readUpper = new long[Version.NUM_LEVELS];
  private final long[] readLevel = new long[Version.NUM_LEVELS];
  private final long[] written = new long[Version.NUM_LEVELS];
  private final long[] moved = new long[Version.NUM_LEVELS];
  private final long[] runs = new long[Version.NUM_LEVELS];
  private final long[] millis = new long[Version.NUM_LEVELS];
  // Totals apart from the per-level rows: the L0 row mixes flushes with tiered merges into L0.
  private long flushBytes;
  private long compactionBytesRead;
  private long compactionBytesWritten;

  final AtomicLong flushes = new AtomicLong();
  final AtomicLong compactions = new AtomicLong();
  final AtomicLong trivialMoves = new AtomicLong();
  final AtomicLong bytesIngested = new AtomicLong();
  final AtomicLong slowdowns = new AtomicLong();
  final AtomicLong stops = new AtomicLong();
  final AtomicLong stallNanos = new AtomicLong();

  /** @param statistics receives flush and compaction durations */
  DbCounters(Statistics statistics) {
    this.statistics = statistics;
  }

  synchronized void flushed(long bytes, long nanos) {
    flushes.incrementAndGet();
    written[0] += bytes;
    flushBytes += bytes;
    runs[0]++;
    millis[0] += nanos / 1_000_000;
    statistics.recordFlush(nanos);
  }

  synchronized void compacted(CompactionTask task, long bytesWritten, long nanos) {
    compactions.incrementAndGet();
    int out = task.outputLevel();
    runs[out]++;
    millis[out] += nanos / 1_000_000;
    statistics.recordCompaction(nanos);
    if (task.trivialMove()) {
      trivialMoves.incrementAndGet();
      moved[out] += task.inputBytes();
      return;
    }
    readLevel[out] += task.inputBytes(out);
    readUpper[out] += task.inputBytes() - task.inputBytes(out);
    written[out] += bytesWritten;
    compactionBytesRead += task.inputBytes();
    compactionBytesWritten += bytesWritten;
  }

  synchronized long flushBytes() {
    return flushBytes;
  }

  synchronized long compactionBytesRead() {
    return compactionBytesRead;
  }

  synchronized long compactionBytesWritten() {
    return compactionBytesWritten;
  }

  /** Per-level stats for {@code version} with the picker's {@code scores}. */
  synchronized List<DbStats.LevelStats> levels(Version version, double[] scores) {
    List<DbStats.LevelStats> levels = new ArrayList<>();
    for (int l = 0; l < Version.NUM_LEVELS; l++) {
      levels.add(new DbStats.LevelStats(l, version.files(l).size(), version.levelBytes(l),
          l < scores.length ? scores[l] : 0, readUpper[l], readLevel[l], written[l], moved[l], runs[l], millis[l]));
    }
    return List.copyOf(levels);
  }
}
