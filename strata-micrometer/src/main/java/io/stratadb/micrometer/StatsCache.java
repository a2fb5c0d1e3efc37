package io.stratadb.micrometer;

import io.stratadb.Db;
import io.stratadb.DbClosedException;
import io.stratadb.DbStats;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * One {@link Db#stats()} snapshot shared by every meter of a {@link StrataMetrics}: a registry
 * reads its meters one by one, and a fresh {@code stats()} per meter would walk the version and
 * the latency histograms dozens of times per scrape. The snapshot is taken again when it is older
 * than the maximum age.
 *
 * <p>Thread-safe: registries read meters from their own threads; the snapshot is guarded by this
 * object's monitor.
 */
final class StatsCache {
  private final Db db;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  /** Guarded by this. Null before the first read. */
  private DbStats stats;
  /** Guarded by this: when {@link #stats} was taken, in {@link #nanoClock} time. */
  private long takenNanos;
  /** Guarded by this: the database was closed; every value is NaN from then on. */
  private boolean closed;

  /**
   * @param maxAgeNanos how old a snapshot may be, in ns; 0 takes one per meter read
   * @param nanoClock a monotonic clock in ns ({@code System::nanoTime})
   */
  StatsCache(Db db, long maxAgeNanos, LongSupplier nanoClock) {
    this.db = db;
    this.maxAgeNanos = maxAgeNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * {@code f} of a snapshot at most the maximum age old, or {@link Double#NaN} once the database
   * is closed (Micrometer's value for "no value": registries skip or mark it).
   *
   * @throws io.stratadb.StrataException if {@link Db#stats()} fails otherwise
   */
  synchronized double value(ToDoubleFunction<DbStats> f) {
    if (closed) {
      return Double.NaN;
    }
    long now = nanoClock.getAsLong();
    if (stats == null || now - takenNanos > maxAgeNanos) {
      try {
        stats = db.stats();
      } catch (DbClosedException e) {
        closed = true;
        stats = null;
        return Double.NaN;
      }
      takenNanos = now;
    }
    return f.applyAsDouble(stats);
  }
}
