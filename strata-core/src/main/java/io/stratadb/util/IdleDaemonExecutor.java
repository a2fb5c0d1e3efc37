package io.stratadb.util;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Executors for process-wide background hints (readahead of mapped files, memtable chunks made
 * ahead): one daemon thread, started on the first task and ended after a minute without work, with
 * a bounded queue. Daemon, so a hint never keeps the JVM alive.
 */
public final class IdleDaemonExecutor {
  /** How long the thread waits for work before it ends, in seconds. */
  static final long IDLE_SECONDS = 60;

  private IdleDaemonExecutor() {}

  /**
   * A single-thread executor.
   *
   * @param threadName the thread's name
   * @param queueCapacity tasks waiting at most; more go to {@code whenFull}
   * @param whenFull what {@link Executor#execute} does with a task that finds the queue full (say,
   *     {@link ThreadPoolExecutor.DiscardPolicy} to drop it, or {@link ThreadPoolExecutor.AbortPolicy}
   *     to throw {@link java.util.concurrent.RejectedExecutionException})
   * @return a thread-safe executor
   * @throws IllegalArgumentException if {@code queueCapacity < 1}
   */
  public static Executor create(String threadName, int queueCapacity, RejectedExecutionHandler whenFull) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, IDLE_SECONDS, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queueCapacity),
        task -> {
          Thread thread = new Thread(task, threadName);
          thread.setDaemon(true);
          return thread;
        },
        whenFull);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }
}
