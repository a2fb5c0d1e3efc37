package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class IdleDaemonExecutorTest {

  @Test
  void runsTasksOnOneNamedDaemonThread() throws Exception {
    Executor executor = IdleDaemonExecutor.create("test-hint", 4, new ThreadPoolExecutor.AbortPolicy());
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
    Executor executor = IdleDaemonExecutor.create("test-full", 1, new ThreadPoolExecutor.AbortPolicy());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    executor.execute(() -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    executor.execute(() -> { }); // waits in the queue of one
    assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
    release.countDown();
  }

  @Test
  void aQueueOfNothingIsRejected() {
    assertThrows(IllegalArgumentException.class,
        () -> IdleDaemonExecutor.create("x", 0, new ThreadPoolExecutor.DiscardPolicy()));
  }
}
