package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IdleDaemonExecutorTest {
  /** The message of the late error the JVM throws for a fault in mapped memory. */
  private static final String FAULT = "a fault occurred in a recent unsafe memory access operation";

  @Test
  void runsTasksOnOneNamedDaemonThread() throws Exception {
    Executor executor = IdleDaemonExecutor.create("test-hint", 4, IdleDaemonExecutor.WhenFull.REJECT);
    AtomicReference<Thread> ran = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    executor.execute(() -> {
      ran.set(Thread.currentThread());
      done.countDown();
    });
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals("test-hint", ran.get().getName());
    assertTrue(ran.get().isDaemon());
  }

  @Test
  void aFullQueueGoesToThePolicy() throws Exception {
    for (IdleDaemonExecutor.WhenFull policy : IdleDaemonExecutor.WhenFull.values()) {
      Executor executor = IdleDaemonExecutor.create("test-full", 1, policy);
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(1);
      executor.execute(() -> {
        started.countDown();
        awaitQuietly(release);
      });
      assertTrue(started.await(10, TimeUnit.SECONDS));
      CountDownLatch queuedRan = new CountDownLatch(1);
      executor.execute(queuedRan::countDown); // waits in the queue of one
      AtomicBoolean extraRan = new AtomicBoolean();
      if (policy == IdleDaemonExecutor.WhenFull.REJECT) {
        assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> extraRan.set(true)));
      } else {
        executor.execute(() -> extraRan.set(true)); // dropped
      }
      release.countDown();
      assertTrue(queuedRan.await(10, TimeUnit.SECONDS), "the queued task still runs");
      CountDownLatch after = new CountDownLatch(1);
      executor.execute(after::countDown); // the slot was freed
      assertTrue(after.await(10, TimeUnit.SECONDS));
      assertTrue(!extraRan.get(), policy + ": the task over capacity never runs");
    }
  }

  @Test
  void aQueueOfNothingIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> IdleDaemonExecutor.create("x", 0, IdleDaemonExecutor.WhenFull.DROP));
  }

  @Test
  void anIdleWorkerEndsAndTheNextTaskStartsAnother() throws Exception {
    Executor executor = new IdleDaemonExecutor("test-idle", 4, IdleDaemonExecutor.WhenFull.REJECT,
        TimeUnit.MILLISECONDS.toNanos(20), LockSupport::parkNanos);
    Thread first = runAndGetThread(executor);
    first.join(10_000);
    assertTrue(!first.isAlive(), "the worker ends after the idle time");
    assertNotSame(first, runAndGetThread(executor));
  }

  /**
   * The hang once seen in {@code TableCorruptionTest}: the worker took the JVM's late {@link
   * InternalError} for a fault in mapped memory while waiting for work inside a {@link
   * java.util.concurrent.ThreadPoolExecutor}'s queue, and died holding the queue lock; every later
   * {@code execute} blocked. Here the error is injected into the wait, and into a task.
   */
  @Test
  void anErrorInTheWorkerDoesNotBlockLaterTasks() throws Exception {
    AtomicBoolean faultOnce = new AtomicBoolean(true);
    Executor executor = new IdleDaemonExecutor("test-fault", 4, IdleDaemonExecutor.WhenFull.REJECT,
        TimeUnit.SECONDS.toNanos(60), nanos -> {
          if (faultOnce.getAndSet(false)) {
            throw new InternalError(FAULT);
          }
          LockSupport.parkNanos(nanos);
        });
    Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
    AtomicReference<Throwable> uncaught = new AtomicReference<>();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.set(e)); // keep the log clean
    try {
      Thread first = runAndGetThread(executor); // then the worker waits, and the fault hits it
      first.join(10_000);
      assertTrue(!first.isAlive(), "the fault ended the worker");
      assertEquals(FAULT, uncaught.get().getMessage());
      Thread second = runAndGetThread(executor);
      assertNotSame(first, second);

      executor.execute(() -> {
        throw new InternalError(FAULT);
      });
      second.join(10_000);
      assertTrue(!second.isAlive(), "the task's error ended the worker");
      for (int i = 0; i < 10; i++) {
        runAndGetThread(executor); // each returns at once and runs
      }
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }

  @Test
  void aTaskThatLeavesItsThreadInterruptedDoesNotMakeTheWorkerSpin() throws Exception {
    AtomicInteger waits = new AtomicInteger();
    Executor executor = new IdleDaemonExecutor("test-interrupt", 4, IdleDaemonExecutor.WhenFull.REJECT,
        TimeUnit.MILLISECONDS.toNanos(300), nanos -> {
          waits.incrementAndGet();
          LockSupport.parkNanos(nanos);
        });
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Thread> ran = new AtomicReference<>();
    executor.execute(() -> {
      ran.set(Thread.currentThread());
      Thread.currentThread().interrupt();
      done.countDown();
    });
    assertTrue(done.await(10, TimeUnit.SECONDS));
    ran.get().join(10_000);
    assertTrue(waits.get() < 100, "waited " + waits.get() + " times in 300 ms: the wait spun");
  }

  /** Runs a task on {@code executor} and returns the thread that ran it. */
  private static Thread runAndGetThread(Executor executor) throws InterruptedException {
    AtomicReference<Thread> ran = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    executor.execute(() -> {
      ran.set(Thread.currentThread());
      done.countDown();
    });
    assertTrue(done.await(10, TimeUnit.SECONDS), "the task ran");
    return ran.get();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
