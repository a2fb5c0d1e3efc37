package io.stratadb.util;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * An executor for process-wide background hints (readahead of mapped files, memtable chunks made
 * ahead): one daemon thread, started on the first task and ended after a minute without work, with
 * a bounded queue. Daemon, so a hint never keeps the JVM alive.
 *
 * <p>Lock-free, so that no thread can die holding a lock the others then wait for. The JVM reports
 * a fault in mapped memory touched by compiled code (a file that shrank under its mapping) as an
 * {@link InternalError} thrown <em>later</em>, at whatever point the thread next checks: a
 * {@link java.util.concurrent.ThreadPoolExecutor}'s worker can take it inside its queue's lock
 * code and leave the queue lock held, after which every {@link #execute} blocks forever (the hang
 * once seen in {@code TableCorruptionTest}). Here {@link #execute} only reserves a slot with a CAS,
 * appends to a lock-free queue and wakes or starts the worker; a worker that ends with any
 * {@link Throwable} gives up its place in a {@code finally}, and the next task starts a new one.
 *
 * <p>Thread-safe.
 */
public final class IdleDaemonExecutor implements Executor {
  /** How long the thread waits for work before it ends, in seconds. */
  static final long IDLE_SECONDS = 60;

  /** What {@link #execute} does with a task that finds the queue full. */
  public enum WhenFull {
    /** Drop the task silently (a hint nobody waits for). */
    DROP,
    /** Throw {@link RejectedExecutionException}. */
    REJECT
  }

  private final String threadName;
  private final int capacity;
  private final WhenFull whenFull;
  private final long idleNanos;
  /** Waits up to the given nanoseconds for work: {@link LockSupport#parkNanos}, or a test's fault. */
  private final LongConsumer idleWait;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Slots taken in {@link #tasks}: reserved by {@link #execute} before it appends, freed on poll. */
  private final AtomicInteger queued = new AtomicInteger();
  /** The worker thread; null when none runs. Only the worker clears it, only a CAS sets it. */
  private final AtomicReference<Thread> worker = new AtomicReference<>();

  IdleDaemonExecutor(String threadName, int queueCapacity, WhenFull whenFull, long idleNanos,
      LongConsumer idleWait) {
    if (queueCapacity < 1) {
      throw new IllegalArgumentException("queue capacity must be at least 1, got " + queueCapacity);
    }
    this.threadName = Objects.requireNonNull(threadName, "threadName");
    this.capacity = queueCapacity;
    this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
    this.idleNanos = idleNanos;
    this.idleWait = idleWait;
  }

  /**
   * A single-thread executor whose thread ends after {@value #IDLE_SECONDS} s without work.
   *
   * @param threadName the thread's name
   * @param queueCapacity tasks waiting at most; more go to {@code whenFull}
   * @param whenFull what {@link Executor#execute} does with a task that finds the queue full
   * @return a thread-safe executor
   * @throws IllegalArgumentException if {@code queueCapacity < 1}
   */
  public static Executor create(String threadName, int queueCapacity, WhenFull whenFull) {
    return new IdleDaemonExecutor(threadName, queueCapacity, whenFull,
        TimeUnit.SECONDS.toNanos(IDLE_SECONDS), LockSupport::parkNanos);
  }

  /**
   * Queues {@code task} for the worker thread, starting the thread if none runs; never waits.
   *
   * @throws RejectedExecutionException if the queue is full and the policy is {@link WhenFull#REJECT}
   * @throws NullPointerException if {@code task} is null
   */
  @Override
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    int n;
    do {
      n = queued.get();
      if (n >= capacity) {
        if (whenFull == WhenFull.DROP) {
          return;
        }
        throw new RejectedExecutionException(threadName + ": " + capacity + " tasks already queued");
      }
    } while (!queued.compareAndSet(n, n + 1));
    tasks.add(task);
    Thread running = worker.get();
    if (running != null) {
      LockSupport.unpark(running); // if it is just ending, it sees the task and stays, or we start one
    } else {
      startWorker();
    }
  }

  /**
   * Starts a worker unless one is registered. A worker that is ending re-checks the queue after it
   * clears {@link #worker}, so a task appended before this call is run by one of the two.
   */
  private void startWorker() {
    Thread thread = new Thread(this::work, threadName);
    thread.setDaemon(true);
    if (!worker.compareAndSet(null, thread)) {
      LockSupport.unpark(worker.get());
      return;
    }
    try {
      thread.start();
    } catch (Throwable e) { // no thread (OutOfMemoryError): the next execute tries again
      worker.compareAndSet(thread, null);
      throw e;
    }
  }

  /** The worker's loop: runs tasks, ends once idle for {@link #idleNanos}, or when a task throws. */
  private void work() {
    Thread self = Thread.currentThread();
    try {
      long idleSince = System.nanoTime();
      while (true) {
        Runnable task = tasks.poll();
        if (task != null) {
          queued.decrementAndGet();
          task.run(); // whatever it throws ends this thread; the finally below hands over
          Thread.interrupted(); // a task's leftover interrupt would turn the waits into a spin
          idleSince = System.nanoTime();
          continue;
        }
        long waited = System.nanoTime() - idleSince;
        if (waited < idleNanos) {
          idleWait.accept(idleNanos - waited);
          continue;
        }
        worker.set(null);
        if (tasks.isEmpty() || !worker.compareAndSet(null, self)) {
          return; // idle; a task appended since then started a new worker, or will
        }
        idleSince = System.nanoTime();
      }
    } finally {
      // Reached with a Throwable from a task or from the wait (say, a late InternalError for a
      // fault in mapped memory): give up the place, and hand queued tasks to a new worker.
      if (worker.compareAndSet(self, null) && !tasks.isEmpty()) {
        startWorker();
      }
    }
  }
}
