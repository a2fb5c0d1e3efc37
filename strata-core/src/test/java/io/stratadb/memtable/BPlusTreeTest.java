package io.stratadb.memtable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.MemtableRep;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The memtable index contract on the B+tree, and what is its own: trees several levels deep
 * (32 keys per node: 40,000 entries make three levels), leaf boundaries under seeks and steps,
 * append splits, and readers that validate against a writer splitting nodes under them.
 */
class BPlusTreeTest extends MemtableIndexTest {
  @Override
  MemtableRep rep() {
    return MemtableRep.BPLUS_TREE;
  }

  private static final byte[] VALUE = {7};

  private static byte[] key(int i) {
    return String.format("%010d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** A probe for user key {@code i} at sequence {@code sequence}, as a PUT. */
  private static Probe probe(int i, long sequence) {
    byte[] k = key(i);
    return new Probe(k, 0, k.length, (sequence << 8) | ValueType.PUT.code());
  }

  private static void put(BPlusTree tree, int i) {
    byte[] k = key(i);
    tree.insert(k, 0, k.length, (1L << 8) | ValueType.PUT.code(), VALUE, 0, 1);
  }

  /** The user key of entry {@code e}, parsed back to its number; -1 for none. */
  private static int number(BPlusTree tree, long e) {
    if (e == Entries.NIL) {
      return -1;
    }
    return Integer.parseInt(new String(InternalKey.userKey(tree.entries().internalKey(e)), StandardCharsets.US_ASCII));
  }

  @Test
  void seeksAndStepsAcrossLeafBoundariesMatchASortedModel() {
    BPlusTree tree = new BPlusTree();
    Random rnd = new Random(5);
    // Even numbers only, in random order, so odd probes fall between keys.
    int n = 40_000;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(2 * i);
    }
    java.util.Collections.shuffle(order, rnd);
    order.forEach(i -> put(tree, i));
    MemtableIndex.Cursor c = tree.cursor();
    for (int t = 0; t < 5_000; t++) {
      int target = rnd.nextInt(2 * n + 2) - 1;
      // Sequence 2 sorts before the stored sequence 1: an exact key is at or after the probe.
      int atOrAfter = target < 0 ? 0 : (target + 1) / 2 * 2;
      assertEquals(atOrAfter < 2 * n ? atOrAfter : -1, number(tree, c.seek(probe(target, 2))), "seek " + target);
      for (int step = 1; step <= 3 && atOrAfter + 2 * step < 2 * n; step++) {
        assertEquals(atOrAfter + 2 * step, number(tree, c.next()));
      }
      int before = target % 2 == 0 ? target - 2 : target - 1;
      assertEquals(before >= 0 ? Math.min(before, 2 * n - 2) : -1,
          number(tree, c.seekBefore(probe(target, 2), false)), "before " + target);
      int atOrBefore = target % 2 == 0 ? target : target - 1;
      long e = c.seekBefore(probe(target, 0), true);
      assertEquals(atOrBefore >= 0 ? Math.min(atOrBefore, 2 * n - 2) : -1, number(tree, e), "at or before " + target);
      for (int step = 1; step <= 3 && e != Entries.NIL && number(tree, e) - 2 * step >= 0; step++) {
        assertEquals(Math.min(atOrBefore, 2 * n - 2) - 2 * step, number(tree, c.previous()));
      }
    }
    assertEquals(0, number(tree, c.first()));
    assertEquals(2 * n - 2, number(tree, c.seekBefore(null, true)));
    assertEquals(Entries.NIL, c.next());
  }

  @Test
  void ascendingKeysLeaveFullLeavesBehind() {
    int n = 50_000;
    BPlusTree ascending = new BPlusTree();
    BPlusTree shuffled = new BPlusTree();
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      put(ascending, i);
      order.add(i);
    }
    java.util.Collections.shuffle(order, new Random(1));
    order.forEach(i -> put(shuffled, i));
    long entryBytes = n * (3 * 8 + 10 + 8 + 1L);
    long ascendingIndex = ascending.memoryBytes() - entryBytes;
    long shuffledIndex = shuffled.memoryBytes() - entryBytes;
    // Full leaves: 24 bytes of keys per entry plus the node headers, about 25; half-full ones twice that.
    assertTrue(ascendingIndex < n * 27L, "ascending index bytes per entry: " + (double) ascendingIndex / n);
    assertTrue(shuffledIndex > ascendingIndex * 5 / 4, "shuffled " + shuffledIndex + " vs " + ascendingIndex);
    MemtableIndex.Cursor c = ascending.cursor();
    int expected = 0;
    for (long e = c.first(); e != Entries.NIL; e = c.next()) {
      assertEquals(expected++, number(ascending, e));
    }
    assertEquals(n, expected);
  }

