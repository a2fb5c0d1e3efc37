package io.stratadb.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.MemtableRep;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link MemtableIndex} must do, through a {@link Memtable} built on it, against a
 * {@link TreeMap} ordered by {@link InternalKey#compare}, with keys chosen to stress the inline
 * 16-byte prefix: shared prefixes, keys that differ only past byte 16, keys that differ only by
 * trailing zero bytes, empty keys. {@link SkipListTest} and {@link BPlusTreeTest} run it.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
abstract class MemtableIndexTest {

  /** The representation under test. */
  abstract MemtableRep rep();

  /** An empty memtable on the representation under test, without a bloom filter. */
  Memtable newMemtable() {
    return new Memtable(1, 0, rep());
  }

  /** An empty index of the representation under test. */
  MemtableIndex newIndex() {
    return MemtableIndex.create(rep());
  }

  /** A key from a small alphabet with zeroes, so prefixes and zero padding collide often. */
  private static byte[] randomKey(Random rnd) {
    int length = switch (rnd.nextInt(4)) {
      case 0 -> rnd.nextInt(4);
      case 1 -> 14 + rnd.nextInt(5);
      default -> rnd.nextInt(24);
    };
    byte[] k = new byte[length];
    boolean shared = rnd.nextBoolean();
    for (int i = 0; i < length; i++) {
      k[i] = shared && i < 16 ? (byte) 'p' : (byte) new byte[] {0, 1, 'a', (byte) 0xff}[rnd.nextInt(4)];
    }
    return k;
  }

  /** Adds {@code entries} random puts and deletes to {@code m}; returns the model of its contents. */
  static TreeMap<byte[], byte[]> fill(Memtable m, Random rnd, int entries, int maxSequence) {
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey::compare);
    for (int i = 0; i < entries; i++) {
      byte[] key = randomKey(rnd);
      ValueType type = rnd.nextInt(4) == 0 ? ValueType.DELETE : ValueType.PUT;
      long sequence = 1 + rnd.nextInt(maxSequence);
      byte[] value = type == ValueType.PUT ? new byte[] {(byte) i, 7} : new byte[0];
      m.add(sequence, type, key, value);
      model.put(InternalKey.encode(key, sequence, type), value);
    }
    return model;
  }

  private static List<byte[]> modelKeys(TreeMap<byte[], byte[]> model) {
    return new ArrayList<>(model.keySet());
  }

  @Property(tries = 40)
  void iterationInBothDirectionsMatchesTheModel(@ForAll @IntRange(min = 0, max = 2_000) int entries,
      @ForAll long seed) {
    Random rnd = new Random(seed);
    Memtable m = newMemtable();
    TreeMap<byte[], byte[]> model = fill(m, rnd, entries, entries + 1);
    List<byte[]> keys = modelKeys(model);
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      for (byte[] k : keys) {
        assertTrue(it.isValid());
        assertArrayEquals(k, it.key());
        assertArrayEquals(model.get(k), it.value());
        it.next();
      }
      assertFalse(it.isValid());
      it.seekToLast();
      for (int i = keys.size() - 1; i >= 0; i--) {
        assertTrue(it.isValid());
        assertArrayEquals(keys.get(i), it.key());
        it.prev();
      }
      assertFalse(it.isValid());
    }
  }

  @Property(tries = 40)
  void seeksAndLookupsMatchTheModel(@ForAll @IntRange(min = 0, max = 500) int entries, @ForAll long seed) {
    Random rnd = new Random(seed);
    Memtable m = newMemtable();
    TreeMap<byte[], byte[]> model = fill(m, rnd, entries, 50);
    try (InternalIterator it = m.iterator()) {
      for (int probe = 0; probe < 300; probe++) {
        byte[] user = randomKey(rnd);
        long sequence = rnd.nextInt(60);
        byte[] target = InternalKey.encode(user, sequence, rnd.nextBoolean() ? ValueType.PUT : ValueType.DELETE);

        Map.Entry<byte[], byte[]> ceiling = model.ceilingEntry(target);
        it.seek(target);
        assertSameEntry(ceiling, it);
        if (ceiling != null && rnd.nextBoolean()) {
          it.prev();
          assertSameEntry(model.lowerEntry(ceiling.getKey()), it);
        }

        Map.Entry<byte[], byte[]> floor = model.floorEntry(target);
        it.seekForPrev(target);
        assertSameEntry(floor, it);
        if (floor != null && rnd.nextBoolean()) {
          it.next();
          assertSameEntry(model.higherEntry(floor.getKey()), it);
        }

        LookupResult r = m.get(user, sequence);
        Map.Entry<byte[], byte[]> newest = model.ceilingEntry(InternalKey.forSeek(user, sequence));
        if (newest == null || InternalKey.compareUserKey(newest.getKey(), user) != 0) {
          assertFalse(r.isDecided());
        } else {
          assertEquals(InternalKey.sequence(newest.getKey()), r.sequence());
          assertEquals(InternalKey.type(newest.getKey()) == ValueType.DELETE, r.isDeleted());
          if (!r.isDeleted()) {
            assertArrayEquals(newest.getValue(), r.value());
          }
        }
      }
    }
  }

  private static void assertSameEntry(Map.Entry<byte[], byte[]> expected, InternalIterator it) {
    if (expected == null) {
      assertFalse(it.isValid(), () -> "expected the end, found " + InternalKey.toString(it.key()));
      return;
    }
    assertTrue(it.isValid(), () -> "expected " + InternalKey.toString(expected.getKey()));
    assertArrayEquals(expected.getKey(), it.key());
    assertArrayEquals(expected.getValue(), it.value());
  }

  @Test
  void keysEqualUpToZeroPaddingStayDistinct() {
    Memtable m = newMemtable();
    m.add(1, ValueType.PUT, new byte[] {'a', 'b', 0}, new byte[] {3});
    m.add(2, ValueType.PUT, new byte[] {'a', 'b'}, new byte[] {2});
    m.add(3, ValueType.PUT, new byte[0], new byte[] {0});
    m.add(4, ValueType.PUT, new byte[] {0}, new byte[] {1});
    assertArrayEquals(new byte[] {2}, m.get(new byte[] {'a', 'b'}, 10).value());
    assertArrayEquals(new byte[] {3}, m.get(new byte[] {'a', 'b', 0}, 10).value());
    assertArrayEquals(new byte[] {0}, m.get(new byte[0], 10).value());
    assertArrayEquals(new byte[] {1}, m.get(new byte[] {0}, 10).value());
    assertFalse(m.get(new byte[] {'a', 'b', 0, 0}, 10).isDecided());
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      List<Integer> order = new ArrayList<>();
      for (; it.isValid(); it.next()) {
        order.add((int) it.value()[0]);
      }
      assertEquals(List.of(0, 1, 2, 3), order);
    }
  }

  @Test
  void keysDifferingOnlyPastTheInlinePrefixSortByTheirTail() {
    byte[] a = "0123456789abcdefA".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] b = "0123456789abcdefB".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] prefix = Arrays.copyOf(a, 16);
    Memtable m = newMemtable();
    m.add(1, ValueType.PUT, b, new byte[] {'b'});
    m.add(2, ValueType.PUT, a, new byte[] {'a'});
    m.add(3, ValueType.PUT, prefix, new byte[] {'p'});
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      assertArrayEquals(prefix, InternalKey.userKey(it.key()));
      it.next();
      assertArrayEquals(a, InternalKey.userKey(it.key()));
      it.next();
      assertArrayEquals(b, InternalKey.userKey(it.key()));
    }
    assertArrayEquals(new byte[] {'a'}, m.get(a, 5).value());
  }

  @Test
  void addingAnInternalKeyAgainReplacesItsValue() {
    Memtable m = newMemtable();
    m.add(5, ValueType.PUT, new byte[] {'k'}, new byte[] {1});
    long bytes = m.approximateBytes();
    m.add(5, ValueType.PUT, new byte[] {'k'}, new byte[] {2});
    assertArrayEquals(new byte[] {2}, m.get(new byte[] {'k'}, 5).value());
    assertEquals(1, m.entryCount());
    assertEquals(bytes + 1, m.approximateBytes(), "the replacing value is counted");
  }

  @Test
  void concurrentWritersAndReadersSeeAConsistentOrderedList() throws Exception {
    int writers = 4;
    int perWriter = 20_000;
    Memtable m = newMemtable();
    // Each key is written once, by one writer, with a unique sequence number.
    Map<Long, byte[]> written = new ConcurrentHashMap<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(new Thread(() -> {
        await(start);
        Random rnd = new Random(id);
        for (int i = 0; i < perWriter; i++) {
          long sequence = 1 + (long) i * writers + id;
          byte[] key = String.format("%016d", rnd.nextInt(1_000_000)).getBytes();
          m.add(sequence, ValueType.PUT, key, key);
          written.put(sequence, key);
          // A write is visible to lookups once add returns.
          LookupResult r = m.get(key, sequence);
          if (!r.isDecided() || r.sequence() < sequence) {
            failure.compareAndSet(null, new AssertionError("own write not visible: " + sequence));
          }
        }
      }));
    }
    for (int r = 0; r < 2; r++) {
      boolean forward = r == 0;
      threads.add(new Thread(() -> {
        await(start);
        try {
          for (int pass = 0; pass < 20; pass++) {
            checkOrdered(m, forward);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    runAll(threads, start, failure);
    assertEquals(writers * perWriter, written.size());
    assertEquals(writers * perWriter, m.entryCount());
    for (Map.Entry<Long, byte[]> e : written.entrySet()) {
      LookupResult r = m.get(e.getValue(), e.getKey());
      assertTrue(r.isDecided());
      assertArrayEquals(e.getValue(), r.value());
    }
    checkOrdered(m, true);
    checkOrdered(m, false);
  }

  /** Starts {@code threads}, releases {@code start}, waits for all; rethrows the first failure. */
  private static void runAll(List<Thread> threads, CountDownLatch start, AtomicReference<Throwable> failure)
      throws InterruptedException {
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  private static void checkOrdered(Memtable m, boolean forward) {
    try (InternalIterator it = m.iterator()) {
      byte[] last = null;
      if (forward) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (last != null && InternalKey.compare(last, it.key()) >= 0) {
            throw new AssertionError("out of order: " + InternalKey.toString(last) + " then "
                + InternalKey.toString(it.key()));
          }
          last = it.key();
        }
      } else {
        for (it.seekToLast(); it.isValid(); it.prev()) {
          if (last != null && InternalKey.compare(last, it.key()) <= 0) {
            throw new AssertionError("out of order backwards: " + InternalKey.toString(last));
          }
          last = it.key();
        }
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void anEmptyIndexHasNoEntries() {
    MemtableIndex index = newIndex();
    MemtableIndex.Cursor cursor = index.cursor();
    assertEquals(Entries.NIL, cursor.first());
    assertEquals(Entries.NIL, cursor.seekBefore(null, true));
    assertEquals(Entries.NIL, index.seek(new Probe(new byte[] {'a'}, 0, 1, 0)));
    assertEquals(0, index.memoryBytes());
  }

  @Test
  void entriesLargerThanAChunkAndManySmallOnesKeepTheirBytes() {
    Memtable m = newMemtable();
    byte[] big = new byte[Arena.MAX_CHUNK_BYTES + 10];
    Arrays.fill(big, (byte) 9);
    big[big.length - 1] = 1;
    m.add(1, ValueType.PUT, new byte[] {'b'}, big);
    Random rnd = new Random(3);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    // Enough small entries to fill several growing chunks.
    for (int i = 0; i < 20_000; i++) {
      byte[] key = String.format("a%08d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      byte[] value = new byte[rnd.nextInt(200)];
      rnd.nextBytes(value);
      m.add(2 + i, ValueType.PUT, key, value);
      model.put(key, value);
    }
    assertArrayEquals(big, m.get(new byte[] {'b'}, 1).value());
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      assertArrayEquals(e.getValue(), m.get(e.getKey(), Long.MAX_VALUE >>> 8).value());
    }
  }

  @Test
  void largeValuesBetweenSmallOnesKeepEveryValue() {
    Memtable m = newMemtable();
    Random rnd = new Random(11);
    TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 300; i++) {
      byte[] key = String.format("k%05d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      // Every tenth value is larger than a quarter chunk: it gets a chunk of its own.
      byte[] value = new byte[i % 10 == 5 ? Arena.MAX_CHUNK_BYTES / 4 + 1 + i : rnd.nextInt(300)];
      rnd.nextBytes(value);
      m.add(1 + i, ValueType.PUT, key, value);
      model.put(key, value);
    }
    for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
      assertArrayEquals(e.getValue(), m.get(e.getKey(), 1000).value());
    }
  }

  private static void insert(MemtableIndex index, byte[] userKey, long trailer, byte[] value) {
    index.insert(userKey, 0, userKey.length, trailer, value, 0, value.length);
  }

  @Test
  void zeroCopyAccessorsSeeTheSameBytesAsTheCopies() {
    MemtableIndex index = newIndex();
    Entries entries = index.entries();
    byte[] longKey = "0123456789abcdefXYZ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    insert(index, longKey, (7L << 8) | 1, new byte[] {1, 2, 3});
    insert(index, new byte[] {'k'}, (5L << 8) | 1, new byte[0]);
    insert(index, new byte[] {'k'}, (5L << 8) | 1, new byte[] {9, 9}); // replaced: held outside the arena
    MemtableIndex.Cursor cursor = index.cursor();
    int seen = 0;
    for (long e = cursor.first(); e != Entries.NIL; e = cursor.next()) {
      byte[] key = entries.internalKey(e);
      int off = entries.keyOffset(e);
      assertArrayEquals(key, Arrays.copyOfRange(entries.keyBytes(e), off, off + entries.internalKeyLength(e)));
      io.stratadb.util.Slice value = new io.stratadb.util.Slice();
      entries.viewValue(e, value);
      assertArrayEquals(entries.value(e), value.toArray());
      seen++;
    }
    assertEquals(2, seen);
    long k = index.seek(new Probe(new byte[] {'k'}, 0, 1, (5L << 8) | 1));
    io.stratadb.util.Slice replaced = new io.stratadb.util.Slice();
    entries.viewValue(k, replaced);
    assertArrayEquals(new byte[] {9, 9}, replaced.toArray());
  }

  @Test
  void concurrentAscendingRunsInterleaveCorrectly() throws Exception {
    // Each writer inserts an ascending run, so it links through its saved splice, while the other
    // writers keep linking keys inside that splice: the stale-successor path, many times over.
    int writers = 4;
    int perWriter = 30_000;
    Memtable m = newMemtable();
    CountDownLatch start = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int id = w;
      threads.add(new Thread(() -> {
        await(start);
        try {
          for (int i = 0; i < perWriter; i++) {
            int k = i * writers + id;
            byte[] key = String.format("%016d", k / 3).getBytes(); // runs of 3 share a user key
            m.add(1 + k, ValueType.PUT, key, new byte[] {(byte) id});
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    runAll(threads, start, failure);
    assertEquals(writers * perWriter, m.entryCount());
    checkOrdered(m, true);
    checkOrdered(m, false);
    for (int k = 0; k < writers * perWriter; k += 97) {
      LookupResult r = m.get(String.format("%016d", k / 3).getBytes(), 1 + k);
      assertEquals(1 + k, r.sequence());
      assertArrayEquals(new byte[] {(byte) (k % writers)}, r.value());
    }
  }

  @Test
  void descendingAndRepeatedKeysAfterAnAscendingRun() {
    // The splice saved by an ascending run must not mislead inserts below it or of equal keys.
    Memtable m = newMemtable();
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey::compare);
    long seq = 1;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 2000; i++) {
        int k = round == 1 ? 2000 - i : i;
        byte[] key = String.format("%05d", k).getBytes();
        byte[] value = {(byte) round};
        long s = round == 2 ? 1 + i : seq++; // round 2 re-inserts round 0's internal keys
        m.add(s, ValueType.PUT, key, value);
        model.put(InternalKey.encode(key, s, ValueType.PUT), value);
      }
    }
    try (InternalIterator it = m.iterator()) {
      it.seekToFirst();
      for (Map.Entry<byte[], byte[]> e : model.entrySet()) {
        assertTrue(it.isValid());
        assertArrayEquals(e.getKey(), it.key());
        assertArrayEquals(e.getValue(), it.value());
        it.next();
      }
      assertFalse(it.isValid());
    }
  }
}
