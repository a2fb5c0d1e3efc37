package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-threaded stress run with invariants checked all along: writers commit batches (and
 * transactions) that give every key of their group the same counter; readers scan forward and
 * backward, hold snapshots and re-read them, and walk slowly with auto-refreshing iterators;
 * another thread flushes and compacts at random. Every view must show each group whole (one
 * counter), live views never go back in time, and a snapshot read twice reads the same.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbStressTest {
  private static final int WRITERS = 3;
  private static final int GROUP = 8;

  @TempDir Path dir;

  private static byte[] key(int writer, int slot) {
    return b(String.format("w%d-%02d", writer, slot));
  }

  @Test
  void shortStressKeepsEveryInvariant() throws Exception {
    stress(3_000);
  }

  @Test
  @Tag("slow")
  @Timeout(3600)
  void longStressKeepsEveryInvariant() throws Exception {
    stress(120_000);
  }

  private void stress(long millis) throws Exception {
    Options options = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(2)).build();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong views = new AtomicLong();
    long[] committed = new long[WRITERS];
    List<Thread> threads = new ArrayList<>();
    try (Db db = Db.open(dir, options)) {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        threads.add(worker(stop, failure, () -> {
          long counter = ++committed[writer];
          byte[] value = String.format("%010d%s", counter, "x".repeat(150)).getBytes();
          if (counter % 3 == 0) {
            while (true) {
              try (Transaction txn = db.beginTransaction()) {
                for (int slot = 0; slot < GROUP; slot++) {
                  txn.put(key(writer, slot), value);
                }
                txn.commit();
                break;
              } catch (TransactionConflictException e) {
                // only this writer writes its group, and plain writes come first: never here
                throw new AssertionError("unexpected conflict", e);
              }
            }
          } else {
            WriteBatch batch = new WriteBatch();
            for (int slot = 0; slot < GROUP; slot++) {
              batch.put(key(writer, slot), value);
            }
            db.write(batch);
          }
        }));
      }
      Map<Integer, Long> lastLive = new HashMap<>();
      threads.add(worker(stop, failure, () -> {
        Map<Integer, Long> seen = view(db.scan(Bound.unbounded(), Bound.unbounded()), false);
        for (Map.Entry<Integer, Long> e : seen.entrySet()) {
          Long before = lastLive.put(e.getKey(), e.getValue());
          assertTrue(before == null || before <= e.getValue(), "live view went back in time");
        }
        views.incrementAndGet();
      }));
      threads.add(worker(stop, failure, () -> {
        try (Snapshot snapshot = db.getSnapshot()) {
          ReadOptions at = ReadOptions.snapshot(snapshot);
          Map<Integer, Long> first = view(db.scan(Bound.unbounded(), Bound.unbounded(), at), true);
          Thread.sleep(2);
          assertEquals(first, view(db.scan(Bound.unbounded(), Bound.unbounded(), at), false),
              "a snapshot read twice");
          views.incrementAndGet();
        }
      }));
      threads.add(worker(stop, failure, () -> {
        try (DbIterator it = db.newIterator(ReadOptions.defaults().withAutoRefreshMillis(1))) {
          it.seekToFirst();
          Map<Integer, Long> seen = new HashMap<>();
          for (; it.isValid(); it.next()) {
            groupOf(it, seen);
            Thread.sleep(0, 200_000);
          }
          views.incrementAndGet();
        }
      }));
      Random random = new Random(1);
      threads.add(worker(stop, failure, () -> {
        if (random.nextBoolean()) {
          db.flush();
        } else {
          db.compactRange();
        }
        Thread.sleep(20);
      }));
      threads.forEach(Thread::start);
      Thread.sleep(millis);
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      for (int w = 0; w < WRITERS; w++) {
        for (int slot = 0; slot < GROUP; slot++) {
          assertEquals(committed[w], Long.parseLong(s(db.get(key(w, slot))).substring(0, 10)));
        }
      }
      assertTrue(views.get() > 10, "readers ran: " + views.get());
      assertTrue(db.stats().compactionCount() > 0, db.stats().report());
    }
  }

  /** Reads a whole view (backward if asked), checking each group is whole; closes the iterator. */
  private static Map<Integer, Long> view(DbIterator it, boolean backward) {
    Map<Integer, Long> seen = new HashMap<>();
    try (it) {
      if (backward) {
        for (it.seekToLast(); it.isValid(); it.prev()) {
          groupOf(it, seen);
        }
      } else {
        for (; it.isValid(); it.next()) {
          groupOf(it, seen);
        }
      }
    }
    return seen;
  }

  private static void groupOf(DbIterator it, Map<Integer, Long> seen) {
    int writer = s(it.key()).charAt(1) - '0';
    long counter = Long.parseLong(s(it.value()).substring(0, 10));
    Long other = seen.putIfAbsent(writer, counter);
    if (other != null && other != counter) {
      throw new AssertionError("partial group of writer " + writer + ": " + other + " and " + counter);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static Thread worker(AtomicBoolean stop, AtomicReference<Throwable> failure, Step step) {
    return new Thread(() -> {
      try {
        while (!stop.get() && failure.get() == null) {
          step.run();
        }
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    });
  }
}
