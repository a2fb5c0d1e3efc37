package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recorded history of concurrent puts, deletes and gets on a few keys, while memtables rotate,
 * flush and compact underneath, checked for linearizability per key (each key is a register;
 * every put writes a unique value). The checks are the necessary conditions for a linearizable
 * register with unique values: a read never returns a value before its write began, never one
 * that a later write had already replaced before the read began, and two reads in real-time order
 * never see two writes in the opposite order; a read of "absent" needs a delete (or the initial
 * state) that was not replaced before the read began. Violations are listed with their times.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbLinearizabilityTest {
  private static final int KEYS = 6;

  @TempDir Path dir;

  /** One completed operation: a write ({@code value} null for a delete) or a read ({@code value} what it saw). */
  record Event(boolean write, int key, Long value, long start, long end) {}

  @Test
  void concurrentPutsDeletesAndGetsAreLinearizable() throws Exception {
    List<String> violations = runAndCheck(4, 10_000);
    assertTrue(violations.isEmpty(), String.join("\n", violations));
  }

  @Test
  @Tag("slow")
  @Timeout(3600)
  void longConcurrentRunIsLinearizable() throws Exception {
    for (int round = 0; round < 20; round++) {
      List<String> violations = runAndCheck(6, 50_000);
      assertTrue(violations.isEmpty(), String.join("\n", violations));
    }
  }

  @Test
  void theCheckerFindsAStaleRead() {
    // put 1 [0,10], put 2 [20,30], then a read [40,50] that sees 1: 2 had replaced it.
    List<Event> history = List.of(new Event(true, 0, 1L, 0, 10), new Event(true, 0, 2L, 20, 30),
        new Event(false, 0, 1L, 40, 50));
    assertTrue(!check(history).isEmpty());
    // Two reads in order that see the writes in the opposite order.
    List<Event> inversion = List.of(new Event(true, 0, 1L, 0, 10), new Event(true, 0, 2L, 20, 30),
        new Event(false, 0, 2L, 25, 35), new Event(false, 0, 1L, 40, 45));
    assertTrue(!check(inversion).isEmpty());
    List<Event> fine = List.of(new Event(true, 0, 1L, 0, 10), new Event(true, 0, 2L, 5, 30),
        new Event(false, 0, 1L, 12, 15), new Event(false, 0, 2L, 20, 22), new Event(false, 0, null, -5, -1));
    assertTrue(check(fine).isEmpty(), check(fine).toString());
  }

  private List<String> runAndCheck(int threads, int opsPerThread) throws Exception {
    Options options = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(2)).build();
    List<Event> history = Collections.synchronizedList(new ArrayList<>());
    AtomicLong nextValue = new AtomicLong(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    byte[] padding = new byte[200]; // fills memtables, so flushes and compactions run underneath
    try (Db db = Db.open(dir.resolve("db" + System.nanoTime()), options)) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Random random = new Random(t);
        workers.add(new Thread(() -> {
          try {
            for (int i = 0; i < opsPerThread; i++) {
              int k = random.nextInt(KEYS);
              byte[] key = {(byte) k};
              int kind = random.nextInt(10);
              long start = System.nanoTime();
              if (kind < 4) {
                long v = nextValue.getAndIncrement();
                db.put(key, ByteBuffer.allocate(8 + padding.length).putLong(v).put(padding).array());
                history.add(new Event(true, k, v, start, System.nanoTime()));
              } else if (kind < 5) {
                db.delete(key);
                history.add(new Event(true, k, null, start, System.nanoTime()));
              } else {
                byte[] got = db.get(key);
                history.add(new Event(false, k, got == null ? null : ByteBuffer.wrap(got).getLong(), start,
                    System.nanoTime()));
              }
            }
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        }));
      }
      workers.forEach(Thread::start);
      for (Thread w : workers) {
        w.join();
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertTrue(db.stats().flushCount() > 0, "the history spans flushes");
    }
    return check(history);
  }

  /** The violations of {@code history}, empty if none. Runs in O(n log n) per key. */
  static List<String> check(List<Event> history) {
    List<String> violations = new ArrayList<>();
    for (int k = 0; k < KEYS; k++) {
      List<Event> writes = new ArrayList<>();
      List<Event> reads = new ArrayList<>();
      Map<Long, Event> writeOf = new HashMap<>();
      for (Event e : history) {
        if (e.key() == k) {
          (e.write() ? writes : reads).add(e);
          if (e.write() && e.value() != null) {
            writeOf.put(e.value(), e);
          }
        }
      }
      Replacements replaced = new Replacements(writes);
      for (Event r : reads) {
        if (r.value() != null) {
          Event w = writeOf.get(r.value());
          if (w == null || w.start() > r.end()) {
            violations.add("read " + r + " saw a value never or not yet written: " + w);
          } else if (replaced.latestStartOfWritesEndedBefore(r.start()) > w.end()) {
            violations.add("read " + r + " saw " + w + " after a later write replaced it");
          }
        } else if (!replaced.absentPossible(r)) {
          violations.add("read " + r + " saw no value although every delete had been overwritten");
        }
      }
      // Reads in real-time order never see writes in reverse order: for each read r2, among the
      // reads that ended before it began, none saw a write that began after r2's write ended.
      List<Event> byEnd = new ArrayList<>(reads);
      byEnd.removeIf(r -> r.value() == null || writeOf.get(r.value()) == null);
      byEnd.sort(Comparator.comparingLong(Event::end));
      List<Event> byStart = new ArrayList<>(byEnd);
      byStart.sort(Comparator.comparingLong(Event::start));
      int ended = 0;
      Event latest = null; // among reads ended so far, the one whose write began last
      for (Event r2 : byStart) {
        while (ended < byEnd.size() && byEnd.get(ended).end() < r2.start()) {
          Event r1 = byEnd.get(ended++);
          if (latest == null || writeOf.get(r1.value()).start() > writeOf.get(latest.value()).start()) {
            latest = r1;
          }
        }
        if (latest != null && writeOf.get(latest.value()).start() > writeOf.get(r2.value()).end()) {
          violations.add("reads " + latest + " then " + r2 + " saw writes in reverse order");
        }
      }
    }
    return violations;
  }

  /**
   * Answers "was write w replaced before time t", i.e. did some write begin after w ended and end
   * before t: true iff the latest start among writes ended before t is after w's end.
   */
  private static final class Replacements {
    private final long[] ends;
    private final long[] latestStartUpTo;
    private final long[] deleteStarts;
    private final long[] latestDeleteEndUpTo;

    Replacements(List<Event> writes) {
      List<Event> byEnd = new ArrayList<>(writes);
      byEnd.sort(Comparator.comparingLong(Event::end));
      ends = new long[byEnd.size()];
      latestStartUpTo = new long[byEnd.size()];
      long max = Long.MIN_VALUE;
      for (int i = 0; i < byEnd.size(); i++) {
        ends[i] = byEnd.get(i).end();
        max = Math.max(max, byEnd.get(i).start());
        latestStartUpTo[i] = max;
      }
      List<Event> deletes = new ArrayList<>(writes);
      deletes.removeIf(w -> w.value() != null);
      deletes.sort(Comparator.comparingLong(Event::start));
      deleteStarts = new long[deletes.size()];
      latestDeleteEndUpTo = new long[deletes.size()];
      max = Long.MIN_VALUE;
      for (int i = 0; i < deletes.size(); i++) {
        deleteStarts[i] = deletes.get(i).start();
        max = Math.max(max, deletes.get(i).end());
        latestDeleteEndUpTo[i] = max;
      }
    }

    /** Latest start among writes that ended before {@code time}; MIN_VALUE if none. */
    long latestStartOfWritesEndedBefore(long time) {
      int n = countBelow(ends, time);
      return n == 0 ? Long.MIN_VALUE : latestStartUpTo[n - 1];
    }

    /** Whether "absent" is a possible result of read {@code r}. */
    boolean absentPossible(Event r) {
      long replacedAfter = latestStartOfWritesEndedBefore(r.start());
      if (replacedAfter == Long.MIN_VALUE) {
        return true; // no write ended before the read began: the initial state
      }
      // A delete that began before the read ended and was not replaced before it began.
      int n = countBelow(deleteStarts, r.end());
      return n > 0 && latestDeleteEndUpTo[n - 1] >= replacedAfter;
    }

    private static int countBelow(long[] sorted, long bound) {
      int lo = 0;
      int hi = sorted.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sorted[mid] < bound) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
