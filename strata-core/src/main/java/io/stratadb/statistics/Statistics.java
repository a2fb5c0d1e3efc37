package io.stratadb.statistics;

import io.stratadb.LatencyStats;
import io.stratadb.OperationStats;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The operation counters and latency histograms of one open database (RocksDB's {@code
 * Statistics}: tickers and histograms), read as {@link OperationStats}. Counters are {@link
 * LongAdder}s and always kept; the histograms exist only when latencies are enabled ({@code
 * Options.statistics(true)}), and otherwise every record call costs one branch on a final field.
 *
 * <p>Usage on a timed path: {@code long start = statistics.startTimer(); ...;
 * statistics.recordGet(start, value);}. {@link #startTimer()} reads the clock only when latencies
 * are on. Engine-level counters (flushes, compactions, stalls, ingest) are not here: they stay in
 * the engine's own counters and reach users through {@link io.stratadb.DbStats}.
 *
 * <p>Thread-safe; no method blocks except {@link #snapshot()} and {@link #reset()}, which
 * serialise per histogram.
 */
public final class Statistics {
  private final boolean latencies;

  private final LongAdder getHits = new LongAdder();
  private final LongAdder getMisses = new LongAdder();
  private final LongAdder memtableHits = new LongAdder();
  private final LongAdder bytesRead = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder deletes = new LongAdder();
  private final LongAdder batchWrites = new LongAdder();
  private final LongAdder walBytes = new LongAdder();
  private final LongAdder walSyncs = new LongAdder();
  // One increment per table lookup: checks, useful probes and reads are sums of these three.
  private final LongAdder bloomNegatives = new LongAdder();
  private final LongAdder bloomPositives = new LongAdder();
  private final LongAdder unfilteredReads = new LongAdder();
  private final LongAdder iterators = new LongAdder();

  /** One histogram per {@link TimedOperation}, by ordinal; null when latencies are off. */
  private final LatencyHistogram[] histograms;

  /** @param latencies whether to record latency histograms as well as counters */
  public Statistics(boolean latencies) {
    this.latencies = latencies;
    if (latencies) {
      histograms = new LatencyHistogram[TimedOperation.values().length];
      for (int i = 0; i < histograms.length; i++) {
        histograms[i] = new LatencyHistogram();
      }
    } else {
      histograms = null;
    }
  }

  /** Whether latency histograms are recorded. */
  public boolean latenciesEnabled() {
    return latencies;
  }

  /** The start of a timed operation: {@link System#nanoTime()} when latencies are on, else 0. */
  public long startTimer() {
    return latencies ? System.nanoTime() : 0;
  }

  /** A get that started at {@code start} returned {@code value} (null when not found). */
  public void recordGet(long start, byte[] value) {
    recordGetResult(value);
    if (latencies) {
      histograms[TimedOperation.GET.ordinal()].recordNanos(System.nanoTime() - start);
    }
  }

  /**
   * A get returned {@code value} (null when not found), without latency: one key of a multiGet,
   * whose time is not one get's.
   */
  public void recordGetResult(byte[] value) {
    if (value == null) {
      getMisses.increment();
    } else {
      getHits.increment();
      bytesRead.add(value.length);
    }
  }

  /** A get was decided by a memtable (a value or a tombstone found there). */
  public void recordMemtableHit() {
    memtableHits.increment();
  }

  /** A put that started at {@code start} committed (counted in {@link #recordCommit}). */
  public void recordPut(long start) {
    if (latencies) {
      histograms[TimedOperation.PUT.ordinal()].recordNanos(System.nanoTime() - start);
    }
  }

  /** A delete that started at {@code start} committed (counted in {@link #recordCommit}). */
  public void recordDelete(long start) {
    if (latencies) {
      histograms[TimedOperation.DELETE.ordinal()].recordNanos(System.nanoTime() - start);
    }
  }

  /** A {@code write(WriteBatch)} of a non-empty batch that started at {@code start} committed. */
  public void recordWrite(long start) {
    batchWrites.increment();
    if (latencies) {
      histograms[TimedOperation.WRITE.ordinal()].recordNanos(System.nanoTime() - start);
    }
  }

  /** An iterator was created, starting at {@code start}. */
  public void recordIterator(long start) {
    iterators.increment();
    if (latencies) {
      histograms[TimedOperation.ITERATOR.ordinal()].recordNanos(System.nanoTime() - start);
    }
  }

  /**
   * A write group committed {@code putCount} puts and {@code deleteCount} deletes as one WAL
   * record of {@code walRecordBytes} bytes, fsynced if {@code synced}. Called by the write
   * group's leader.
   */
  public void recordCommit(long putCount, long deleteCount, long walRecordBytes, boolean synced) {
    puts.add(putCount);
    deletes.add(deleteCount);
    walBytes.add(walRecordBytes);
    if (synced) {
      walSyncs.increment();
    }
  }

  /** The WAL was fsynced outside a synced write (before switching to a new WAL). */
  public void recordWalSync() {
    walSyncs.increment();
  }

  /**
   * A get looked into one SSTable: {@code filtered} if the table has a bloom filter, {@code
   * admitted} if the key passed it (or there is none) so the table is read.
   */
  public void recordTableLookup(boolean filtered, boolean admitted) {
    if (!filtered) {
      unfilteredReads.increment();
    } else if (admitted) {
      bloomPositives.increment();
    } else {
      bloomNegatives.increment();
    }
  }

  /** A memtable flush took {@code nanos}. */
  public void recordFlush(long nanos) {
    if (latencies) {
      histograms[TimedOperation.FLUSH.ordinal()].recordNanos(nanos);
    }
  }

  /** A compaction took {@code nanos}. */
  public void recordCompaction(long nanos) {
    if (latencies) {
      histograms[TimedOperation.COMPACTION.ordinal()].recordNanos(nanos);
    }
  }

  /** Everything counted and recorded since creation or the last {@link #reset()}. */
  public OperationStats snapshot() {
    return snapshot(true);
  }

  /**
   * The counters since creation or the last {@link #reset()}, with the latency distributions if
   * {@code withLatencies} (draining the histograms costs tens of microseconds), else {@link
   * LatencyStats#EMPTY} for each.
   */
  public OperationStats snapshot(boolean withLatencies) {
    long negatives = bloomNegatives.sum();
    long positives = bloomPositives.sum();
    long hits = getHits.sum();
    long misses = getMisses.sum();
    LatencyStats[] l = new LatencyStats[TimedOperation.values().length];
    for (TimedOperation op : TimedOperation.values()) {
      l[op.ordinal()] = withLatencies ? latency(op) : LatencyStats.EMPTY;
    }
    return new OperationStats(hits + misses, hits, misses, memtableHits.sum(), bytesRead.sum(), puts.sum(),
        deletes.sum(), batchWrites.sum(), walBytes.sum(), walSyncs.sum(), positives + unfilteredReads.sum(),
        negatives + positives, negatives, iterators.sum(), latencies, l[0], l[1], l[2], l[3], l[4], l[5], l[6]);
  }

  /** The latency distribution of {@code op}; {@link LatencyStats#EMPTY} when latencies are off. */
  public LatencyStats latency(TimedOperation op) {
    return latencies ? histograms[op.ordinal()].snapshot() : LatencyStats.EMPTY;
  }

  /**
   * Zeroes every counter and histogram here (RocksDB's {@code Statistics::Reset}). Operations
   * racing with the reset may be counted on either side of it.
   */
  public void reset() {
    for (LongAdder a : List.of(getHits, getMisses, memtableHits, bytesRead, puts, deletes, batchWrites, walBytes,
        walSyncs, bloomNegatives, bloomPositives, unfilteredReads, iterators)) {
      a.reset();
    }
    if (latencies) {
      for (LatencyHistogram h : histograms) {
        h.reset();
      }
    }
  }
}
