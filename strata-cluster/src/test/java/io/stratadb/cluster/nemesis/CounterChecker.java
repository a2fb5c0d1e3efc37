package io.stratadb.cluster.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a history of INCRs and reads on counters (keys only ever incremented by 1 from absent,
 * which reads as 0) against the necessary conditions for linearizability: acknowledged INCRs
 * return distinct values; an operation that began after another ended sees a value at least as
 * large (strictly larger for an INCR); and no read or INCR sees more than the number of INCRs
 * that began before it ended, counting those of unknown outcome (so a failed INCR that was
 * applied after all, or a lost one, shows). Violations are listed with their times. Runs in
 * O(n * INCRs) per key.
 *
 * <p>Thread safety: stateless.
 */
final class CounterChecker {
  private CounterChecker() {}

  /** What an event is. */
  enum Kind {
    /** An acknowledged INCR; {@code value} is what it returned. */
    INCR,
    /** An INCR that may or may not have applied; {@code value} is unused. */
    UNKNOWN_INCR,
    /** A completed read; {@code value} is what it saw (0 for absent). */
    READ
  }

  /**
   * One operation. A failed INCR (known not applied) is left out.
   *
   * @param kind what it is
   * @param key the counter
   * @param value what it returned or saw
   * @param start when it was invoked
   * @param end when it completed (ignored for an INCR of unknown outcome)
   */
  record Event(Kind kind, int key, long value, long start, long end) {}

  /** The violations in {@code history}, empty if none. */
  static List<String> check(List<Event> history) {
    Map<Integer, List<Event>> byKey = new LinkedHashMap<>();
    for (Event e : history) {
      byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
    }
    List<String> violations = new ArrayList<>();
    byKey.values().forEach(events -> checkKey(events, violations));
    return violations;
  }

  private static void checkKey(List<Event> events, List<String> violations) {
    List<Event> completed = new ArrayList<>(events);
    completed.removeIf(e -> e.kind() == Kind.UNKNOWN_INCR);
    // Distinct INCR results.
    Map<Long, Event> incrOf = new HashMap<>();
    for (Event e : completed) {
      if (e.kind() == Kind.INCR) {
        Event other = incrOf.putIfAbsent(e.value(), e);
        if (other != null) {
          violations.add("INCRs " + other + " and " + e + " returned the same value");
        }
      }
    }
    // Real-time order: x ended before y began => value(x) <= value(y), < if y is an INCR.
    List<Event> byEnd = new ArrayList<>(completed);
    byEnd.sort(Comparator.comparingLong(Event::end));
    List<Event> byStart = new ArrayList<>(completed);
    byStart.sort(Comparator.comparingLong(Event::start));
    int ended = 0;
    Event largest = null; // among operations ended so far, the one that saw the largest value
    for (Event y : byStart) {
      while (ended < byEnd.size() && byEnd.get(ended).end() < y.start()) {
        Event x = byEnd.get(ended++);
        if (largest == null || x.value() > largest.value()) {
          largest = x;
        }
      }
      if (largest != null && (largest.value() > y.value() || y.kind() == Kind.INCR && largest.value() == y.value())) {
        violations.add(largest + " then " + y + ": the counter went back");
      }
    }
    // Upper bound: no more INCRs applied than began before the operation ended.
    long[] incrStarts = events.stream().filter(e -> e.kind() != Kind.READ).mapToLong(Event::start).toArray();
    for (Event y : completed) {
      long began = Arrays.stream(incrStarts).filter(start -> start < y.end()).count();
      if (y.value() > began) {
        violations.add(y + " saw " + y.value() + " with only " + began + " INCRs begun (a failed one applied?)");
      }
    }
  }
}
