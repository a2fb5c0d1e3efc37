package io.stratadb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.util.Hash64;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class MemtableBloomTest {

  private static long hashOf(String key) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return Hash64.hash(k, 0, k.length);
  }

  @Test
  void everyAddedKeyIsFoundAndFewAbsentKeysPass() {
    int keys = 50_000;
    MemtableBloom bloom = new MemtableBloom(keys * 20L / 8); // 20 bits per key
    for (int i = 0; i < keys; i++) {
      bloom.add(hashOf("key" + i));
    }
    for (int i = 0; i < keys; i++) {
      assertTrue(bloom.mayContain(hashOf("key" + i)), "added key " + i);
    }
    int falsePositives = 0;
    int probes = 100_000;
    for (int i = 0; i < probes; i++) {
      if (bloom.mayContain(hashOf("absent" + i))) {
        falsePositives++;
      }
    }
    // Blocked filters cost some accuracy; at 20 bits per key it stays well under 1%.
    assertTrue(falsePositives < probes / 100, "false positives: " + falsePositives);
  }

  @Test
  void anEmptyFilterRejectsEverythingAndOneBlockStillWorks() {
    MemtableBloom bloom = new MemtableBloom(1);
    assertEquals(64, bloom.sizeBytes());
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1000; i++) {
      assertFalse(bloom.mayContain(random.nextLong()));
    }
    long h = random.nextLong();
    bloom.add(h);
    assertTrue(bloom.mayContain(h));
  }

  @Test
  void concurrentAddsLoseNoBits() throws InterruptedException {
    MemtableBloom bloom = new MemtableBloom(4096); // small: writers share blocks and words
    int threads = 4;
    int perThread = 20_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      workers.add(new Thread(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < perThread; i++) {
          bloom.add(random.nextLong());
        }
      }));
    }
    workers.forEach(Thread::start);
    for (Thread w : workers) {
      w.join();
    }
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(t);
      for (int i = 0; i < perThread; i++) {
        long h = random.nextLong();
        assertTrue(bloom.mayContain(h), "thread " + t + " key " + i);
      }
    }
  }

  @Test
  void sizeOutOfRangeIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> new MemtableBloom(0));
    assertThrows(IllegalArgumentException.class, () -> new MemtableBloom((1L << 30) + 1));
  }
}
