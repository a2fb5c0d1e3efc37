package io.stratadb.iterator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * TEST ONLY: drives an {@link InternalIterator} with random seekToFirst, seekToLast, seek,
 * seekForPrev, next and prev calls and checks every position against a sorted list of the entries
 * it must yield, through {@link InternalIterator#key()} and {@link InternalIterator#value()} and
 * through the in-place {@link InternalIterator#keySlice()} and {@link InternalIterator#valueSlice()}
 * alike. The list is the model: a position is an index into it, or -1 when invalid.
 */
public final class ModelWalk {
  private final List<byte[]> keys;
  private final List<byte[]> values;
  private final Comparator<byte[]> comparator;

  /**
   * @param keys the expected keys, sorted by {@code comparator}, without duplicates
   * @param values the expected value of each key
   * @param comparator the order the iterator yields
   */
  public ModelWalk(List<byte[]> keys, List<byte[]> values, Comparator<byte[]> comparator) {
    this.keys = List.copyOf(keys);
    this.values = List.copyOf(values);
    this.comparator = comparator;
    for (int i = 1; i < keys.size(); i++) {
      if (comparator.compare(keys.get(i - 1), keys.get(i)) >= 0) {
        throw new IllegalArgumentException("model keys not strictly ascending at " + i);
      }
    }
  }

  /** A model of the entries of {@code map}, in its comparator's order. */
  public static ModelWalk of(java.util.SortedMap<byte[], byte[]> map) {
    @SuppressWarnings("unchecked")
    Comparator<byte[]> comparator = (Comparator<byte[]>) map.comparator();
    return new ModelWalk(new ArrayList<>(map.keySet()), new ArrayList<>(map.values()), comparator);
  }

  /**
   * Runs {@code steps} random moves on {@code it}, asserting after each one.
   *
   * @param targets makes a seek target (an existing key, a neighbour of one, or beyond the ends)
   * @return the moves made, for failure messages of callers
   */
  public List<String> walk(InternalIterator it, Random random, int steps, Function<Random, byte[]> targets) {
    List<String> trail = new ArrayList<>();
    int pos = -1;
    for (int step = 0; step < steps; step++) {
      int choice = pos < 0 ? random.nextInt(4) : random.nextInt(10);
      switch (choice) {
        case 0 -> {
          it.seekToFirst();
          pos = keys.isEmpty() ? -1 : 0;
          trail.add("seekToFirst");
        }
        case 1 -> {
          it.seekToLast();
          pos = keys.size() - 1;
          trail.add("seekToLast");
        }
        case 2 -> {
          byte[] t = targets.apply(random);
          it.seek(t);
          pos = ceiling(t);
          trail.add("seek " + Arrays.toString(t));
        }
        case 3 -> {
          byte[] t = targets.apply(random);
          it.seekForPrev(t);
          pos = floor(t);
          trail.add("seekForPrev " + Arrays.toString(t));
        }
        case 4, 5, 6 -> {
          it.next();
          pos = pos + 1 < keys.size() ? pos + 1 : -1;
          trail.add("next");
        }
        default -> {
          it.prev();
          pos = pos - 1;
          trail.add("prev");
        }
      }
      check(it, pos, trail);
    }
    return trail;
  }

  /** Asserts that {@code it} is at model position {@code pos} (-1: invalid). */
  public void check(InternalIterator it, int pos, List<String> trail) {
    if (pos < 0) {
      assertFalse(it.isValid(), () -> "expected invalid after " + trail);
      return;
    }
    assertEquals(true, it.isValid(), () -> "expected entry " + pos + " after " + trail);
    // The in-place views first (before key() and value() cache copies), then the copies, then the
    // views again: both must show the entry, whichever is asked first.
    assertArrayEquals(keys.get(pos), it.keySlice().toArray(), () -> "key slice of entry " + pos + " after " + trail);
    assertArrayEquals(values.get(pos), it.valueSlice().toArray(), () -> "value slice of entry " + pos + " after " + trail);
    assertArrayEquals(keys.get(pos), it.key(), () -> "key of entry " + pos + " after " + trail);
    assertArrayEquals(values.get(pos), it.value(), () -> "value of entry " + pos + " after " + trail);
    assertArrayEquals(keys.get(pos), it.keySlice().toArray(), () -> "key slice of entry " + pos + " after " + trail);
    assertArrayEquals(values.get(pos), it.valueSlice().toArray(), () -> "value slice of entry " + pos + " after " + trail);
  }

  /** Index of the first key {@code >= target}, or -1. */
  public int ceiling(byte[] target) {
    for (int i = 0; i < keys.size(); i++) {
      if (comparator.compare(keys.get(i), target) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the last key {@code <= target}, or -1. */
  public int floor(byte[] target) {
    for (int i = keys.size() - 1; i >= 0; i--) {
      if (comparator.compare(keys.get(i), target) <= 0) {
        return i;
      }
    }
    return -1;
  }

  /** Asserts that a full forward scan from seekToFirst yields the model. */
  public void checkForwardScan(InternalIterator it) {
    it.seekToFirst();
    for (int i = 0; i < keys.size(); i++) {
      check(it, i, List.of("forward scan"));
      it.next();
    }
    assertFalse(it.isValid(), "after the last entry");
  }

  /** Asserts that a full backward scan from seekToLast yields the model reversed. */
  public void checkBackwardScan(InternalIterator it) {
    it.seekToLast();
    for (int i = keys.size() - 1; i >= 0; i--) {
      check(it, i, List.of("backward scan"));
      it.prev();
    }
    assertFalse(it.isValid(), "before the first entry");
  }
}
