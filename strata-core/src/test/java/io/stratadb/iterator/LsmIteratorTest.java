package io.stratadb.iterator;

import static io.stratadb.iterator.ListIterator.delete;
import static io.stratadb.iterator.ListIterator.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Bound;
import io.stratadb.DbClosedException;
import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LsmIteratorTest {

  /** a: two versions; b: deleted at 5 over a put at 4; c: one put; d: only a tombstone; e: only newer than 6. */
  private static ListIterator entries() {
    return ListIterator.of(
        put("a", 3, "a3"), put("a", 2, "a2"),
        delete("b", 5), put("b", 4, "b4"),
        put("c", 1, "c1"),
        delete("d", 6),
        put("e", 9, "e9"));
  }

  private final AtomicInteger closes = new AtomicInteger();

  private LsmIterator lsm(ListIterator inner, long sequence, Bound lower, Bound upper) {
    return new LsmIterator(inner, sequence, lower, upper, closes::incrementAndGet, () -> { });
  }

  private LsmIterator lsm(long sequence) {
    return lsm(entries(), sequence, Bound.unbounded(), Bound.unbounded());
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** "key=value" for each entry from the current position on. */
  private static List<String> rest(LsmIterator it) {
    return walk(it, it::next);
  }

  /** "key=value" for each entry from the current position on, moving with {@code move}. */
  private static List<String> walk(LsmIterator it, Runnable move) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); move.run()) {
      out.add(new String(it.key(), UTF_8) + "=" + new String(it.value(), UTF_8));
    }
    return out;
  }

  private static List<String> all(LsmIterator it) {
    it.seekToFirst();
    return rest(it);
  }

  @Test
  void showsOnlyTheNewestLiveVersionOfEachKey() {
    assertEquals(List.of("a=a3", "c=c1", "e=e9"), all(lsm(100)));
  }

  @Test
  void respectsTheSnapshotSequence() {
    assertEquals(List.of("a=a3", "c=c1"), all(lsm(8)), "e@9 is newer than the snapshot");
    assertEquals(List.of("a=a3", "b=b4", "c=c1"), all(lsm(4)),
        "the tombstone of b at 5 is newer than the snapshot");
    assertEquals(List.of("a=a2", "c=c1"), all(lsm(2)));
    assertEquals(List.of("c=c1"), all(lsm(1)));
    assertEquals(List.of(), all(lsm(0)));
  }

  @Test
  void inclusiveAndExclusiveBounds() {
    ListIterator many = ListIterator.of(put("a", 1, "a"), put("b", 1, "b"), put("c", 1, "c"), put("d", 1, "d"),
        put("e", 1, "e"));
    assertEquals(List.of("b=b", "c=c", "d=d"),
        all(lsm(many, 10, Bound.inclusive(b("b")), Bound.inclusive(b("d")))));
    many = ListIterator.of(put("a", 1, "a"), put("b", 1, "b"), put("c", 1, "c"), put("d", 1, "d"), put("e", 1, "e"));
    assertEquals(List.of("c=c"), all(lsm(many, 10, Bound.exclusive(b("b")), Bound.exclusive(b("d")))));
    many = ListIterator.of(put("a", 1, "a"), put("b", 1, "b"), put("c", 1, "c"));
    assertEquals(List.of("a=a", "b=b"), all(lsm(many, 10, Bound.unbounded(), Bound.exclusive(b("c")))));
    many = ListIterator.of(put("a", 1, "a"), put("b", 1, "b"), put("c", 1, "c"));
    assertEquals(List.of("b=b", "c=c"), all(lsm(many, 10, Bound.exclusive(b("a")), Bound.unbounded())));
    many = ListIterator.of(put("a", 1, "a"), put("b", 1, "b"));
    assertEquals(List.of("a=a", "b=b"),
        all(lsm(many, 10, Bound.inclusive(b("0")), Bound.inclusive(b("z")))), "bounds between keys");
    many = ListIterator.of(put("a", 1, "a"), put("b", 1, "b"));
    assertEquals(List.of(), all(lsm(many, 10, Bound.exclusive(b("a")), Bound.exclusive(b("b")))), "empty range");
  }

  @Test
  void boundsOnKeysWithOlderVersions() {
    // the lower bound's key has several versions: none may leak through an exclusive bound
    ListIterator inner = ListIterator.of(put("b", 3, "b3"), put("b", 2, "b2"), put("b", 1, "b1"), put("c", 1, "c"));
    assertEquals(List.of("c=c"), all(lsm(inner, 10, Bound.exclusive(b("b")), Bound.unbounded())));
    inner = ListIterator.of(put("b", 3, "b3"), put("b", 2, "b2"), put("c", 1, "c"));
    assertEquals(List.of("b=b2", "c=c"), all(lsm(inner, 2, Bound.inclusive(b("b")), Bound.unbounded())));
  }

  @Test
  void seekIsClampedToTheLowerBound() {
    ListIterator inner = ListIterator.of(put("a", 1, "a"), put("c", 1, "c"), put("e", 1, "e"));
    LsmIterator it = lsm(inner, 10, Bound.inclusive(b("b")), Bound.inclusive(b("d")));
    it.seek(b("a"));
    assertArrayEquals(InternalKey.forSeek(b("b"), 10), inner.lastSeekTarget, "the inner seek starts at the bound");
    assertEquals(List.of("c=c"), rest(it));
    it.seek(b("bb"));
    assertArrayEquals(InternalKey.forSeek(b("bb"), 10), inner.lastSeekTarget, "a target inside the range is kept");
    it.seek(new byte[0]);
    assertArrayEquals(b("c"), it.key());
    it.seek(b("c"));
    assertArrayEquals(b("c"), it.key());
    it.seek(b("cc"));
    assertFalse(it.isValid(), "e is beyond the upper bound");
    it.seek(b("z"));
    assertFalse(it.isValid());
  }

  @Test
  void seekFindsTheFirstLiveKeyAtOrAfterTheTarget() {
    LsmIterator it = lsm(100);
    it.seek(b("b"));
    assertEquals(List.of("c=c1", "e=e9"), rest(it), "b is deleted");
    it.seek(b("a"));
    assertArrayEquals(b("a3"), it.value());
    it.seek(b("d"));
    assertArrayEquals(b("e"), it.key());
    assertThrows(IllegalArgumentException.class, () -> it.seek(null));
  }

  @Test
  void emptyValueIsReturned() {
    LsmIterator it = lsm(ListIterator.of(put("k", 1, "")), 1, Bound.unbounded(), Bound.unbounded());
    it.seekToFirst();
    assertTrue(it.isValid());
    assertArrayEquals(new byte[0], it.value());
  }

  @Test
  void returnedArraysAreCopies() {
    LsmIterator it = lsm(100);
    it.seekToFirst();
    it.key()[0] = 'z';
    it.value()[0] = 'z';
    assertArrayEquals(b("a"), it.key());
    assertArrayEquals(b("a3"), it.value());
  }

  @Test
  void everyCallHandsOutAFreshCopyInBothDirectionsWhateverTheLengths() {
    // The current key and the backward value live in reused buffers: a long entry then a short
    // one must not leak the long one's tail, and a copy the caller changes must not change them.
    LsmIterator it = lsm(ListIterator.of(put("k", 2, "v"), put("long-key-one", 1, "a long value of the key"),
        put("zz", 3, "")), 10, Bound.unbounded(), Bound.unbounded());
    it.seekToLast();
    assertArrayEquals(b("zz"), it.key());
    assertArrayEquals(new byte[0], it.value());
    it.prev();
    byte[] key = it.key();
    byte[] value = it.value();
    key[0] = '!';
    value[0] = '!';
    assertArrayEquals(b("long-key-one"), it.key());
    assertArrayEquals(b("a long value of the key"), it.value());
    assertNotSame(it.key(), it.key());
    it.prev();
    assertArrayEquals(b("k"), it.key());
    assertArrayEquals(b("v"), it.value());
    it.next();
    assertArrayEquals(b("long-key-one"), it.key(), "forward again");
    value = it.value();
    value[1] = '!';
    assertArrayEquals(b("a long value of the key"), it.value());
    assertNotSame(it.value(), it.value());
    it.next();
    assertArrayEquals(b("zz"), it.key());
    assertArrayEquals(new byte[0], it.value());
    it.next();
    assertFalse(it.isValid());
  }

  @Test
  void accessorsOnAnInvalidIteratorThrow() {
    LsmIterator it = lsm(100);
    assertFalse(it.isValid(), "unpositioned");
    assertThrows(IllegalStateException.class, it::key);
    assertThrows(IllegalStateException.class, it::value);
    assertThrows(IllegalStateException.class, it::next);
    it.seek(b("z"));
    assertFalse(it.isValid());
    assertThrows(IllegalStateException.class, it::key);
    assertThrows(IllegalStateException.class, it::value);
    assertThrows(IllegalStateException.class, it::next);
  }

  @Test
  void everyUseAfterCloseThrowsAndCloseIsIdempotent() {
    ListIterator inner = entries();
    LsmIterator it = lsm(inner, 100, Bound.unbounded(), Bound.unbounded());
    it.seekToFirst();
    it.close();
    assertTrue(inner.isClosed());
    assertEquals(1, closes.get());
    assertThrows(IllegalStateException.class, it::isValid);
    assertThrows(IllegalStateException.class, it::seekToFirst);
    assertThrows(IllegalStateException.class, () -> it.seek(b("a")));
    assertThrows(IllegalStateException.class, it::key);
    assertThrows(IllegalStateException.class, it::value);
    assertThrows(IllegalStateException.class, it::next);
    it.close();
    assertEquals(1, closes.get(), "onClose runs once");
  }

  @Test
  void closedDatabaseIsReportedByEveryCall() {
    AtomicBoolean dbOpen = new AtomicBoolean(true);
    LsmIterator it = new LsmIterator(entries(), 100, Bound.unbounded(), Bound.unbounded(), () -> { }, () -> {
      if (!dbOpen.get()) {
        throw new DbClosedException("/db");
      }
    });
    it.seekToFirst();
    dbOpen.set(false);
    assertThrows(DbClosedException.class, it::isValid);
    assertThrows(DbClosedException.class, it::key);
    assertThrows(DbClosedException.class, it::next);
    assertThrows(DbClosedException.class, it::seekToFirst);
    it.close();
  }

  @Test
  void randomEntriesBoundsAndSnapshotsMatchAModel() {
    Random random = new Random(5);
    for (int round = 0; round < 300; round++) {
      List<ListIterator.Entry> entries = new ArrayList<>();
      java.util.Set<String> used = new java.util.HashSet<>(); // one entry per (key, sequence), as in a DB
      for (int i = random.nextInt(40); i > 0; i--) {
        String k = String.valueOf((char) ('a' + random.nextInt(8)));
        long seq = 1 + random.nextInt(20);
        if (used.add(k + "@" + seq)) {
          entries.add(random.nextInt(3) == 0 ? delete(k, seq) : put(k, seq, k + seq));
        }
      }
      long snapshot = random.nextInt(22);
      Bound lower = randomBound(random);
      Bound upper = randomBound(random);
      // model: the newest version at or below the snapshot of each user key, if live and in range
      TreeMap<String, String> newest = new TreeMap<>();
      TreeMap<String, Long> newestSeq = new TreeMap<>();
      for (ListIterator.Entry e : entries) {
        String user = new String(InternalKey.userKey(e.key()), UTF_8);
        long seq = InternalKey.sequence(e.key());
        if (seq <= snapshot && seq > newestSeq.getOrDefault(user, -1L)) {
          newestSeq.put(user, seq);
          newest.put(user, InternalKey.type(e.key()) == ValueType.PUT ? new String(e.value(), UTF_8) : null);
        }
      }
      List<String> expected = new ArrayList<>();
      newest.forEach((k, v) -> {
        if (v != null && lower.admitsAsLower(b(k)) && upper.admitsAsUpper(b(k))) {
          expected.add(k + "=" + v);
        }
      });
      LsmIterator it = lsm(new ListIterator(entries), snapshot, lower, upper);
      assertEquals(expected, all(it), "round " + round + " snapshot " + snapshot + " " + lower + " " + upper);
      String target = String.valueOf((char) ('a' + random.nextInt(9)));
      it.seek(b(target));
      List<String> fromTarget = new ArrayList<>();
      for (String s : expected) {
        if (s.substring(0, 1).compareTo(target) >= 0) {
          fromTarget.add(s);
        }
      }
      assertEquals(fromTarget, rest(it), "seek " + target + " round " + round);
      it.close();
    }
  }

  private static Bound randomBound(Random random) {
    byte[] key = {(byte) ('a' + random.nextInt(8))};
    switch (random.nextInt(3)) {
      case 0:
        return Bound.unbounded();
      case 1:
        return Bound.inclusive(key);
      default:
        return Bound.exclusive(key);
    }
  }

  @Test
  void seekToFirstWithALowerBoundSeeksInsteadOfScanningFromTheStart() {
    ListIterator inner = ListIterator.of(put("a", 1, "a"), put("m", 1, "m"));
    LsmIterator it = lsm(inner, 10, Bound.inclusive(b("k")), Bound.unbounded());
    it.seekToFirst();
    assertEquals(1, inner.seeks);
    assertArrayEquals(b("m"), it.key());
  }

  // ---------------------------------------------------------------- reverse direction

  /** "key=value" for each entry from the current position backward. */
  private static List<String> restBackward(LsmIterator it) {
    return walk(it, it::prev);
  }

  private static List<String> allBackward(LsmIterator it) {
    it.seekToLast();
    return restBackward(it);
  }

  @Test
  void backwardShowsOnlyTheNewestLiveVersionOfEachKey() {
    assertEquals(List.of("e=e9", "c=c1", "a=a3"), allBackward(lsm(100)));
    assertEquals(List.of("c=c1", "a=a3"), allBackward(lsm(8)), "e@9 is newer than the snapshot");
    assertEquals(List.of("c=c1", "b=b4", "a=a3"), allBackward(lsm(4)), "the tombstone of b is newer");
    assertEquals(List.of("c=c1", "a=a2"), allBackward(lsm(2)), "a@3 is newer: the older a2 is the value");
    assertEquals(List.of(), allBackward(lsm(0)));
  }

  @Test
  void backwardWithInclusiveExclusiveAndOpenBounds() {
    String[] keys = {"a", "b", "c", "d", "e"};
    Bound[] lowers = {Bound.unbounded(), Bound.inclusive(b("b")), Bound.exclusive(b("b")), Bound.inclusive(b("0"))};
    Bound[] uppers = {Bound.unbounded(), Bound.inclusive(b("d")), Bound.exclusive(b("d")), Bound.exclusive(b("z"))};
    for (Bound lower : lowers) {
      for (Bound upper : uppers) {
        List<ListIterator.Entry> entries = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String k : keys) {
          // several versions per key, so versions of a bound key must not leak in either direction
          entries.add(put(k, 3, k + "3"));
          entries.add(put(k, 2, k + "2"));
          entries.add(put(k, 1, k + "1"));
          if (lower.admitsAsLower(b(k)) && upper.admitsAsUpper(b(k))) {
            expected.add(k + "=" + k + "3");
          }
        }
        LsmIterator it = lsm(new ListIterator(entries), 10, lower, upper);
        List<String> backward = allBackward(it);
        Collections.reverse(backward);
        assertEquals(expected, backward, lower + " " + upper);
        assertEquals(expected, all(it), lower + " " + upper);
      }
    }
  }

  @Test
  void seekForPrevFindsTheLastLiveKeyAtOrBeforeTheTarget() {
    LsmIterator it = lsm(100);
    it.seekForPrev(b("b"));
    assertEquals(List.of("a=a3"), restBackward(it), "b is deleted");
    it.seekForPrev(b("c"));
    assertArrayEquals(b("c1"), it.value());
    it.seekForPrev(b("d"));
    assertArrayEquals(b("c"), it.key(), "d holds only a tombstone");
    it.seekForPrev(b("zz"));
    assertArrayEquals(b("e"), it.key());
    it.seekForPrev(b("0"));
    assertFalse(it.isValid());
    it.seekForPrev(new byte[0]);
    assertFalse(it.isValid());
    assertThrows(IllegalArgumentException.class, () -> it.seekForPrev(null));
  }

  @Test
  void seekForPrevIsClampedToTheUpperBound() {
    ListIterator inner = ListIterator.of(put("a", 1, "a"), put("c", 2, "c2"), put("c", 1, "c1"), put("e", 1, "e"));
    LsmIterator it = lsm(inner, 10, Bound.inclusive(b("b")), Bound.exclusive(b("e")));
    it.seekForPrev(b("z"));
    assertArrayEquals(b("c2"), it.value(), "clamped below the exclusive upper bound");
    it.seekForPrev(b("e"));
    assertArrayEquals(b("c"), it.key());
    it.seekForPrev(b("c"));
    assertArrayEquals(b("c2"), it.value());
    it.seekForPrev(b("bb"));
    assertFalse(it.isValid(), "b..bb holds no key");
    it.seekForPrev(b("a"));
    assertFalse(it.isValid(), "a is below the lower bound");
    LsmIterator inclusive = lsm(ListIterator.of(put("a", 1, "a"), put("c", 2, "c2"), put("c", 1, "c1"),
        put("e", 1, "e")), 10, Bound.unbounded(), Bound.inclusive(b("c")));
    inclusive.seekForPrev(b("d"));
    assertArrayEquals(b("c2"), inclusive.value(), "the inclusive bound key itself, newest version");
    inclusive.seekToLast();
    assertArrayEquals(b("c2"), inclusive.value());
  }

  @Test
  void switchingDirectionAtEveryPositionGivesTheNeighbours() {
    for (long sequence : new long[] {0, 2, 4, 8, 100}) {
      List<String> expected = all(lsm(sequence));
      LsmIterator it = lsm(sequence);
      for (int i = 0; i < expected.size(); i++) {
        it.seek(b(expected.get(i).substring(0, 1)));
        it.next();
        if (i + 1 < expected.size()) {
          assertEquals(expected.get(i + 1), entry(it));
          it.prev();
          assertEquals(expected.get(i), entry(it), "next then prev at " + i + ", sequence " + sequence);
        } else {
          assertFalse(it.isValid());
        }
        it.seekForPrev(b(expected.get(i).substring(0, 1)));
        it.prev();
        if (i > 0) {
          assertEquals(expected.get(i - 1), entry(it));
          it.next();
          assertEquals(expected.get(i), entry(it), "prev then next at " + i + ", sequence " + sequence);
        } else {
          assertFalse(it.isValid());
        }
      }
    }
  }

  @Test
  void prevOnAnInvalidOrClosedIteratorThrows() {
    LsmIterator it = lsm(100);
    assertThrows(IllegalStateException.class, it::prev, "unpositioned");
    it.seekToFirst();
    it.prev();
    assertFalse(it.isValid(), "before the first key");
    assertThrows(IllegalStateException.class, it::prev);
    assertThrows(IllegalStateException.class, it::next);
    it.seekToLast();
    it.next();
    assertThrows(IllegalStateException.class, it::prev, "after the last key");
    it.close();
    assertThrows(IllegalStateException.class, it::prev);
    assertThrows(IllegalStateException.class, it::seekToLast);
    assertThrows(IllegalStateException.class, () -> it.seekForPrev(b("a")));
  }

  @Test
  void randomMovesWithBoundsAndSnapshotsMatchAModel() {
    Random random = new Random(9);
    for (int round = 0; round < 300; round++) {
      List<ListIterator.Entry> entries = new ArrayList<>();
      java.util.Set<String> used = new java.util.HashSet<>();
      for (int i = random.nextInt(40); i > 0; i--) {
        String k = String.valueOf((char) ('a' + random.nextInt(8)));
        long seq = 1 + random.nextInt(20);
        if (used.add(k + "@" + seq)) {
          entries.add(random.nextInt(3) == 0 ? delete(k, seq) : put(k, seq, k + seq));
        }
      }
      long snapshot = random.nextInt(22);
      Bound lower = randomBound(random);
      Bound upper = randomBound(random);
      TreeMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
      TreeMap<String, Long> newestSeq = new TreeMap<>();
      for (ListIterator.Entry e : entries) {
        byte[] user = InternalKey.userKey(e.key());
        long seq = InternalKey.sequence(e.key());
        String k = new String(user, UTF_8);
        if (seq <= snapshot && seq > newestSeq.getOrDefault(k, -1L)) {
          newestSeq.put(k, seq);
          if (InternalKey.type(e.key()) == ValueType.PUT && lower.admitsAsLower(user) && upper.admitsAsUpper(user)) {
            model.put(user, e.value());
          } else {
            model.remove(user);
          }
        }
      }
      try (LsmIterator it = lsm(new ListIterator(entries), snapshot, lower, upper)) {
        ModelWalk walk = ModelWalk.of(model);
        walk.checkBackwardScan(new DbIteratorAdapter(it));
        walk.walk(new DbIteratorAdapter(it), random, 200,
            r -> r.nextInt(10) == 0 ? new byte[0] : new byte[] {(byte) ('a' + r.nextInt(9))});
      }
    }
  }

  private static String entry(LsmIterator it) {
    return new String(it.key(), UTF_8) + "=" + new String(it.value(), UTF_8);
  }
}
