package io.stratadb.db;

import io.stratadb.MemoryBudget;
import io.stratadb.memtable.ChunkCharger;
import io.stratadb.memtable.Memtable;
import io.stratadb.sstable.BlockCache;
import java.util.function.BooleanSupplier;

/**
 * The memtables' part of the {@link MemoryBudget} (RocksDB's {@code WriteBufferManager}): counts
 * the memory of every memtable of the database as its arena charges it ({@link ChunkCharger}),
 * charges it to the block cache when asked to ({@link BlockCache#reserveMemtable}) and returns it
 * when a flushed memtable's last reader drops it ({@link #release}); decides when the memtables' total asks
 * for a flush ({@link #shouldFlush}) and makes writes wait while flushes fall behind ({@link
 * #awaitRoom}, and {@link #charge} under a strict limit).
 *
 * <p>Locking: {@link #charged} is changed under {@code this}; waits for a flush hold the DB mutex
 * and wait on {@link DbImpl#stateChanged}, which the flush signals after {@link #release}.
 * Thread-safe.
 */
final class MemtableBudget implements ChunkCharger {
  private final DbImpl db;
  private final DbCounters counters;
  /** Charged with the memtables' bytes, or null when they are not charged to the block cache. */
  private final BlockCache blockCache;
  /** {@link MemoryBudget#memtableLimitBytes()}; 0 for none. */
  private final long limit;
  /** Whether a chunk that would pass {@link #limit} waits for a flush. */
  private final boolean strict;

  /** Bytes charged by all memtables not yet released. Guarded by this. */
  private long charged;
  /** Charges let past the strict limit because no flush could free room. Guarded by this. */
  private long overshoots;

  /**
   * @param blockCache the database's block cache (null for none); charged when the budget says so
   */
  MemtableBudget(DbImpl db, DbCounters counters, MemoryBudget budget, BlockCache blockCache) {
    this.db = db;
    this.counters = counters;
    this.blockCache = budget.chargeMemtablesToBlockCache() ? blockCache : null;
    this.limit = budget.memtableLimitBytes();
    this.strict = budget.strictCapacityLimit() && limit > 0;
  }

  /** Whether memtables need counting: they are charged or limited. */
  boolean enabled() {
    return blockCache != null || limit > 0;
  }

  /** The charger for a new memtable: this, or {@link ChunkCharger#NONE} when nothing is counted. */
  ChunkCharger charger() {
    return enabled() ? this : ChunkCharger.NONE;
  }

  /**
   * Charges {@code bytes}; under a strict limit, first waits while they would take the memtables
   * past it and a flush is under way that will free room. With nothing to flush (the mutable
   * memtable alone holds it), a closed database or a background error, they are charged anyway
   * and counted in {@link #overshoots()}. Takes the DB mutex to wait.
   */
  @Override
  public void charge(long bytes) {
    if (!strict) {
      add(bytes);
      return;
    }
    if (awaitFlushWhile(() -> !tryCharge(bytes))) { // tryCharge charges when it fits
      synchronized (this) {
        overshoots++;
        add(bytes);
      }
    }
  }

  /**
   * Waits under the DB mutex while {@code full} holds and a flush is under way that will free
   * room, counted as a write stop. Takes the DB mutex.
   *
   * @return whether {@code full} still holds: nothing to flush, the database closed or failed
   */
  private boolean awaitFlushWhile(BooleanSupplier full) {
    long start = 0;
    db.mutex.lock();
    try {
      while (full.getAsBoolean()) {
        DbState s = db.state(); // null while the first memtable is made at open
        if (s == null || s.immutables().isEmpty() || db.isClosed() || db.backgroundError() != null) {
          return true;
        }
        if (start == 0) {
          start = System.nanoTime();
          counters.stops.incrementAndGet();
        }
        db.stateChanged.awaitUninterruptibly();
      }
      return false;
    } finally {
      db.mutex.unlock();
      if (start != 0) {
        counters.stallNanos.addAndGet(System.nanoTime() - start);
      }
    }
  }

  /** Charges {@code bytes} if a strict limit lets them through now. */
  @Override
  public synchronized boolean tryCharge(long bytes) {
    if (strict && charged + bytes > limit) {
      return false;
    }
    add(bytes);
    return true;
  }

  private synchronized void add(long bytes) {
    charged += bytes;
    if (blockCache != null) {
      blockCache.reserveMemtable(bytes);
    }
  }

  /**
   * Drops a reference to {@code memtable}: the published state's, once its flush dropped it from
   * the state, or an iterator's ({@link Memtable#tryRetain}). The last one returns its charges, so
   * a flushed memtable an iterator still reads stays counted until that iterator closes (RocksDB's
   * {@code size-all-mem-tables}); writers waiting for room are then signalled, under the DB mutex.
   */
  void release(Memtable memtable) {
    if (!memtable.release() || !enabled()) {
      return;
    }
    long bytes = memtable.releaseCharges();
    synchronized (this) {
      charged -= bytes;
      if (blockCache != null) {
        blockCache.unreserveMemtable(bytes);
      }
    }
    db.mutex.lock();
    try {
      db.stateChanged.signalAll();
    } finally {
      db.mutex.unlock();
    }
  }

  /**
   * Whether the mutable memtable should be switched and flushed for the limit's sake ({@code
   * WriteBufferManager::ShouldFlush}): it holds more than 7/8 of the limit, or all memtables hold
   * the limit and it holds at least half.
   */
  boolean shouldFlush(DbState s) {
    if (limit == 0) {
      return false;
    }
    long mutable = s.memtable().chargedBytes();
    return (mutable > limit / 8 * 7 || (chargedBytes() >= limit && mutable >= limit / 2)) && !s.memtable().isEmpty();
  }

  /**
   * Waits while all memtables hold the limit or more and a flush is under way that will free some
   * ({@code WriteBufferManager::ShouldStall}); counted as a write stop. REQUIRES: the write
   * leader; the DB mutex not held.
   *
   * @throws io.stratadb.StrataException if a background error occurred meanwhile
   */
  void awaitRoom() {
    if (limit > 0 && chargedBytes() >= limit) {
      awaitFlushWhile(() -> chargedBytes() >= limit);
      db.ensureWritable();
    }
  }

  /** Bytes charged by the memtables not yet released. */
  synchronized long chargedBytes() {
    return charged;
  }

  /** Charges let past the strict limit since open (see {@link #charge}). */
  synchronized long overshoots() {
    return overshoots;
  }
}
