package io.stratadb.cluster.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.cluster.nemesis.CounterChecker.Event;
import io.stratadb.cluster.nemesis.CounterChecker.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written counter histories that the checker must accept or reject. */
class CounterCheckerTest {

  private static Event incr(long value, long start, long end) {
    return new Event(Kind.INCR, 0, value, start, end);
  }

  private static Event unknown(long start) {
    return new Event(Kind.UNKNOWN_INCR, 0, 0, start, Long.MAX_VALUE);
  }

  private static Event read(long value, long start, long end) {
    return new Event(Kind.READ, 0, value, start, end);
  }

  @Test
  void acceptsConcurrentAndUnknownIncrs() {
    List<Event> history = List.of(incr(2, 0, 10), incr(1, 5, 12), unknown(11), read(2, 13, 14),
        read(3, 15, 16), incr(4, 20, 30), read(4, 31, 32), read(0, -10, -5));
    assertEquals(List.of(), CounterChecker.check(history));
  }

  @Test
  void rejectsALostUpdate() {
    assertEquals(1, CounterChecker.check(List.of(incr(1, 0, 10), incr(1, 5, 15))).size());
  }

  @Test
  void rejectsAStaleRead() {
    // INCR -> 2 ended before the read began, which saw 1.
    List<Event> history = List.of(incr(1, 0, 5), incr(2, 6, 10), read(1, 20, 25));
    assertEquals(1, CounterChecker.check(history).size());
    // And an INCR after a read must return more than the read saw.
    List<String> after = CounterChecker.check(List.of(unknown(0), read(1, 6, 7), incr(1, 8, 9)));
    assertEquals(1, after.size());
    assertTrue(after.get(0).contains("went back"), after.get(0));
  }

  @Test
  void rejectsAnIncrThatFailedButApplied() {
    // One INCR acknowledged, one failed (left out): a read sees 2.
    assertEquals(1, CounterChecker.check(List.of(incr(1, 0, 5), read(2, 10, 11))).size());
    // With the second of unknown outcome instead, 2 is possible.
    assertEquals(List.of(), CounterChecker.check(List.of(incr(1, 0, 5), unknown(6), read(2, 10, 11))));
  }

  @Test
  void keysAreCheckedSeparately() {
    List<Event> history = List.of(incr(1, 0, 5), new Event(Kind.INCR, 1, 1, 6, 7));
    assertEquals(List.of(), CounterChecker.check(history));
  }
}
