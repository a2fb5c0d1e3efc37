package io.stratadb.iterator;

import static io.stratadb.iterator.ListIterator.drain;
import static io.stratadb.iterator.ListIterator.drainBackward;
import static io.stratadb.iterator.ListIterator.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.key.InternalKey;
import io.stratadb.key.SortedKeys;
import io.stratadb.key.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LevelIteratorTest {
  /** Three tables: [b, d], [f, h], [m, p]; gaps before b, between d and f, h and m, after p. */
  private final List<List<ListIterator.Entry>> tables = List.of(
      List.of(put("b", 1, "b"), put("c", 1, "c"), put("d", 2, "d2"), put("d", 1, "d1")),
      List.of(put("f", 1, "f"), put("g", 1, "g"), put("h", 1, "h")),
      List.of(put("m", 1, "m"), put("p", 1, "p")));
  private final List<ListIterator> opened = new ArrayList<>();
  private LevelIterator it;

  @BeforeEach
  void setUp() {
    List<byte[]> largest = new ArrayList<>();
    for (List<ListIterator.Entry> t : tables) {
      largest.add(new ListIterator(t).lastKey());
    }
    it = new LevelIterator(SortedKeys.of(largest.toArray(new byte[0][])), i -> {
      ListIterator table = new ListIterator(tables.get(i));
      opened.add(table);
      return table;
    });
  }

  private static byte[] seekKey(String user) {
    return InternalKey.forSeek(user.getBytes(UTF_8), 100);
  }

  @Test
  void scansEveryTableInOrder() {
    assertFalse(it.isValid());
    it.seekToFirst();
    assertEquals(List.of("b@1:PUT=b", "c@1:PUT=c", "d@2:PUT=d2", "d@1:PUT=d1", "f@1:PUT=f", "g@1:PUT=g",
        "h@1:PUT=h", "m@1:PUT=m", "p@1:PUT=p"), drain(it));
    assertThrows(IllegalStateException.class, it::next);
  }

  @Test
  void opensTablesLazilyAndClosesTheOneItLeaves() {
    it.seek(seekKey("g"));
    assertEquals(1, opened.size(), "only the table holding the target");
    it.next();
    it.next();
    assertTrue(it.isValid());
    assertEquals(2, opened.size());
    assertTrue(opened.get(0).isClosed(), "the exhausted table is closed");
    it.close();
    assertTrue(opened.get(1).isClosed());
  }

  @Test
  void seekIntoGapsLandsOnTheNextTable() {
    it.seek(seekKey("a"));
    assertEquals("b@1:PUT=b", drain(it).get(0));
    it.seek(seekKey("e"));
    assertEquals(List.of("f@1:PUT=f", "g@1:PUT=g", "h@1:PUT=h", "m@1:PUT=m", "p@1:PUT=p"), drain(it));
    it.seek(seekKey("i"));
    assertEquals(List.of("m@1:PUT=m", "p@1:PUT=p"), drain(it));
  }

  @Test
  void seekToAnOlderVersionOfATablesLastKeyMovesOn() {
    // d@1 is the last key of table 0; seeking d at sequence 0 sorts after it
    it.seek(InternalKey.forSeek("d".getBytes(UTF_8), 0));
    assertEquals("f@1:PUT=f", drain(it).get(0));
    it.seek(InternalKey.forSeek("d".getBytes(UTF_8), 1));
    assertEquals("d@1:PUT=d1", drain(it).get(0));
  }

  @Test
  void seekPastTheEndIsInvalid() {
    it.seek(seekKey("q"));
    assertFalse(it.isValid());
    it.seek(seekKey("p"));
    assertTrue(it.isValid());
    it.next();
    assertFalse(it.isValid());
  }

  @Test
  void emptyLevel() {
    LevelIterator empty = new LevelIterator(SortedKeys.of(new byte[0][]), i -> {
      throw new AssertionError("no table to open");
    });
    empty.seekToFirst();
    assertFalse(empty.isValid());
    empty.seek(seekKey("a"));
    assertFalse(empty.isValid());
    empty.close();
  }

  @Test
  void repositioningAfterCloseReopens() {
    it.seekToFirst();
    it.close();
    it.seek(seekKey("c"));
    assertEquals("c@1:PUT=c", drain(it).get(0));
  }

  // ---------------------------------------------------------------- reverse direction

  @Test
  void backwardScanVisitsEveryTableInReverse() {
    it.seekToLast();
    assertEquals(List.of("p@1:PUT=p", "m@1:PUT=m", "h@1:PUT=h", "g@1:PUT=g", "f@1:PUT=f", "d@1:PUT=d1",
        "d@2:PUT=d2", "c@1:PUT=c", "b@1:PUT=b"), drainBackward(it));
    assertThrows(IllegalStateException.class, it::prev);
  }

  @Test
  void seekForPrevIntoGapsLandsOnThePreviousTable() {
    it.seekForPrev(seekKey("e"));
    assertEquals(List.of("d@1:PUT=d1", "d@2:PUT=d2", "c@1:PUT=c", "b@1:PUT=b"), drainBackward(it));
    // f@100 sorts before f@1, the first key of table 1: the answer is table 0's last key
    it.seekForPrev(seekKey("f"));
    assertEquals("d@1:PUT=d1", drainBackward(it).get(0));
    it.seekForPrev(InternalKey.forSeek("f".getBytes(UTF_8), 0));
    assertEquals("f@1:PUT=f", drainBackward(it).get(0));
    it.seekForPrev(seekKey("k"));
    assertEquals("h@1:PUT=h", drainBackward(it).get(0));
    it.seekForPrev(seekKey("z"));
    assertEquals("p@1:PUT=p", drainBackward(it).get(0), "past the last table: the last key");
    it.seekForPrev(seekKey("a"));
    assertFalse(it.isValid(), "before the first table");
  }

  @Test
  void opensTablesLazilyBackwardAndClosesTheOneItLeaves() {
    it.seekForPrev(seekKey("g")); // g@100 sorts before g@1: lands on f
    assertEquals(1, opened.size(), "only the table holding the target");
    assertEquals("f@1", InternalKey.toString(it.key()).split(":")[0]);
    it.prev(); // d@1 in table 0
    assertEquals("d@1", InternalKey.toString(it.key()).split(":")[0]);
    assertEquals(2, opened.size());
    assertTrue(opened.get(0).isClosed(), "the table left behind is closed");
    it.next(); // back to f in table 1, opened again
    assertEquals("f@1", InternalKey.toString(it.key()).split(":")[0]);
    assertEquals(3, opened.size());
    assertTrue(opened.get(1).isClosed());
  }

  @Test
  void directionSwitchesAcrossTableBoundaries() {
    it.seek(seekKey("m"));
    it.prev();
    assertEquals("h@1:PUT=h", drainOne());
    it.next();
    assertEquals("m@1:PUT=m", drainOne());
    it.seekForPrev(seekKey("e"));
    it.next();
    assertEquals("f@1:PUT=f", drainOne());
    it.prev();
    it.prev();
    assertEquals("d@2:PUT=d2", drainOne());
  }

  private String drainOne() {
    return InternalKey.toString(it.key()) + "=" + new String(it.value(), UTF_8);
  }

  @Test
  void randomMovesMatchTheConcatenatedTables() {
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey::compare);
    for (List<ListIterator.Entry> t : tables) {
      t.forEach(e -> model.put(e.key(), e.value()));
    }
    ModelWalk.of(model).walk(it, new Random(3), 3000, r -> InternalKey.encode(
        new byte[] {(byte) ('a' + r.nextInt(17))}, r.nextInt(4), ValueType.PUT));
  }

  @Test
  void emptyLevelInReverse() {
    LevelIterator empty = new LevelIterator(SortedKeys.of(new byte[0][]), i -> {
      throw new AssertionError("no table to open");
    });
    empty.seekToLast();
    assertFalse(empty.isValid());
    empty.seekForPrev(seekKey("a"));
    assertFalse(empty.isValid());
    assertThrows(IllegalStateException.class, empty::prev);
  }
}
