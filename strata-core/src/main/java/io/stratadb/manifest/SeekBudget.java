package io.stratadb.manifest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Seek-triggered compaction, LevelDB's {@code allowed_seeks} ({@code db/version_set.cc}): a point
 * lookup that reads a data block of one table without finding its key, and must then read further
 * tables, charges that first table. LevelDB's cost model: one wasted seek costs about as much as
 * compacting 16 KiB, so a table may waste {@code max(100, size / 16 KiB)} reads before merging it
 * into the level below is the cheaper course. Unlike LevelDB, a table whose bloom filter ruled the
 * key out is not charged: no block was read (so with 10-bit filters only false positives count).
 * The table that runs out first is handed to compaction ({@link #takeExhausted()}); the overlap it
 * removes also shortens every iterator's merge.
 *
 * <p>Thread-safe: lookups charge concurrently without locks.
 */
public final class SeekBudget {
  /** Bytes of compaction one wasted seek is worth (LevelDB: 16 KiB). */
  static final long BYTES_PER_SEEK = 16 << 10;
  /** The smallest allowance, so a small table is not compacted for a few misses. */
  static final int MIN_SEEKS = 100;

  /**
   * A table whose allowance ran out.
   *
   * @param level the level it was in when charged
   * @param file the table
   */
  public record Exhausted(int level, FileMetadata file) {}

  private final ConcurrentHashMap<Long, AtomicInteger> remaining = new ConcurrentHashMap<>();
  private final AtomicReference<Exhausted> exhausted = new AtomicReference<>();

  /** The wasted reads {@code file} may cost before it is worth compacting. */
  static int allowance(FileMetadata file) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_SEEKS, file.size() / BYTES_PER_SEEK));
  }

  /**
   * Charges one wasted read to {@code file} at {@code level}; when that uses up its allowance,
   * records it for {@link #takeExhausted()} unless another table is already waiting. A table whose
   * compaction could not start (its inputs were busy) is offered again after each further
   * allowance of wasted reads, not on every one: a handover takes the database's mutex.
   */
  public void charge(int level, FileMetadata file) {
    int allowance = allowance(file);
    AtomicInteger left = remaining.computeIfAbsent(file.number(), n -> new AtomicInteger(allowance));
    int now = left.decrementAndGet();
    if (now <= 0 && now % allowance == 0) {
      exhausted.compareAndSet(null, new Exhausted(level, file));
    }
  }

  /** Whether a table ran out and waits for {@link #takeExhausted()}: a volatile read. */
  public boolean hasExhausted() {
    return exhausted.get() != null;
  }

  /** The table that ran out, removing it; null if none. */
  public Exhausted takeExhausted() {
    return exhausted.getAndSet(null);
  }

  /** Forgets table {@code fileNumber} (its file was deleted). */
  public void forget(long fileNumber) {
    remaining.remove(fileNumber);
  }
}
