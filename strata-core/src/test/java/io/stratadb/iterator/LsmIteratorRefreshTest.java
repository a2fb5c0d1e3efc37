package io.stratadb.iterator;

import static io.stratadb.iterator.ListIterator.delete;
import static io.stratadb.iterator.ListIterator.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Bound;
import io.stratadb.StrataIOException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Auto refresh of {@link LsmIterator} with a fake clock: sources re-opened from a changing
 * "database state", the old ones closed, and the view unchanged.
 */
class LsmIteratorRefreshTest {
  private static final long INTERVAL = 1_000;
  private static final long SEQUENCE = 10;

  /** What the "database" holds now; sources opened later see later states. */
  private List<ListIterator.Entry> state = new ArrayList<>(List.of(
      put("a", 2, "a2"), put("a", 1, "a1"),
      put("b", 3, "b3"),
      delete("c", 4), put("c", 1, "c1"),
      put("d", 5, "d5"),
      put("f", 6, "f6")));
  private final List<ListIterator> opened = new ArrayList<>();
  private long now;
  private final AtomicInteger closes = new AtomicInteger();
  private RuntimeException failNextOpen;

  private LsmIterator refreshing(Bound lower, Bound upper) {
    IteratorSources sources = () -> {
      if (failNextOpen != null) {
        RuntimeException e = failNextOpen;
        failNextOpen = null;
        throw e;
      }
      ListIterator it = new ListIterator(state);
      opened.add(it);
      return it;
    };
    return new LsmIterator(sources, INTERVAL, () -> now, SEQUENCE, lower, upper, closes::incrementAndGet, () -> { });
  }

  /**
   * The state after writes newer than the iterator (new keys, overwrites, tombstones) and a
   * compaction that dropped versions no reader at {@link #SEQUENCE} needs (a1, c1 under its
   * tombstone, which itself stays because c's tombstone is the newest version at the sequence).
   */
  private void writeAndCompact() {
    state = new ArrayList<>(List.of(
        put("a", 12, "a12"), put("a", 2, "a2"),
        delete("b", 13), put("b", 3, "b3"),
        put("bb", 11, "bb11"),
        delete("c", 4),
        put("d", 14, "d14"), put("d", 5, "d5"),
        put("e", 15, "e15"),
        put("f", 6, "f6")));
  }

  private static String entry(LsmIterator it) {
    return new String(it.key(), UTF_8) + "=" + new String(it.value(), UTF_8);
  }

  @Test
  void refreshesOnlyAfterTheIntervalAndKeepsThePointInTimeView() {
    LsmIterator it = refreshing(Bound.unbounded(), Bound.unbounded());
    it.seekToFirst();
    assertEquals("a=a2", entry(it));
    writeAndCompact();
    now += INTERVAL - 1;
    it.next();
    assertEquals(1, opened.size(), "the interval has not passed");
    assertEquals("b=b3", entry(it));
    now += 1;
    it.next();
    assertEquals(2, opened.size(), "refreshed on next once the interval passed");
    assertTrue(opened.get(0).isClosed(), "the old sources are released");
    assertFalse(opened.get(1).isClosed());
    assertEquals("d=d5", entry(it), "c is deleted at the sequence; bb and the newer d are invisible");
    now += INTERVAL;
    it.next();
    assertEquals("f=f6", entry(it), "e is newer than the sequence");
    assertEquals(3, opened.size());
    it.next();
    assertFalse(it.isValid());
    it.close();
    assertTrue(opened.get(2).isClosed(), "close releases the current sources");
    assertEquals(1, closes.get(), "the registration is released once");
    it.close();
    assertEquals(1, closes.get());
  }

  @Test
  void refreshWhileMovingBackwardAndAcrossDirectionSwitches() {
    LsmIterator it = refreshing(Bound.unbounded(), Bound.unbounded());
    it.seekToLast();
    assertEquals("f=f6", entry(it));
    writeAndCompact();
    now += INTERVAL;
    it.prev();
    assertEquals(2, opened.size());
    assertEquals("d=d5", entry(it));
    now += INTERVAL;
    it.next();
    assertEquals("f=f6", entry(it), "refresh then switch to forward");
    now += INTERVAL;
    it.prev();
    it.prev();
    assertEquals("b=b3", entry(it), "refresh then switch to backward, skipping the deleted c");
    now += INTERVAL;
    it.prev();
    assertEquals("a=a2", entry(it));
    now += INTERVAL;
    it.next();
    assertEquals("b=b3", entry(it));
    assertEquals(6, opened.size());
    for (int i = 0; i < 5; i++) {
      assertTrue(opened.get(i).isClosed(), "sources " + i + " released");
    }
  }

