package io.stratadb.server;

import io.stratadb.Db;
import io.stratadb.DbClosedException;
import io.stratadb.StrataException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WalSync#EVERYSEC}: a background thread that fsyncs the WAL once a second when there were
 * writes since the last time ({@link Db#syncWal}), as Redis's {@code appendfsync everysec}
 * fsyncs its append-only file from a background thread, so no client waits for an fsync.
 *
 * <p>A failed sync is logged as an error; the engine keeps the failure (its writes fail from
 * then on, see docs/RELIABILITY.md), so it is not retried here. Thread-safe.
 */
final class WalSyncer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WalSyncer.class);

  /** Time between two syncs, in ms. */
  static final long INTERVAL_MILLIS = 1000;

  private final Db db;
  private final ScheduledExecutorService executor;

  /** Starts the thread; the first sync is {@link #INTERVAL_MILLIS} from now. */
  WalSyncer(Db db) {
    this.db = db;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "strata-serve-wal-sync");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(this::syncOnce, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void syncOnce() {
    try {
      db.syncWal();
    } catch (DbClosedException e) {
      LOG.debug("WAL sync skipped: {}", e.getMessage());
    } catch (StrataException | IllegalStateException e) {
      LOG.error("WAL sync failed; writes since the last sync may not survive a power loss", e);
    }
  }

  /**
   * Stops the thread (waiting for a sync under way) and syncs what was written since the last
   * sync; call before the database is closed.
   */
  @Override
  public void close() {
    executor.shutdown();
    boolean interrupted = false;
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("WAL sync thread did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    syncOnce();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
