package io.stratadb.db;

import static io.stratadb.TestKeys.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class WriteQueueTest {
  private static final int THREADS = 16;

  private static WriteBatch batch(int thread, int i) {
    return new WriteBatch().put(b(thread + "/" + i), b("v"));
  }

  @Test
  void everyWriteIsCommittedOnceInItsWritersOrderAndGroupsNeverOverlap() throws Exception {
    WriteQueue queue = new WriteQueue();
    int perThread = 300;
    AtomicInteger committing = new AtomicInteger();
    List<WriteBatch> committed = new ArrayList<>(); // appended by the leader only
    AtomicInteger exclusives = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<WriteBatch>>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          List<WriteBatch> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            WriteBatch batch = batch(thread, i);
            mine.add(batch);
            if (thread == 0 && i % 50 == 0) {
              queue.exclusive(() -> {
                assertEquals(1, committing.incrementAndGet(), "an exclusive action overlapped a group");
                exclusives.incrementAndGet();
                committing.decrementAndGet();
              });
            }
            queue.write(batch, thread % 4 != 0, group -> {
              assertEquals(1, committing.incrementAndGet(), "two groups committed at once");
              assertSame(batch, group.get(0).batch, "the leader comes first");
              for (WriteQueue.Writer w : group) {
                committed.add(w.batch);
              }
              committing.decrementAndGet();
            });
          }
          return mine;
        }));
      }
      List<List<WriteBatch>> perWriter = new ArrayList<>();
      for (Future<List<WriteBatch>> f : futures) {
        perWriter.add(f.get(60, TimeUnit.SECONDS));
      }
      assertEquals(THREADS * perThread, committed.size());
      Map<WriteBatch, Integer> position = new ConcurrentHashMap<>();
      for (int i = 0; i < committed.size(); i++) {
        assertEquals(null, position.put(committed.get(i), i), "a batch was committed twice");
      }
      for (List<WriteBatch> mine : perWriter) {
        for (int i = 1; i < mine.size(); i++) {
          assertTrue(position.get(mine.get(i - 1)) < position.get(mine.get(i)), "a writer's batches out of order");
        }
      }
      assertEquals(perThread / 50, exclusives.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writesWithAndWithoutTheWalAreNeverGroupedTogether() throws Exception {
    WriteQueue queue = new WriteQueue();
    CountDownLatch firstInCommit = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    List<List<Boolean>> groups = Collections.synchronizedList(new ArrayList<>());
    boolean[] followers = {true, true, false, false, true};
    ExecutorService pool = Executors.newFixedThreadPool(followers.length + 1);
    try {
      Future<?> first = pool.submit(() -> queue.write(batch(0, 0), false, true, group -> {
        firstInCommit.countDown();
        await(releaseFirst);
      }));
      firstInCommit.await();
      List<Thread> waiting = Collections.synchronizedList(new ArrayList<>());
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < followers.length; t++) { // queued one by one, in this order
        int thread = t;
        done.add(pool.submit(() -> {
          waiting.add(Thread.currentThread());
          queue.write(batch(thread + 1, 0), false, followers[thread], group -> {
            List<Boolean> wal = new ArrayList<>();
            group.forEach(w -> wal.add(w.wal));
            groups.add(wal);
          });
        }));
        waitUntilParked(waiting, t + 1);
      }
      releaseFirst.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertEquals(List.of(List.of(true, true), List.of(false, false), List.of(true)), groups);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedGroupThrowsItsExceptionInEveryMember() throws Exception {
    failedGroup(new IllegalStateException("injected WAL failure"));
  }

  @Test
  void aGroupThatMetAnErrorThrowsItInEveryMember() throws Exception {
    failedGroup(new AssertionError("injected"));
  }

  private static void failedGroup(Throwable failure) throws Exception {
    WriteQueue queue = new WriteQueue();
    int followers = 5;
    CountDownLatch firstInCommit = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger groups = new AtomicInteger();
    List<Integer> groupSizes = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(followers + 1);
    try {
      Future<?> first = pool.submit(() -> queue.write(batch(0, 0), true, group -> {
        groups.incrementAndGet();
        groupSizes.add(group.size());
        firstInCommit.countDown();
        await(releaseFirst);
      }));
      firstInCommit.await();
      List<Thread> waiting = Collections.synchronizedList(new ArrayList<>());
      List<Future<Throwable>> outcomes = new ArrayList<>();
      for (int t = 1; t <= followers; t++) {
        int thread = t;
        outcomes.add(pool.submit(() -> {
          waiting.add(Thread.currentThread());
          return assertThrows(Throwable.class, () -> queue.write(batch(thread, 0), true, group -> {
            groups.incrementAndGet();
            groupSizes.add(group.size());
            sneakyThrow(failure);
          }));
        }));
      }
      waitUntilParked(waiting, followers);
      releaseFirst.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (Future<Throwable> outcome : outcomes) {
        assertSame(failure, outcome.get(10, TimeUnit.SECONDS), "every member gets the group's error");
      }
      assertEquals(2, groups.get(), "the followers commit as one group");
      assertEquals(List.of(1, followers), groupSizes);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aWriterAfterAFailedGroupStillCommits() {
    WriteQueue queue = new WriteQueue();
    RuntimeException failure = new IllegalStateException("injected");
    assertSame(failure, assertThrows(RuntimeException.class,
        () -> queue.write(batch(0, 0), true, group -> {
          throw failure;
        })));
    AtomicInteger commits = new AtomicInteger();
    queue.write(batch(0, 1), true, group -> commits.incrementAndGet());
    assertEquals(1, commits.get(), "the queue itself holds no error: stickiness is the database's");
  }

  private static void sneakyThrow(Throwable t) {
    if (t instanceof RuntimeException e) {
      throw e;
    }
    throw (Error) t;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Waits until {@code count} threads registered and all of them stay parked (queued behind the
   * leader) over two looks 20 ms apart, so none is merely between taking the queue's lock and parking.
   */
  private static void waitUntilParked(List<Thread> threads, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int stableLooks = 0;
    while (System.nanoTime() < deadline) {
      List<Thread> snapshot;
      synchronized (threads) {
        snapshot = new ArrayList<>(threads);
      }
      boolean parked = snapshot.size() == count
          && snapshot.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
      stableLooks = parked ? stableLooks + 1 : 0;
      if (stableLooks == 2) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("followers never queued");
  }
}
