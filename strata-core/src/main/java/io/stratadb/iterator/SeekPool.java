package io.stratadb.iterator;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads a {@link MergingIterator} hands its sources' seeks to when an iterator is opened
 * with parallel seek ({@code ReadOptions.withParallelSeek}; in purpose like RocksDB's {@code
 * async_io}, done with threads). One per
 * database, which owns it and closes it; the pool's threads start on first use.
 *
 * <p>Size: {@code min(}{@value #MAX_THREADS}{@code , availableProcessors)} daemon threads named
 * {@code strata-parallel-seek-N}, which end after a minute idle. The work they take (decompressing
 * a block, faulting in or reading pages) is mostly CPU, so threads beyond the cores would queue
 * for them; the calling thread seeks too, so a seek over n sources keeps at most {@code 1 +}
 * the pool size threads busy.
 *
 * <p>Thread-safe.
 */
public final class SeekPool implements AutoCloseable {
  /** The most threads any pool runs. */
  public static final int MAX_THREADS = 4;
  /** How long an idle thread waits for work before it ends, in seconds. */
  private static final long KEEP_ALIVE_SECONDS = 60;
  private static final Executor CLOSED = task -> {
    throw new RejectedExecutionException("seek pool closed");
  };

  private final int threads = Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
  private final AtomicInteger threadNumber = new AtomicInteger();
  private final Object lock = new Object();
  /** Null until first use. Written under {@code lock}; read without it. */
  private volatile ThreadPoolExecutor pool;
  /** Guarded by {@code lock}. */
  private boolean closed;

  /**
   * The pool, started on first call. After {@link #close()}, an executor that rejects every task
   * (a {@link MergingIterator} then seeks on its calling thread).
   */
  public Executor executor() {
    ThreadPoolExecutor p = pool;
    if (p != null) {
      return p;
    }
    synchronized (lock) {
      if (closed) {
        return CLOSED;
      }
      if (pool == null) {
        ThreadPoolExecutor created = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), task -> {
              Thread t = new Thread(task, "strata-parallel-seek-" + threadNumber.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
        created.allowCoreThreadTimeOut(true);
        pool = created;
      }
      return pool;
    }
  }

  /** The number of threads the pool runs at most. */
  public int threads() {
    return threads;
  }

  /**
   * Stops the pool: seeks already handed over finish, later ones run on their callers' threads.
   * Waits for the threads to end; an interrupt while waiting is kept for the caller. Idempotent.
   */
  @Override
  public void close() {
    ThreadPoolExecutor p;
    synchronized (lock) {
      closed = true;
      p = pool;
    }
    if (p == null) {
      return;
    }
    p.shutdown();
    boolean interrupted = false;
    while (true) {
      try {
        if (p.awaitTermination(1, TimeUnit.DAYS)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
