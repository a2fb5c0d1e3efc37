package io.stratadb.cli.stress;

/**
 * One thing the crash test found wrong: the key (or invariant) concerned, what was expected, what
 * was found, and why that is wrong. Immutable; thread-safe.
 *
 * @param cycle the cycle in which it was found (1-based)
 * @param key the key, or a name such as {@code total} or {@code child}
 * @param expected what recovery (or a read) should have returned
 * @param found what it returned
 * @param problem a short explanation, e.g. "lost acknowledged write"
 */
record StressViolation(int cycle, String key, String expected, String found, String problem) {

  /** {@code cycle 3: key00000042: expected c3o17 (put op 17), found c2o5: lost acknowledged write}. */
  String describe() {
    return "cycle " + cycle + ": " + key + ": expected " + expected + ", found " + found + ": " + problem;
  }
}
