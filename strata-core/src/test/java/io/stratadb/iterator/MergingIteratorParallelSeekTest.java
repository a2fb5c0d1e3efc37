package io.stratadb.iterator;

import static io.stratadb.iterator.ListIterator.delete;
import static io.stratadb.iterator.ListIterator.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.key.InternalKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MergingIterator} with a seek executor ({@link ParallelSeek}): same results as without,
 * seeks on the executor's threads, failures and interrupts handled. Behavioural, not timed: where
 * a test needs two seeks to overlap, each waits for the other (with a generous deadlock guard).
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class MergingIteratorParallelSeekTest {
  private static final String HELPER = "test-seek-helper";

  private final SeekPool pool = new SeekPool();

  @AfterEach
  void closePool() {
    pool.close();
  }

  /**
   * Runs each task on a new thread named {@value #HELPER} and returns once it is done, so every
   * handed-over seek has run there before the calling thread looks for unclaimed sources.
   */
  private static final Executor ON_HELPER_THREAD = task -> {
    Thread t = new Thread(task, HELPER);
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  };

  /** Random sources over keys k0..k19 with versions repeated across sources and tombstones. */
  private static List<List<ListIterator.Entry>> randomSources(Random random) {
    int n = 2 + random.nextInt(6);
    List<List<ListIterator.Entry>> sources = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      List<ListIterator.Entry> entries = new ArrayList<>();
      java.util.Set<String> used = new java.util.HashSet<>();
      int count = random.nextInt(15);
      for (int e = 0; e < count; e++) {
        String user = "k" + random.nextInt(20);
        // Sequences 0..7 repeat across sources: an equal internal key in two sources, the newer wins.
        long seq = random.nextInt(8);
        if (!used.add(user + "@" + seq)) {
          continue;
        }
        entries.add(random.nextInt(4) == 0 ? delete(user, seq) : put(user, seq, "s" + s + "-" + user + "@" + seq));
      }
      sources.add(entries);
    }
    return sources;
  }

  private static MergingIterator merge(List<List<ListIterator.Entry>> sources, Executor executor) {
    List<InternalIterator> its = new ArrayList<>();
    for (List<ListIterator.Entry> entries : sources) {
      its.add(new ListIterator(entries));
    }
    return new MergingIterator(its, null, executor);
  }

  private static String current(MergingIterator it) {
    return it.isValid() ? InternalKey.toString(it.key()) + "=" + new String(it.value(), java.nio.charset.StandardCharsets.UTF_8) : "-";
  }

  @Test
  void randomSeeksAndWalksMatchTheSequentialMerge() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      List<List<ListIterator.Entry>> sources = randomSources(random);
      Executor executor = round % 10 == 0 ? ON_HELPER_THREAD : pool.executor();
      try (MergingIterator sequential = merge(sources, null); MergingIterator parallel = merge(sources, executor)) {
        for (int op = 0; op < 20; op++) {
          byte[] target = ListIterator.randomTarget(random);
          Consumer<MergingIterator> position = switch (random.nextInt(4)) {
            case 0 -> it -> it.seek(target);
            case 1 -> it -> it.seekForPrev(target);
            case 2 -> MergingIterator::seekToFirst;
            default -> MergingIterator::seekToLast;
          };
          position.accept(sequential);
          position.accept(parallel);
          assertEquals(current(sequential), current(parallel), "round " + round + " op " + op);
          for (int step = 0; step < 8 && sequential.isValid(); step++) {
            boolean forward = random.nextBoolean();
            if (forward) {
              sequential.next();
              parallel.next();
            } else {
              sequential.prev();
              parallel.prev();
            }
            assertEquals(current(sequential), current(parallel), "round " + round + " op " + op + " step " + step);
          }
        }
      }
    }
  }

  /** Records the name of the thread of each positioning call. */
  private static class RecordingIterator extends SeekHookIterator {
    final List<String> threads = new ArrayList<>();

    RecordingIterator(InternalIterator delegate) {
      super(delegate);
    }

    @Override
    void beforeSeek() {
      threads.add(Thread.currentThread().getName());
    }
  }

  @Test
  void sourceZeroSeeksOnTheCallerAndTheOthersOnTheExecutor() {
    List<RecordingIterator> sources = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sources.add(new RecordingIterator(ListIterator.of(put("k" + i, 1, "v" + i))));
    }
    try (MergingIterator it = new MergingIterator(sources, null, ON_HELPER_THREAD)) {
      String caller = Thread.currentThread().getName();
      it.seek(InternalKey.forSeek("k2".getBytes(java.nio.charset.StandardCharsets.UTF_8), 5));
      it.seekForPrev(InternalKey.forSeek("k2".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0));
      it.seekToFirst();
      it.seekToLast();
      assertEquals("k4@1:PUT", InternalKey.toString(it.key()));
      assertEquals(List.of(caller, caller, caller, caller), sources.get(0).threads);
      for (int i = 1; i < 5; i++) {
        assertEquals(List.of(HELPER, HELPER, HELPER, HELPER), sources.get(i).threads, "source " + i);
      }
    }
  }

  @Test
  void seeksOfDifferentSourcesOverlapOnThePool() throws Exception {
    // Source 1's seek waits until source 2's seek has started: done one after the other, it never would.
    CountDownLatch secondStarted = new CountDownLatch(1);
    SeekHookIterator first = new SeekHookIterator(ListIterator.of(put("a", 1, "a"))) {
      @Override
      void beforeSeek() {
        try {
          assertTrue(secondStarted.await(20, TimeUnit.SECONDS), "seeks did not overlap");
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
    };
    SeekHookIterator second = new SeekHookIterator(ListIterator.of(put("b", 1, "b"))) {
      @Override
      void beforeSeek() {
        secondStarted.countDown();
      }
    };
    try (MergingIterator it = new MergingIterator(
        List.of(ListIterator.of(put("c", 1, "c")), first, second), null, pool.executor())) {
      it.seekToFirst();
      assertEquals(List.of("a@1:PUT=a", "b@1:PUT=b", "c@1:PUT=c"), ListIterator.drain(it));
    }
  }

  @Test
  void aFailedSeekThrowsItselfAfterEverySourceIsPositionedAndLeavesTheIteratorInvalid() {
    for (Executor executor : new Executor[] {pool.executor(), ON_HELPER_THREAD, null}) {
      CorruptionException corruption = new CorruptionException("000007.sst", 4096, "bad block checksum");
      StrataIOException io = new StrataIOException("read failed", new java.io.IOException("EIO"));
      List<RecordingIterator> sources = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        RuntimeException failure = i == 2 ? corruption : i == 4 ? io : null;
        sources.add(new RecordingIterator(ListIterator.of(put("k" + i, 1, "v" + i))) {
          @Override
          void beforeSeek() {
            super.beforeSeek();
            // The first positioning call succeeds, the second fails.
            if (failure != null && threads.size() == 2) {
              throw failure;
            }
          }
        });
      }
      try (MergingIterator it = new MergingIterator(sources, null, executor)) {
        it.seekToFirst();
        assertTrue(it.isValid());
        RuntimeException thrown = assertThrows(RuntimeException.class, it::seekToLast);
        assertSame(corruption, thrown, "the lowest failing source's own exception");
        assertFalse(it.isValid());
        assertThrows(IllegalStateException.class, it::key);
        if (executor != null) {
          assertEquals(List.of(io), List.of(thrown.getSuppressed()));
          for (RecordingIterator source : sources) {
            assertEquals(2, source.threads.size(), "every source was positioned before the throw");
          }
        }
      }
    }
  }

  /** Spins until {@code condition} holds; a deadlock guard fails the test after 20 s. Ignores interrupts. */
  private static void awaitSpinning(java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.onSpinWait();
    }
  }

  @Test
  void anInterruptWhileWaitingForAPoolThreadIsKeptAndTheSeekStillCompletes() {
    Thread caller = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean heldByHelper = new java.util.concurrent.atomic.AtomicBoolean();
    // Source 0 (the caller's) waits until a pool thread holds source 1; that one waits until the
    // caller is parked waiting for it, interrupted: the caller must keep waiting, then keep the flag.
    SeekHookIterator newest = new SeekHookIterator(ListIterator.of(put("k0", 1, "v0"))) {
      @Override
      void beforeSeek() {
        awaitSpinning(heldByHelper::get, "a pool thread seeks source 1");
      }
    };
    SeekHookIterator held = new SeekHookIterator(ListIterator.of(put("k1", 1, "v1"))) {
      @Override
      void beforeSeek() {
        heldByHelper.set(true);
        awaitSpinning(() -> caller.getState() == Thread.State.WAITING, "the caller waits");
      }
    };
    try (MergingIterator it = new MergingIterator(
        List.of(newest, held, ListIterator.of(put("k2", 1, "v2"))), null, pool.executor())) {
      caller.interrupt();
      it.seekToFirst();
      assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
      assertEquals(List.of("k0@1:PUT=v0", "k1@1:PUT=v1", "k2@1:PUT=v2"), ListIterator.drain(it));
    }
  }

  @Test
  void aClosedPoolLeavesEverySeekToTheCaller() {
    pool.close();
    List<RecordingIterator> sources = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sources.add(new RecordingIterator(ListIterator.of(put("k" + i, 1, "v" + i))));
    }
    try (MergingIterator it = new MergingIterator(sources, null, pool.executor())) {
      it.seekToFirst();
      assertEquals(List.of("k0@1:PUT=v0", "k1@1:PUT=v1", "k2@1:PUT=v2"), ListIterator.drain(it));
      String caller = Thread.currentThread().getName();
      for (RecordingIterator source : sources) {
        assertEquals(List.of(caller), source.threads);
      }
    }
  }

  /** Forwards every call, calling {@link #beforeSeek()} before each positioning call. */
  private static class SeekHookIterator extends ForwardingIterator {
    SeekHookIterator(InternalIterator delegate) {
      super(delegate);
    }

    void beforeSeek() {}

    @Override
    public void seekToFirst() {
      beforeSeek();
      super.seekToFirst();
    }

    @Override
    public void seek(byte[] target) {
      beforeSeek();
      super.seek(target);
    }

    @Override
    public void seekToLast() {
      beforeSeek();
      super.seekToLast();
    }

    @Override
    public void seekForPrev(byte[] target) {
      beforeSeek();
      super.seekForPrev(target);
    }
  }
}