  @Test
  void readersFindEveryEntryInsertedBeforeTheyLookWhileNodesSplit() throws Exception {
    int n = 120_000;
    BPlusTree tree = new BPlusTree();
    int[] order = new Random(9).ints(0, Integer.MAX_VALUE).distinct().limit(n).toArray();
    AtomicInteger inserted = new AtomicInteger();
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      for (int i = 0; i < n; i++) {
        put(tree, order[i]);
        inserted.set(i + 1);
      }
      done.set(true);
    });
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      int id = r;
      readers.add(new Thread(() -> {
        Random rnd = new Random(id);
        MemtableIndex.Cursor c = tree.cursor();
        try {
          while (!done.get()) {
            int visible = inserted.get();
            if (visible == 0) {
              continue;
            }
            int i = order[rnd.nextInt(visible)];
            long e = id == 0 ? c.seek(probe(i, 1)) : c.seekBefore(probe(i, 1), true);
            if (number(tree, e) != i) {
              throw new AssertionError("key " + i + " inserted before the seek, found " + number(tree, e));
            }
            // A few steps each way cross leaves that the writer may be splitting.
            int last = i;
            for (int s = 0; s < 40; s++) {
              int k = number(tree, id == 0 ? c.next() : c.previous());
              if (k < 0) {
                break;
              }
              if (id == 0 ? k <= last : k >= last) {
                throw new AssertionError("out of order: " + last + " then " + k);
              }
              last = k;
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }));
    }
    readers.forEach(Thread::start);
    writer.start();
    writer.join();
    for (Thread t : readers) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    MemtableIndex.Cursor c = tree.cursor();
    int at = 0;
    for (long e = c.first(); e != Entries.NIL; e = c.next()) {
      assertEquals(sorted[at++], number(tree, e));
    }
    assertEquals(n, at);
    assertArrayEquals(VALUE, tree.entries().value(tree.seek(probe(sorted[n / 2], 1))));
  }

  /** An arena that allows {@link #allowance} more index-node allocations, then fails them. */
  private static final class FailingArena extends Arena {
    volatile int allowance = Integer.MAX_VALUE;

    @Override
    synchronized long allocateWords(int longs) {
      if (allowance <= 0) {
        throw new OutOfMemoryError("test: no memory for a node");
      }
      allowance--;
      return super.allocateWords(longs);
    }
  }

  @Test
  void aSplitWhoseAllocationFailsLeavesNoNodeLockedAndLosesNothing() {
    checkAllocationFailures(false);
  }

  @Test
  void anAppendSplitWhoseAllocationFailsLeavesNoNodeLockedAndLosesNothing() {
    checkAllocationFailures(true);
  }

  /**
   * Inserts keys (ascending, for append splits, or random) while node allocations run out at
   * every step of a split: none allowed (the leaf's fails), one (the leaf's succeeds, an inner
   * node's fails), two or three (spare inner nodes are left for a later split); then checks that
   * every stored key is there, in order, and no node was left locked.
   */
  private static void checkAllocationFailures(boolean ascending) {
    FailingArena arena = new FailingArena();
    BPlusTree tree = new BPlusTree(arena);
    List<Integer> stored = new ArrayList<>();
    Random rnd = new Random(3);
    int[] allowances = {1, 0, Integer.MAX_VALUE, 2, 3};
    int failures = 0;
    // Enough keys for inner nodes to split too (three levels).
    for (int i = 0; i < 60_000; i++) {
      int k = ascending ? i : rnd.nextInt(1_000_000_000);
      arena.allowance = allowances[i % allowances.length];
      try {
        put(tree, k);
        stored.add(k);
      } catch (OutOfMemoryError expected) {
        failures++;
      }
    }
    arena.allowance = Integer.MAX_VALUE;
    assertTrue(failures > 100, "splits that failed: " + failures);
    int[] sorted = stored.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
    // Readers would spin for good on a node left locked: the timeout turns that into a failure.
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30), () -> {
      MemtableIndex.Cursor c = tree.cursor();
      int at = 0;
      for (long e = c.first(); e != Entries.NIL; e = c.next()) {
        assertEquals(sorted[at++], number(tree, e));
      }
      assertEquals(sorted.length, at);
      for (int k : sorted) {
        assertEquals(k, number(tree, tree.seek(probe(k, 1))), "seek " + k);
      }
    });
  }
}
