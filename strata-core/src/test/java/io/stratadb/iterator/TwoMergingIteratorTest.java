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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TwoMergingIteratorTest {

  @Test
  void interleavesBothSourcesInOrder() {
    TwoMergingIterator it = new TwoMergingIterator(
        ListIterator.of(put("a", 9, "a9"), put("c", 1, "c1"), delete("e", 4)),
        ListIterator.of(put("a", 3, "a3"), put("b", 2, "b2"), put("d", 5, "d5"), put("f", 1, "f1")));
    it.seekToFirst();
    assertEquals(List.of("a@9:PUT=a9", "a@3:PUT=a3", "b@2:PUT=b2", "c@1:PUT=c1", "d@5:PUT=d5",
        "e@4:DELETE=", "f@1:PUT=f1"), drain(it));
  }

  @Test
  void equalKeysNewerWinsAndOlderIsSkipped() {
    TwoMergingIterator it = new TwoMergingIterator(
        ListIterator.of(put("a", 1, "new-a"), put("b", 1, "new-b")),
        ListIterator.of(put("a", 1, "old-a"), put("b", 1, "old-b"), put("c", 1, "old-c")));
    it.seekToFirst();
    assertEquals(List.of("a@1:PUT=new-a", "b@1:PUT=new-b", "c@1:PUT=old-c"), drain(it));
  }

  @Test
  void eitherSideEmpty() {
    TwoMergingIterator olderOnly = new TwoMergingIterator(ListIterator.of(), ListIterator.of(put("a", 1, "a")));
    olderOnly.seekToFirst();
    assertEquals(List.of("a@1:PUT=a"), drain(olderOnly));
    TwoMergingIterator newerOnly = new TwoMergingIterator(ListIterator.of(put("a", 1, "a")), ListIterator.of());
    newerOnly.seekToFirst();
    assertEquals(List.of("a@1:PUT=a"), drain(newerOnly));
    TwoMergingIterator none = new TwoMergingIterator(ListIterator.of(), ListIterator.of());
    none.seekToFirst();
    assertFalse(none.isValid());
    assertThrows(IllegalStateException.class, none::next);
  }

  @Test
  void seekSkipsOlderDuplicateAtTheTarget() {
    TwoMergingIterator it = new TwoMergingIterator(
        ListIterator.of(put("k", 5, "new"), put("m", 1, "m")),
        ListIterator.of(put("k", 5, "old"), put("k", 4, "k4")));
    it.seek(InternalKey.forSeek("k".getBytes(UTF_8), 5));
    assertEquals(List.of("k@5:PUT=new", "k@4:PUT=k4", "m@1:PUT=m"), drain(it));
    it.seek(InternalKey.forSeek("l".getBytes(UTF_8), 5));
    assertEquals(List.of("m@1:PUT=m"), drain(it));
    it.seek(InternalKey.forSeek("z".getBytes(UTF_8), 5));
    assertFalse(it.isValid());
  }

  @Test
  void closeClosesBoth() {
    ListIterator newer = ListIterator.of();
    ListIterator older = ListIterator.of();
    new TwoMergingIterator(newer, older).close();
    assertTrue(newer.isClosed());
    assertTrue(older.isClosed());
  }

  // ---------------------------------------------------------------- reverse direction

  @Test
  void backwardScanIsTheForwardScanReversed() {
    TwoMergingIterator it = new TwoMergingIterator(
        ListIterator.of(put("a", 9, "a9"), put("c", 1, "c1"), delete("e", 4)),
        ListIterator.of(put("a", 3, "a3"), put("b", 2, "b2"), put("d", 5, "d5"), put("f", 1, "f1")));
    it.seekToFirst();
    List<String> forward = drain(it);
    it.seekToLast();
    List<String> backward = drainBackward(it);
    Collections.reverse(backward);
    assertEquals(forward, backward);
    assertThrows(IllegalStateException.class, it::prev);
  }

  @Test
  void equalKeysNewerWinsBackwardAndAcrossDirectionSwitches() {
    TwoMergingIterator it = new TwoMergingIterator(
        ListIterator.of(put("a", 1, "new-a"), put("b", 1, "new-b")),
        ListIterator.of(put("a", 1, "old-a"), put("b", 1, "old-b"), put("c", 1, "old-c")));
    it.seekToLast();
    assertEquals(List.of("c@1:PUT=old-c", "b@1:PUT=new-b", "a@1:PUT=new-a"), drainBackward(it));
    it.seek(InternalKey.forSeek("b".getBytes(UTF_8), 1));
    it.prev();
    assertEquals("a@1:PUT=new-a", entry(it));
    it.next();
    assertEquals("b@1:PUT=new-b", entry(it), "the older b is not returned after a switch");
    it.next();
    assertEquals("c@1:PUT=old-c", entry(it));
    it.prev();
    assertEquals("b@1:PUT=new-b", entry(it));
    it.seekForPrev(InternalKey.forSeek("a".getBytes(UTF_8), 0));
    assertEquals("a@1:PUT=new-a", entry(it));
    it.next();
    assertEquals("b@1:PUT=new-b", entry(it));
  }

  @Test
  void eitherSideEmptyInReverse() {
    TwoMergingIterator olderOnly = new TwoMergingIterator(ListIterator.of(), ListIterator.of(put("a", 1, "a")));
    olderOnly.seekToLast();
    assertEquals(List.of("a@1:PUT=a"), drainBackward(olderOnly));
    TwoMergingIterator newerOnly = new TwoMergingIterator(ListIterator.of(put("a", 1, "a")), ListIterator.of());
    newerOnly.seekForPrev(InternalKey.forSeek("z".getBytes(UTF_8), 1));
    assertEquals(List.of("a@1:PUT=a"), drainBackward(newerOnly));
    TwoMergingIterator none = new TwoMergingIterator(ListIterator.of(), ListIterator.of());
    none.seekToLast();
    assertFalse(none.isValid());
    assertThrows(IllegalStateException.class, none::prev);
  }

  @Test
  void randomMovesMatchAModel() {
    Random random = new Random(31);
    for (int round = 0; round < 80; round++) {
      List<List<ListIterator.Entry>> sides = new ArrayList<>();
      for (int s = 0; s < 2; s++) {
        List<ListIterator.Entry> entries = new ArrayList<>();
        TreeMap<byte[], Boolean> seen = new TreeMap<>(InternalKey::compare);
        for (int i = random.nextInt(25); i > 0; i--) {
          ListIterator.Entry e = random.nextBoolean()
              ? put("k" + random.nextInt(20), random.nextInt(5), s == 0 ? "newer" : "older")
              : delete("k" + random.nextInt(20), random.nextInt(5));
          if (seen.put(e.key(), true) == null) {
            entries.add(e);
          }
        }
        sides.add(entries);
      }
      TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey::compare);
      sides.get(1).forEach(e -> model.put(e.key(), e.value()));
      sides.get(0).forEach(e -> model.put(e.key(), e.value()));
      TwoMergingIterator it = new TwoMergingIterator(new ListIterator(sides.get(0)), new ListIterator(sides.get(1)));
      ModelWalk.of(model).walk(it, random, 400, ListIterator::randomTarget);
    }
  }

  private static String entry(InternalIterator it) {
    return InternalKey.toString(it.key()) + "=" + new String(it.value(), UTF_8);
  }
}
