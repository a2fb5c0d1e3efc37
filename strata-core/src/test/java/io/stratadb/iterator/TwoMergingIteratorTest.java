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
import java.util.List;
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
}
