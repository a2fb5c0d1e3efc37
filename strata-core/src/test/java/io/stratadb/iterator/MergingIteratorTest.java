package io.stratadb.iterator;

import static io.stratadb.iterator.ListIterator.delete;
import static io.stratadb.iterator.ListIterator.drain;
import static io.stratadb.iterator.ListIterator.drainBackward;
import static io.stratadb.iterator.ListIterator.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.key.InternalKey;
import io.stratadb.util.Slice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MergingIteratorTest {

  private static byte[] seekKey(String user, long seq) {
    return InternalKey.forSeek(user.getBytes(UTF_8), seq);
  }

  @Test
  void overlappingSourcesMergeInInternalKeyOrder() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("b", 5, "b5"), put("d", 9, "d9"), put("f", 1, "f1")),
        ListIterator.of(put("a", 2, "a2"), put("b", 3, "b3"), put("e", 4, "e4")),
        ListIterator.of(delete("c", 7), put("d", 8, "d8"), put("g", 6, "g6"))));
    it.seekToFirst();
    assertEquals(List.of("a@2:PUT=a2", "b@5:PUT=b5", "b@3:PUT=b3", "c@7:DELETE=", "d@9:PUT=d9",
        "d@8:PUT=d8", "e@4:PUT=e4", "f@1:PUT=f1", "g@6:PUT=g6"), drain(it));
  }

  @Test
  void equalKeysNewestSourceWinsAndOlderAreSkipped() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("k", 5, "newest"), put("z", 1, "z-new")),
        ListIterator.of(put("k", 5, "middle"), put("m", 1, "m")),
        ListIterator.of(put("k", 5, "oldest"), put("z", 1, "z-old"))));
    it.seekToFirst();
    assertEquals(List.of("k@5:PUT=newest", "m@1:PUT=m", "z@1:PUT=z-new"), drain(it));
    it.seek(seekKey("z", 10));
    assertEquals(List.of("z@1:PUT=z-new"), drain(it));
  }

  @Test
  void olderSourceListedFirstInTheHeapStillLoses() {
    // the older source's entry is positioned first by seek, but ties go to the lower index
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("a", 1, "new")),
        ListIterator.of(put("a", 1, "old"), put("b", 1, "b"))));
    it.seek(seekKey("a", 5));
    assertEquals(List.of("a@1:PUT=new", "b@1:PUT=b"), drain(it));
  }

  @Test
  void emptySourcesAreIgnored() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(), ListIterator.of(put("a", 1, "a")), ListIterator.of()));
    it.seekToFirst();
    assertEquals(List.of("a@1:PUT=a"), drain(it));
  }

  @Test
  void allEmptyOrNoSources() {
    for (MergingIterator it : List.of(new MergingIterator(List.of()),
        new MergingIterator(List.of(ListIterator.of(), ListIterator.of())))) {
      assertFalse(it.isValid());
      it.seekToFirst();
      assertFalse(it.isValid());
      it.seek(seekKey("a", 1));
      assertFalse(it.isValid());
      assertThrows(IllegalStateException.class, it::next);
    }
  }

  @Test
  void seekPositionsEverySource() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("a", 1, "a"), put("c", 3, "c3"), put("e", 1, "e")),
        ListIterator.of(put("b", 1, "b"), put("c", 2, "c2"), put("d", 1, "d"))));
    it.seek(seekKey("c", 2));
    assertEquals(List.of("c@2:PUT=c2", "d@1:PUT=d", "e@1:PUT=e"), drain(it));
    it.seek(seekKey("bb", 100));
    assertEquals(List.of("c@3:PUT=c3", "c@2:PUT=c2", "d@1:PUT=d", "e@1:PUT=e"), drain(it));
    it.seek(seekKey("f", 100));
    assertFalse(it.isValid(), "past the end");
    it.seekToFirst();
    assertEquals(6, drain(it).size(), "repositioning after exhaustion works");
  }

  @Test
  void closeClosesEverySource() {
    ListIterator a = ListIterator.of(put("a", 1, "a"));
    ListIterator b = ListIterator.of();
    MergingIterator it = new MergingIterator(List.of(a, b));
    it.seekToFirst();
    it.close();
    assertTrue(a.isClosed());
    assertTrue(b.isClosed());
    assertFalse(it.isValid());
  }

  /**
   * {@code sourceCount} sources of up to {@code maxEntries - 1} random puts and deletes each (20
   * user keys, sequences 0-4, values naming their source), no internal key twice in one source.
   */
  private static List<List<ListIterator.Entry>> randomSources(Random random, int sourceCount, int maxEntries) {
    List<List<ListIterator.Entry>> perSource = new ArrayList<>();
    for (int s = 0; s < sourceCount; s++) {
      List<ListIterator.Entry> entries = new ArrayList<>();
      TreeMap<byte[], Boolean> seen = new TreeMap<>(InternalKey::compare);
      for (int i = random.nextInt(maxEntries); i > 0; i--) {
        ListIterator.Entry e = random.nextBoolean()
            ? put("k" + random.nextInt(20), random.nextInt(5), "s" + s)
            : delete("k" + random.nextInt(20), random.nextInt(5));
        if (seen.put(e.key(), true) == null) {
          entries.add(e);
        }
      }
      perSource.add(entries);
    }
    return perSource;
  }

  private static List<InternalIterator> listIterators(List<List<ListIterator.Entry>> perSource) {
    List<InternalIterator> sources = new ArrayList<>();
    perSource.forEach(entries -> sources.add(new ListIterator(entries)));
    return sources;
  }

  /** What merging {@code perSource} gives: the newest (lowest-index) source wins on equal internal keys. */
  private static TreeMap<byte[], byte[]> newestWins(List<List<ListIterator.Entry>> perSource) {
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey::compare);
    for (int s = perSource.size() - 1; s >= 0; s--) {
      for (ListIterator.Entry e : perSource.get(s)) {
        model.put(e.key(), e.value());
      }
    }
    return model;
  }

  @Test
  void randomSourcesMatchAModel() {
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      List<List<ListIterator.Entry>> perSource = randomSources(random, 1 + random.nextInt(6), 30);
      List<String> expected = new ArrayList<>();
      newestWins(perSource).forEach((k, v) -> expected.add(InternalKey.toString(k) + "=" + new String(v, UTF_8)));
      MergingIterator it = new MergingIterator(listIterators(perSource));
      it.seekToFirst();
      assertEquals(expected, drain(it), "round " + round);
    }
  }

  // ---------------------------------------------------------------- reverse direction

  private static MergingIterator threeOverlapping() {
    return new MergingIterator(List.of(
        ListIterator.of(put("b", 5, "b5"), put("d", 9, "d9"), put("f", 1, "f1")),
        ListIterator.of(put("a", 2, "a2"), put("b", 3, "b3"), put("e", 4, "e4")),
        ListIterator.of(delete("c", 7), put("d", 8, "d8"), put("g", 6, "g6"))));
  }

  @Test
  void backwardScanIsTheForwardScanReversed() {
    MergingIterator it = threeOverlapping();
    it.seekToFirst();
    List<String> forward = drain(it);
    it.seekToLast();
    List<String> backward = drainBackward(it);
    Collections.reverse(backward);
    assertEquals(forward, backward);
    assertEquals(9, forward.size());
    assertThrows(IllegalStateException.class, it::prev);
  }

  @Test
  void equalKeysNewestSourceWinsBackwardToo() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("k", 5, "newest"), put("z", 1, "z-new")),
        ListIterator.of(put("k", 5, "middle"), put("m", 1, "m")),
        ListIterator.of(put("k", 5, "oldest"), put("z", 1, "z-old"))));
    it.seekToLast();
    assertEquals(List.of("z@1:PUT=z-new", "m@1:PUT=m", "k@5:PUT=newest"), drainBackward(it));
    it.seekForPrev(seekKey("k", 0));
    assertEquals(List.of("k@5:PUT=newest"), drainBackward(it), "the older duplicates are skipped, not returned");
  }

  @Test
  void switchingDirectionOnADuplicatedKeyNeverReturnsTheOlderCopies() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("a", 1, "a"), put("k", 5, "newest"), put("z", 1, "z")),
        ListIterator.of(put("k", 5, "middle"), put("m", 1, "m")),
        ListIterator.of(put("c", 1, "c"), put("k", 5, "oldest"))));
    it.seek(seekKey("k", 5));
    assertEquals("k@5:PUT=newest", entry(it));
    it.prev();
    assertEquals("c@1:PUT=c", entry(it), "prev skips the older copies of k");
    it.next();
    assertEquals("k@5:PUT=newest", entry(it));
    it.next();
    assertEquals("m@1:PUT=m", entry(it), "next skips the older copies of k");
    it.prev();
    assertEquals("k@5:PUT=newest", entry(it));
    it.prev();
    it.prev();
    assertEquals("a@1:PUT=a", entry(it));
    it.prev();
    assertFalse(it.isValid());
    it.seekForPrev(seekKey("k", 0));
    assertEquals("k@5:PUT=newest", entry(it));
    it.next();
    assertEquals("m@1:PUT=m", entry(it), "after seekForPrev, next skips the older copies too");
  }

  @Test
  void switchingDirectionRepositionsExhaustedSources() {
    // source 1 is exhausted after a forward scan to the end; prev must bring it back
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(put("a", 1, "a"), put("z", 1, "z")),
        ListIterator.of(put("m", 1, "m"))));
    it.seek(seekKey("z", 1));
    it.prev();
    assertEquals("m@1:PUT=m", entry(it));
    it.seekToLast();
    it.prev();
    it.prev();
    assertEquals("a@1:PUT=a", entry(it));
    it.next();
    assertEquals("m@1:PUT=m", entry(it));
  }

  @Test
  void emptySourcesInReverse() {
    MergingIterator it = new MergingIterator(List.of(
        ListIterator.of(), ListIterator.of(put("a", 1, "a"), put("b", 1, "b")), ListIterator.of()));
    it.seekToLast();
    assertEquals(List.of("b@1:PUT=b", "a@1:PUT=a"), drainBackward(it));
    for (MergingIterator none : List.of(new MergingIterator(List.of()),
        new MergingIterator(List.of(ListIterator.of(), ListIterator.of())))) {
      none.seekToLast();
      assertFalse(none.isValid());
      none.seekForPrev(seekKey("a", 1));
      assertFalse(none.isValid());
      assertThrows(IllegalStateException.class, none::prev);
    }
  }

  @Test
  void randomMovesOverRandomSourcesMatchAModel() {
    Random random = new Random(23);
    for (int round = 0; round < 60; round++) {
      List<List<ListIterator.Entry>> perSource = randomSources(random, random.nextInt(6), 25);
      MergingIterator it = new MergingIterator(listIterators(perSource));
      TreeMap<byte[], byte[]> model = newestWins(perSource);
      ModelWalk.of(model).walk(it, random, 400, ListIterator::randomTarget);
    }
  }

  @Test
  void manySourcesSharingKeysWalkLikeTheModelThroughReusedSlices() {
    // Up to 40 sources drawn from 20 user keys x 3 sequences: most internal keys sit in several
    // sources at once, so the heap keeps meeting duplicates of its top. Each source views its
    // entries through one buffer it scribbles over on every move, as a block iterator does.
    Random random = new Random(31);
    for (int round = 0; round < 40; round++) {
      int sourceCount = 8 + random.nextInt(33);
      List<List<ListIterator.Entry>> perSource = new ArrayList<>();
      List<InternalIterator> sources = new ArrayList<>();
      for (int s = 0; s < sourceCount; s++) {
        TreeMap<byte[], ListIterator.Entry> entries = new TreeMap<>(InternalKey::compare);
        for (int i = random.nextInt(30); i > 0; i--) {
          ListIterator.Entry e = random.nextInt(4) > 0
              ? put("k" + random.nextInt(20), random.nextInt(3), "s" + s)
              : delete("k" + random.nextInt(20), random.nextInt(3));
          entries.putIfAbsent(e.key(), e);
        }
        perSource.add(new ArrayList<>(entries.values()));
        sources.add(new ScribblingIterator(new ListIterator(perSource.get(s))));
      }
      TreeMap<byte[], byte[]> model = newestWins(perSource);
      try (MergingIterator it = new MergingIterator(sources)) {
        ModelWalk walk = ModelWalk.of(model);
        walk.checkForwardScan(it);
        walk.checkBackwardScan(it);
        walk.walk(it, random, 600, ListIterator::randomTarget);
      }
    }
  }

  @Test
  void releaseRunsOnceAfterEverySourceIsClosed() {
    ListIterator a = ListIterator.of(put("a", 1, "a"));
    ListIterator b = ListIterator.of(put("b", 1, "b"));
    AtomicInteger releases = new AtomicInteger();
    MergingIterator it = new MergingIterator(List.of(a, b), () -> {
      assertTrue(a.isClosed() && b.isClosed(), "sources closed before the release");
      releases.incrementAndGet();
    });
    it.seekToFirst();
    it.close();
    it.close();
    assertEquals(1, releases.get());
    assertFalse(it.isValid());
  }

  @Test
  void accessorsOfAnInvalidMergeThrow() {
    MergingIterator it = new MergingIterator(List.of(ListIterator.of(put("a", 1, "a"))));
    it.seekToFirst();
    it.next();
    assertFalse(it.isValid());
    assertThrows(IllegalStateException.class, it::key);
    assertThrows(IllegalStateException.class, it::value);
    assertThrows(IllegalStateException.class, it::keySlice);
    assertThrows(IllegalStateException.class, it::valueSlice);
  }

  /**
   * TEST ONLY: hands out the entries of another iterator through one key and one value buffer it
   * reuses, filling them with garbage on every move, so a reader that keeps a slice past a move
   * reads garbage.
   */
  private static final class ScribblingIterator implements InternalIterator {
    private final InternalIterator inner;
    private final byte[] keyBuffer = new byte[64];
    private final byte[] valueBuffer = new byte[64];
    private final Slice keySlice = new Slice();
    private final Slice valueSlice = new Slice();

    ScribblingIterator(InternalIterator inner) {
      this.inner = inner;
    }

    private void moved() {
      Arrays.fill(keyBuffer, (byte) 0x7f);
      Arrays.fill(valueBuffer, (byte) 0x7f);
      keySlice.set(keyBuffer, 0, 0);
      valueSlice.set(valueBuffer, 0, 0);
      if (inner.isValid()) {
        byte[] key = inner.key();
        byte[] value = inner.value();
        System.arraycopy(key, 0, keyBuffer, 3, key.length);
        System.arraycopy(value, 0, valueBuffer, 5, value.length);
        keySlice.set(keyBuffer, 3, key.length);
        valueSlice.set(valueBuffer, 5, value.length);
      }
    }

    @Override
    public boolean isValid() {
      return inner.isValid();
    }

    @Override
    public void seekToFirst() {
      inner.seekToFirst();
      moved();
    }

    @Override
    public void seek(byte[] target) {
      inner.seek(target);
      moved();
    }

    @Override
    public void next() {
      inner.next();
      moved();
    }

    @Override
    public void seekToLast() {
      inner.seekToLast();
      moved();
    }

    @Override
    public void seekForPrev(byte[] target) {
      inner.seekForPrev(target);
      moved();
    }

    @Override
    public void prev() {
      inner.prev();
      moved();
    }

    @Override
    public byte[] key() {
      return inner.key();
    }

    @Override
    public byte[] value() {
      return inner.value();
    }

    @Override
    public Slice keySlice() {
      return keySlice;
    }

    @Override
    public Slice valueSlice() {
      return valueSlice;
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static String entry(InternalIterator it) {
    return InternalKey.toString(it.key()) + "=" + new String(it.value(), UTF_8);
  }
}
