package io.stratadb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.testing.RegisterChecker.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written histories with writes of unknown outcome, and keys that are not small integers. */
class RegisterCheckerTest {

  @Test
  void aWriteOfUnknownOutcomeMayTakeEffectLate() {
    // put 1 [0,10], put 2 unknown from 5, put 3 [20,30]; a read at [40,50] may see 2 (applied
    // after 3), never 1 (3 replaced it).
    List<Event> base = List.of(Event.write(7, 1L, 0, 10), Event.unknownWrite(7, 2L, 5),
        Event.write(7, 3L, 20, 30));
    assertEquals(List.of(), RegisterChecker.check(concat(base, Event.read(7, 2L, 40, 50))));
    assertEquals(1, RegisterChecker.check(concat(base, Event.read(7, 1L, 40, 50))).size());
  }

  @Test
  void aWriteOfUnknownOutcomeMayNeverTakeEffect() {
    // put 1 [0,10], put 2 unknown from 20: a read at [40,50] may still see 1.
    List<Event> history = List.of(Event.write(-3, 1L, 0, 10), Event.unknownWrite(-3, 2L, 20),
        Event.read(-3, 1L, 40, 50));
    assertEquals(List.of(), RegisterChecker.check(history));
  }

  @Test
  void aValueOfAFailedWriteLeftOutOfTheHistoryIsAViolation() {
    // put 1 [0,10]; put 2 failed (so not in the history); a read sees 2.
    List<Event> history = List.of(Event.write(1000, 1L, 0, 10), Event.read(1000, 2L, 40, 50));
    assertEquals(1, RegisterChecker.check(history).size());
  }

  @Test
  void absentNeedsADeleteThatWasNotReplaced() {
    List<Event> overwritten = List.of(Event.write(0, 1L, 0, 10), Event.read(0, null, 40, 50));
    assertEquals(1, RegisterChecker.check(overwritten).size());
    List<Event> unknownDelete = List.of(Event.write(0, 1L, 0, 10), Event.unknownWrite(0, null, 20),
        Event.read(0, null, 40, 50));
    assertEquals(List.of(), RegisterChecker.check(unknownDelete));
    List<Event> deleteThenPut = List.of(Event.write(0, null, 0, 10), Event.write(0, 1L, 20, 30),
        Event.read(0, null, 40, 50));
    assertEquals(1, RegisterChecker.check(deleteThenPut).size());
  }

  @Test
  void keysAreCheckedSeparately() {
    // The same value under two keys: the read of key 2 is not explained by key 1's write.
    List<Event> history = List.of(Event.write(1, 5L, 0, 10), Event.read(1, 5L, 20, 30),
        Event.read(2, 5L, 20, 30));
    List<String> violations = RegisterChecker.check(history);
    assertEquals(1, violations.size());
    assertTrue(violations.get(0).contains("key=2"), violations.get(0));
  }

  private static List<Event> concat(List<Event> history, Event e) {
    return java.util.stream.Stream.concat(history.stream(), java.util.stream.Stream.of(e)).toList();
  }
}
