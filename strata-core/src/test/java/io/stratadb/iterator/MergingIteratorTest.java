package io.stratadb.iterator;

import static io.stratadb.iterator.ListIterator.delete;
import static io.stratadb.iterator.ListIterator.drain;
import static io.stratadb.iterator.ListIterator.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.key.InternalKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
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

  @Test
  void randomSourcesMatchAModel() {
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      int sourceCount = 1 + random.nextInt(6);
      List<ListIterator> sources = new ArrayList<>();
      // model: internal key -> value of the newest (lowest-index) source holding it
      TreeMap<byte[], String> model = new TreeMap<>(InternalKey::compare);
      List<List<ListIterator.Entry>> perSource = new ArrayList<>();
      for (int s = 0; s < sourceCount; s++) {
        List<ListIterator.Entry> entries = new ArrayList<>();
        TreeMap<byte[], Boolean> seen = new TreeMap<>(InternalKey::compare);
        for (int i = random.nextInt(30); i > 0; i--) {
          ListIterator.Entry e = random.nextBoolean()
              ? put("k" + random.nextInt(20), random.nextInt(5), "s" + s)
              : delete("k" + random.nextInt(20), random.nextInt(5));
          if (seen.put(e.key(), true) == null) {
            entries.add(e);
          }
        }
        perSource.add(entries);
        sources.add(new ListIterator(entries));
      }
      for (int s = sourceCount - 1; s >= 0; s--) {
        for (ListIterator.Entry e : perSource.get(s)) {
          model.put(e.key(), new String(e.value(), UTF_8));
        }
      }
      List<String> expected = new ArrayList<>();
      model.forEach((k, v) -> expected.add(InternalKey.toString(k) + "=" + v));
      MergingIterator it = new MergingIterator(sources);
      it.seekToFirst();
      assertEquals(expected, drain(it), "round " + round);
    }
  }
}