  @Test
  void refreshOnSeeksWithBounds() {
    LsmIterator it = refreshing(Bound.exclusive(b("a")), Bound.inclusive(b("d")));
    it.seekToFirst();
    assertEquals("b=b3", entry(it));
    writeAndCompact();
    now += INTERVAL;
    it.seekToLast();
    assertEquals(2, opened.size());
    assertEquals("d=d5", entry(it));
    now += INTERVAL;
    it.seekForPrev(b("c"));
    assertEquals("b=b3", entry(it));
    now += INTERVAL;
    it.seek(b("bb"));
    assertEquals("d=d5", entry(it));
    assertEquals(4, opened.size());
  }

  @Test
  void randomMovesWithRefreshesMatchTheView() {
    Random random = new Random(41);
    LsmIterator it = refreshing(Bound.unbounded(), Bound.unbounded());
    writeAndCompact();
    TreeMap<byte[], byte[]> view = new TreeMap<>(Arrays::compareUnsigned);
    view.put(b("a"), b("a2"));
    view.put(b("b"), b("b3"));
    view.put(b("d"), b("d5"));
    view.put(b("f"), b("f6"));
    // the clock jumps past the interval before about every third call
    ModelWalk walk = ModelWalk.of(view);
    InternalIterator ticking = new TickingIterator(new DbIteratorAdapter(it), () -> {
      if (random.nextInt(3) == 0) {
        now += INTERVAL;
      }
    });
    walk.walk(ticking, random, 2000, r -> new byte[] {(byte) ('a' + r.nextInt(7))});
    assertTrue(opened.size() > 100, "refreshed often: " + opened.size());
    assertEquals(opened.size() - 1, opened.stream().filter(ListIterator::isClosed).count(),
        "every source but the current one is released");
    it.close();
  }

  @Test
  void aFailedRefreshKeepsTheOldSourcesAndIsRetried() {
    LsmIterator it = refreshing(Bound.unbounded(), Bound.unbounded());
    it.seekToFirst();
    now += INTERVAL;
    failNextOpen = new StrataIOException("cannot open table", new IOException("disk"));
    assertThrows(StrataIOException.class, it::next);
    assertFalse(it.isValid(), "invalid after the error");
    assertFalse(opened.get(0).isClosed(), "the old sources stay in use");
    it.seekToFirst();
    assertEquals(2, opened.size(), "the next positioning call refreshes");
    assertTrue(opened.get(0).isClosed());
    assertEquals("a=a2", entry(it));
    it.close();
  }

  @Test
  void rejectsANonPositiveInterval() {
    IteratorSources sources = () -> new ListIterator(state);
    assertThrows(IllegalArgumentException.class, () -> new LsmIterator(sources, 0, () -> now, SEQUENCE,
        Bound.unbounded(), Bound.unbounded(), () -> { }, () -> { }));
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** Runs a tick before every call that moves the iterator. */
  private static final class TickingIterator extends ForwardingIterator {
    private final Runnable tick;

    TickingIterator(InternalIterator inner, Runnable tick) {
      super(inner);
      this.tick = tick;
    }

    @Override
    public void seekToFirst() {
      tick.run();
      super.seekToFirst();
    }

    @Override
    public void seek(byte[] target) {
      tick.run();
      super.seek(target);
    }

    @Override
    public void next() {
      tick.run();
      super.next();
    }

    @Override
    public void seekToLast() {
      tick.run();
      super.seekToLast();
    }

    @Override
    public void seekForPrev(byte[] target) {
      tick.run();
      super.seekForPrev(target);
    }

    @Override
    public void prev() {
      tick.run();
      super.prev();
    }
  }
}
