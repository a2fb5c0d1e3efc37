package io.stratadb.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a recorded history of writes and reads on a few keys for linearizability per key (each
 * key is a register; every write writes a unique value, a delete writes "absent"). The checks are
 * the necessary conditions for a linearizable register with unique values: a read never returns a
 * value before its write began, never one that a later write had already replaced before the read
 * began, and two reads in real-time order never see two writes in the opposite order; a read of
 * "absent" needs a delete (or the initial state) that was not replaced before the read began.
 * Violations are listed with their times. Runs in O(n log n) per key.
 *
 * <p>Times are any monotonic clock (e.g. {@link System#nanoTime()}), the same for the whole history.
 * A write whose outcome is unknown (a timeout, a lost connection: it may or may not have taken
 * effect, now or later) is recorded with {@code end} {@link #UNKNOWN_END}: it may explain a read
 * but never replaces another write. A write known to have failed is left out of the history, so a
 * read that sees its value is reported as a violation. Reads that did not complete are left out.
 *
 * <p>Thread safety: stateless; {@link #check} may be called from any thread on a history no one
 * modifies meanwhile.
 */
public final class RegisterChecker {
  /** The {@code end} of a write whose outcome is unknown: it never completed. */
  public static final long UNKNOWN_END = Long.MAX_VALUE;

  private RegisterChecker() {}

  /**
   * One operation of a history.
   *
   * @param write a write ({@code value} null for a delete) or a read ({@code value} what it saw,
   *     null for absent)
   * @param key the register
   * @param value the unique value written, or the value read
   * @param start when the operation was invoked
   * @param end when it completed, {@code >= start}; {@link #UNKNOWN_END} for a write of unknown
   *     outcome
   */
  public record Event(boolean write, int key, Long value, long start, long end) {
    /** A completed write of {@code value} (null: a delete). */
    public static Event write(int key, Long value, long start, long end) {
      return new Event(true, key, value, start, end);
    }

    /** A write of {@code value} (null: a delete) that may or may not have taken effect. */
    public static Event unknownWrite(int key, Long value, long start) {
      return new Event(true, key, value, start, UNKNOWN_END);
    }

    /** A completed read that saw {@code value} (null: absent). */
    public static Event read(int key, Long value, long start, long end) {
      return new Event(false, key, value, start, end);
    }
  }

  /**
   * The violations of {@code history}, in key order of first appearance; empty if none.
   *
   * @throws NullPointerException if {@code history} or an event is null
   */
  public static List<String> check(List<Event> history) {
    Map<Integer, List<Event>> byKey = new LinkedHashMap<>();
    for (Event e : history) {
      byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
    }
    List<String> violations = new ArrayList<>();
    for (List<Event> events : byKey.values()) {
      checkKey(events, violations);
    }
    return violations;
  }

  private static void checkKey(List<Event> events, List<String> violations) {
    List<Event> writes = new ArrayList<>();
    List<Event> reads = new ArrayList<>();
    Map<Long, Event> writeOf = new HashMap<>();
    for (Event e : events) {
      (e.write() ? writes : reads).add(e);
      if (e.write() && e.value() != null) {
        writeOf.put(e.value(), e);
      }
    }
    Replacements replaced = new Replacements(writes);
    for (Event r : reads) {
      if (r.value() != null) {
        Event w = writeOf.get(r.value());
        if (w == null || w.start() > r.end()) {
          violations.add("read " + r + " saw a value never or not yet written: " + w);
        } else if (replaced.latestStartOfWritesEndedBefore(r.start()) > w.end()) {
          violations.add("read " + r + " saw " + w + " after a later write replaced it");
        }
      } else if (!replaced.absentPossible(r)) {
        violations.add("read " + r + " saw no value although every delete had been overwritten");
      }
    }
    // Reads in real-time order never see writes in reverse order: for each read r2, among the
    // reads that ended before it began, none saw a write that began after r2's write ended.
    List<Event> byEnd = new ArrayList<>(reads);
    byEnd.removeIf(r -> r.value() == null || writeOf.get(r.value()) == null);
    byEnd.sort(Comparator.comparingLong(Event::end));
    List<Event> byStart = new ArrayList<>(byEnd);
    byStart.sort(Comparator.comparingLong(Event::start));
    int ended = 0;
    Event latest = null; // among reads ended so far, the one whose write began last
    for (Event r2 : byStart) {
      while (ended < byEnd.size() && byEnd.get(ended).end() < r2.start()) {
        Event r1 = byEnd.get(ended++);
        if (latest == null || writeOf.get(r1.value()).start() > writeOf.get(latest.value()).start()) {
          latest = r1;
        }
      }
      if (latest != null && writeOf.get(latest.value()).start() > writeOf.get(r2.value()).end()) {
        violations.add("reads " + latest + " then " + r2 + " saw writes in reverse order");
      }
    }
  }

  /**
   * Answers "was write w replaced before time t", i.e. did some write begin after w ended and end
   * before t: true iff the latest start among writes ended before t is after w's end.
   */
  private static final class Replacements {
    private final long[] ends;
    private final long[] latestStartUpTo;
    private final long[] deleteStarts;
    private final long[] latestDeleteEndUpTo;

    Replacements(List<Event> writes) {
      List<Event> byEnd = new ArrayList<>(writes);
      byEnd.sort(Comparator.comparingLong(Event::end));
      ends = new long[byEnd.size()];
      latestStartUpTo = new long[byEnd.size()];
      long max = Long.MIN_VALUE;
      for (int i = 0; i < byEnd.size(); i++) {
        ends[i] = byEnd.get(i).end();
        max = Math.max(max, byEnd.get(i).start());
        latestStartUpTo[i] = max;
      }
      List<Event> deletes = new ArrayList<>(writes);
      deletes.removeIf(w -> w.value() != null);
      deletes.sort(Comparator.comparingLong(Event::start));
      deleteStarts = new long[deletes.size()];
      latestDeleteEndUpTo = new long[deletes.size()];
      max = Long.MIN_VALUE;
      for (int i = 0; i < deletes.size(); i++) {
        deleteStarts[i] = deletes.get(i).start();
        max = Math.max(max, deletes.get(i).end());
        latestDeleteEndUpTo[i] = max;
      }
    }

    /** Latest start among writes that ended before {@code time}; MIN_VALUE if none. */
    long latestStartOfWritesEndedBefore(long time) {
      int n = countBelow(ends, time);
      return n == 0 ? Long.MIN_VALUE : latestStartUpTo[n - 1];
    }

    /** Whether "absent" is a possible result of read {@code r}. */
    boolean absentPossible(Event r) {
      long replacedAfter = latestStartOfWritesEndedBefore(r.start());
      if (replacedAfter == Long.MIN_VALUE) {
        return true; // no write ended before the read began: the initial state
      }
      // A delete that began before the read ended and was not replaced before it began.
      int n = countBelow(deleteStarts, r.end());
      return n > 0 && latestDeleteEndUpTo[n - 1] >= replacedAfter;
    }

    private static int countBelow(long[] sorted, long bound) {
      int lo = 0;
      int hi = sorted.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (sorted[mid] < bound) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
