package io.stratadb.cli.stress;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The crash test's expected state: for every checked key that should be present, the tag of the
 * write whose value it should hold (see {@link StressValues}); a key not listed should be absent.
 * The parent saves it before each cycle for the child (which checks its reads against it) and
 * replaces it with the verified state after the cycle (RocksDB db_stress's {@code ExpectedState}).
 *
 * <p>File format: one {@code <key> <tag>} line per present key, in key order; lines starting with
 * {@code #} are comments.
 *
 * <p>Thread-safe (a concurrent map); callers that need a key's entry to stay put while they use
 * it hold that key's lock ({@link StressKeyLocks}).
 */
final class StressExpectedState {
  private final Map<String, String> tags = new ConcurrentHashMap<>();

  /** An empty state: every key absent. */
  StressExpectedState() {}

  /** A state holding {@code tags} (key to tag; absent keys are not listed). */
  StressExpectedState(Map<String, String> tags) {
    this.tags.putAll(tags);
  }

  /**
   * Reads a state saved by {@link #save(Path)}.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if a line is not {@code <key> <tag>} (names the line)
   */
  static StressExpectedState load(Path file) throws IOException {
    StressExpectedState state = new StressExpectedState();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      number++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(" ");
      if (f.length != 2 || f[0].isEmpty() || f[1].isEmpty()) {
        throw new IllegalArgumentException(file + ":" + number + ": expected '<key> <tag>', got '" + line + "'");
      }
      state.tags.put(f[0], f[1]);
    }
    return state;
  }

  /**
   * Writes the state to {@code file} atomically (a temporary file renamed over it).
   *
   * @param comment a first comment line (without {@code #})
   * @throws IOException if it cannot be written
   */
  void save(Path file, String comment) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
      w.write("# " + comment + "\n");
      for (Map.Entry<String, String> e : new TreeMap<>(tags).entrySet()) {
        w.write(e.getKey() + " " + e.getValue() + "\n");
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The tag {@code key} should hold, or null if it should be absent. */
  String get(String key) {
    return tags.get(key);
  }

  /** Records that {@code key} now holds {@code tag}, or is absent when {@code tag} is null. */
  void set(String key, String tag) {
    if (tag == null) {
      tags.remove(key);
    } else {
      tags.put(key, tag);
    }
  }

  /** The keys that should be present (a live view). */
  Set<String> presentKeys() {
    return tags.keySet();
  }

  /** A sorted copy of the key-to-tag map. */
  Map<String, String> asMap() {
    return new TreeMap<>(tags);
  }
}
