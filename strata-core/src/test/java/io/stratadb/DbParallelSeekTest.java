package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iterators with {@link ReadOptions#withParallelSeek(boolean)} over a memtable, several L0 tables
 * and deeper levels read exactly what the default iterator reads, and {@link Db#close()} stops the
 * seek threads.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbParallelSeekTest {
  private static final int KEYS = 2000;
  private static final ReadOptions PARALLEL = ReadOptions.defaults().withParallelSeek(true);

  @TempDir Path dir;

  /** Deeper levels from a compacted first load, then three L0 tables of overwrites and deletes, then a memtable. */
  private Db openLayered() {
    // An L0 trigger above the flushes below keeps their tables in L0.
    Db db = Db.open(dir, TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(8)).build());
    for (int i = 0; i < KEYS; i++) {
      db.put(key(i), b("base-" + i));
    }
    db.flush();
    db.compactRange();
    for (int round = 0; round < 3; round++) {
      for (int i = round; i < KEYS; i += 7) {
        db.put(key(i), b("round" + round + "-" + i));
      }
      for (int i = round; i < KEYS; i += 13) {
        db.delete(key(i));
      }
      db.flush();
    }
    for (int i = 0; i < KEYS; i += 11) {
      db.put(key(i), b("memtable-" + i));
    }
    db.delete(key(5));
    assertTrue(db.stats().levels().get(0).files() >= 3, "several L0 tables: " + db.stats().levels());
    assertTrue(db.stats().levels().stream().skip(1).anyMatch(l -> l.files() > 0), "a deeper level");
    return db;
  }

  private static String entry(DbIterator it) {
    return it.isValid() ? s(it.key()) + "=" + s(it.value()) : "-";
  }

  private static List<String> forward(DbIterator it) {
    List<String> out = new ArrayList<>();
    for (it.seekToFirst(); it.isValid(); it.next()) {
      out.add(entry(it));
    }
    return out;
  }

  private static List<String> backward(DbIterator it) {
    List<String> out = new ArrayList<>();
    for (it.seekToLast(); it.isValid(); it.prev()) {
      out.add(entry(it));
    }
    return out;
  }

  @Test
  void parallelSeekReadsWhatTheDefaultIteratorReads() {
    try (Db db = openLayered()) {
      for (ReadOptions options : List.of(PARALLEL, PARALLEL.withAutoRefreshMillis(1))) {
        try (DbIterator plain = db.newIterator(); DbIterator parallel = db.newIterator(options)) {
          List<String> all = forward(plain);
          assertTrue(all.size() > KEYS / 2);
          assertEquals(all, forward(parallel));
          assertEquals(backward(plain), backward(parallel));
          Random random = new Random(7);
          for (int op = 0; op < 500; op++) {
            byte[] target = key(random.nextInt(KEYS + 10));
            if (random.nextBoolean()) {
              plain.seek(target);
              parallel.seek(target);
            } else {
              plain.seekForPrev(target);
              parallel.seekForPrev(target);
            }
            for (int step = 0; step < 5 && plain.isValid(); step++) {
              assertEquals(entry(plain), entry(parallel), "op " + op + " step " + step);
              if (random.nextBoolean()) {
                plain.next();
                parallel.next();
              } else {
                plain.prev();
                parallel.prev();
              }
            }
            assertEquals(entry(plain), entry(parallel), "op " + op);
          }
        }
        try (DbIterator plain = db.scan(Bound.inclusive(key(100)), Bound.exclusive(key(300)));
            DbIterator parallel = db.scan(Bound.inclusive(key(100)), Bound.exclusive(key(300)), options)) {
          List<String> expected = new ArrayList<>();
          for (; plain.isValid(); plain.next()) {
            expected.add(entry(plain));
          }
          List<String> actual = new ArrayList<>();
          for (; parallel.isValid(); parallel.next()) {
            actual.add(entry(parallel));
          }
          assertEquals(expected, actual);
        }
      }
    }
  }

  private static List<Thread> seekThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("strata-parallel-seek-")).toList();
  }

  @Test
  void closingTheDbStopsTheSeekThreads() throws InterruptedException {
    Db db = openLayered();
    try (DbIterator it = db.newIterator(PARALLEL)) {
      for (int i = 0; i < 50; i++) {
        it.seek(key(i * 37));
        assertTrue(it.isValid());
      }
    }
    assertFalse(seekThreads().isEmpty(), "the pool started on first use");
    db.close();
    for (Thread t : seekThreads()) {
      t.join(5_000);
    }
    assertEquals(List.of(), seekThreads().stream().filter(Thread::isAlive).map(Thread::getName).toList());
  }
}
