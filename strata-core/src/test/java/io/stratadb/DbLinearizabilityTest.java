package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.testing.RegisterChecker;
import io.stratadb.testing.RegisterChecker.Event;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 * register with unique values ({@link RegisterChecker}: a read never returns a value before its
 * write began, never one that a later write had already replaced before the read began, and two
 * reads in real-time order never see two writes in the opposite order; a read of "absent" needs a
 * delete (or the initial state) that was not replaced before the read began). Violations are
 * listed with their times.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbLinearizabilityTest {
  private static final int KEYS = 6;

  @TempDir Path dir;

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
    assertTrue(!RegisterChecker.check(history).isEmpty());
    // Two reads in order that see the writes in the opposite order.
    List<Event> inversion = List.of(new Event(true, 0, 1L, 0, 10), new Event(true, 0, 2L, 20, 30),
        new Event(false, 0, 2L, 25, 35), new Event(false, 0, 1L, 40, 45));
    assertTrue(!RegisterChecker.check(inversion).isEmpty());
    List<Event> fine = List.of(new Event(true, 0, 1L, 0, 10), new Event(true, 0, 2L, 5, 30),
        new Event(false, 0, 1L, 12, 15), new Event(false, 0, 2L, 20, 22), new Event(false, 0, null, -5, -1));
    assertTrue(RegisterChecker.check(fine).isEmpty(), RegisterChecker.check(fine).toString());
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
    return RegisterChecker.check(history);
  }
}
