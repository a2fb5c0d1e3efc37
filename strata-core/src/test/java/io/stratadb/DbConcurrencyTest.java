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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers and readers at once, with memtable rotation, flushes and compactions running
 * underneath: readers never see part of a write batch, and never see time go backwards.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbConcurrencyTest {
  private static final int WRITERS = 3;
  private static final int READERS = 3;
  private static final int BATCHES = 400;
  private static final int KEYS_PER_BATCH = 10;

  @TempDir Path dir;

  private static byte[] key(int writer, int slot) {
    return b(String.format("w%d-%02d", writer, slot));
  }

  @Test
  void readersNeverSeeAPartialBatchOrGoBackInTime() throws Exception {
    Options options = Options.builder().writeBufferSize(64 << 10).blockSize(512)
        .compactionStrategy(TestKeys.leveled(2)).targetFileSize(64 << 10).build();
    byte[] padding = new byte[200];
    AtomicBoolean writersDone = new AtomicBoolean();
    AtomicLong snapshotsChecked = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
    try (Db db = Db.open(dir, options)) {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          for (int i = 1; i <= BATCHES; i++) {
            WriteBatch batch = new WriteBatch();
            for (int slot = 0; slot < KEYS_PER_BATCH; slot++) {
              byte[] value = new byte[padding.length + 8];
              byte[] counter = b(String.format("%08d", i));
              System.arraycopy(counter, 0, value, 0, 8);
              batch.put(key(writer, slot), value);
            }
            if (i % 50 == 0) {
              batch.delete(key(writer, 99)); // a tombstone in the mix
            }
            db.write(batch);
          }
          return null;
        }));
      }
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        readers.add(pool.submit(() -> {
          Map<Integer, Integer> lastSeen = new HashMap<>();
          do {
            Map<Integer, Integer> seen = new HashMap<>();
            try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
              for (; it.isValid(); it.next()) {
                String k = s(it.key());
                int writer = k.charAt(1) - '0';
                int counter = Integer.parseInt(s(it.value()).substring(0, 8));
                Integer previous = seen.putIfAbsent(writer, counter);
                if (previous != null && previous != counter) {
                  throw new AssertionError("partial batch of writer " + writer + ": " + previous + " vs " + counter);
                }
              }
            }
            for (Map.Entry<Integer, Integer> e : seen.entrySet()) {
              Integer before = lastSeen.get(e.getKey());
              if (before != null && e.getValue() < before) {
                throw new AssertionError("went back in time: " + before + " then " + e.getValue());
              }
              lastSeen.put(e.getKey(), e.getValue());
            }
            byte[] single = db.get(key(0, 0));
            if (single != null) {
              int counter = Integer.parseInt(s(single).substring(0, 8));
              assertTrue(counter >= lastSeen.getOrDefault(0, 0), "get older than an earlier scan");
            }
            snapshotsChecked.incrementAndGet();
          } while (!writersDone.get());
          return null;
        }));
      }
      for (Future<?> f : writers) {
        f.get(120, TimeUnit.SECONDS);
      }
      writersDone.set(true);
      for (Future<?> f : readers) {
        f.get(120, TimeUnit.SECONDS);
      }
      for (int w = 0; w < WRITERS; w++) {
        for (int slot = 0; slot < KEYS_PER_BATCH; slot++) {
          assertEquals(String.format("%08d", BATCHES), s(db.get(key(w, slot))).substring(0, 8));
        }
      }
      assertTrue(db.stats().flushCount() > 0, "the test must exercise flushes");
      assertTrue(snapshotsChecked.get() > READERS, "readers must have run");
    } finally {
      pool.shutdownNow();
    }
  }
}
