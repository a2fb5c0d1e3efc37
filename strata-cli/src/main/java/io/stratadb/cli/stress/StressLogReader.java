package io.stratadb.cli.stress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a {@link StressLog} file after the child died. A last line without its newline (cut by
 * the kill in the middle of a {@code write}) is ignored: a cut {@code B} line was never followed
 * by its database call, and a cut {@code A} line leaves the op in flight, which the verifier
 * allows either way. Stateless; thread-safe.
 */
final class StressLogReader {
  private StressLogReader() {}

  /** What a log line says. */
  enum Type {
    /** {@code B}: a write was issued. */
    BEGIN,
    /** {@code A}: it was acknowledged. */
    ACK,
    /** {@code X}: it failed and applied nothing. */
    ABORT
  }

  /**
   * One {@code B}, {@code A} or {@code X} line.
   *
   * @param type which
   * @param id the op number
   * @param op the op, for {@link Type#BEGIN}; else null
   */
  record Event(Type type, long id, StressOp op) {}

  /**
   * A parsed log.
   *
   * @param events the write events in log order
   * @param violations the {@code V} lines, as violations of {@code cycle}
   */
  record Contents(List<Event> events, List<StressViolation> violations) {}

  /**
   * Reads {@code file}; a missing file is an empty log (the child died before opening it).
   *
   * @param cycle the cycle the log belongs to, for the violations
   * @throws IOException if it cannot be read
   * @throws IllegalStateException if a complete line is malformed (names the file and line)
   */
  static Contents read(Path file, int cycle) throws IOException {
    List<Event> events = new ArrayList<>();
    List<StressViolation> violations = new ArrayList<>();
    if (!Files.exists(file)) {
      return new Contents(events, violations);
    }
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    int lineNumber = 0;
    int start = 0;
    for (int end; (end = text.indexOf('\n', start)) >= 0; start = end + 1) {
      lineNumber++;
      String line = text.substring(start, end);
      try {
        parse(line, cycle, events, violations);
      } catch (RuntimeException e) {
        throw new IllegalStateException(file + ":" + lineNumber + ": malformed line '" + line + "'", e);
      }
    }
    return new Contents(events, violations);
  }

  /** Parses one complete line into {@code events} or {@code violations}. */
  private static void parse(String line, int cycle, List<Event> events, List<StressViolation> violations) {
    String[] f = line.split(" ");
    switch (f[0]) {
      case "B" -> {
        Map<String, String> writes = new LinkedHashMap<>();
        for (int i = 4; i < f.length; i++) {
          int eq = f[i].indexOf('=');
          String tag = f[i].substring(eq + 1);
          if (eq <= 0 || tag.isEmpty() || writes.containsKey(f[i].substring(0, eq))) {
            throw new IllegalArgumentException("bad write " + f[i]);
          }
          writes.put(f[i].substring(0, eq), tag.equals("-") ? null : tag);
        }
        if (!f[3].equals("s") && !f[3].equals("a")) {
          throw new IllegalArgumentException("bad sync flag " + f[3]);
        }
        long id = Long.parseLong(f[1]);
        events.add(new Event(Type.BEGIN, id, new StressOp(id, f[2], f[3].equals("s"), writes)));
      }
      case "A" -> events.add(new Event(Type.ACK, Long.parseLong(f[1]), null));
      case "X" -> events.add(new Event(Type.ABORT, Long.parseLong(f[1]), null));
      case "V" -> {
        String[] v = line.split(" ", 5);
        violations.add(new StressViolation(cycle, v[1], v[2], v[3], "seen by the child: " + v[4]));
      }
      default -> throw new IllegalArgumentException("unknown line type " + f[0]);
    }
  }
}
