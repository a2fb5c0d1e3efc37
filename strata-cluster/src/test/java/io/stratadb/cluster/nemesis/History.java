package io.stratadb.cluster.nemesis;

import io.stratadb.testing.RegisterChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operations clients ran against a test cluster, with their outcomes, and their check: the
 * register keys (SET, DEL, MSET, GET) by {@link RegisterChecker}, the counters (INCR, GET) by
 * {@link CounterChecker}. An acknowledged write is {@link Outcome#OK}; a write whose reply says
 * it was not applied (or that never reached a node) is {@link Outcome#FAIL} and left out, so a
 * read of its value is a violation; a write that timed out, lost its connection or got an
 * {@code UNKNOWN} error is {@link Outcome#UNKNOWN}: it may have applied, at any time after it
 * began. Reads that did not complete tell nothing and are left out.
 *
 * <p>Thread safety: {@link #add} may be called from any number of threads; check after they stop.
 */
final class History {
  /** How an operation ended. */
  enum Outcome { OK, FAIL, UNKNOWN }

  /** What an operation did. */
  enum Type { SET, DEL, MSET, GET, INCR, GET_COUNTER }

  /**
   * One operation.
   *
   * @param client the client thread
   * @param node the node it was sent to
   * @param type what it did
   * @param keys the keys it touched (register keys, or counter keys for INCR and GET_COUNTER)
   * @param written the values it wrote, one per key (SET, MSET), empty otherwise
   * @param result what it returned: the value read (null for absent), or INCR's result
   * @param start {@link System#nanoTime()} at invocation
   * @param end at completion ({@link RegisterChecker#UNKNOWN_END} if unknown)
   * @param outcome how it ended
   * @param error the error, if it failed or its outcome is unknown
   */
  record Op(int client, String node, Type type, List<Integer> keys, List<Long> written, Long result,
      long start, long end, Outcome outcome, String error) {}

  private final List<Op> ops = new ArrayList<>(); // guarded by this

  /** Records a finished operation. */
  synchronized void add(Op op) {
    ops.add(op);
  }

  /** Every operation so far. */
  synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** The violations of linearizability in the registers and the counters; empty if none. */
  List<String> check() {
    List<RegisterChecker.Event> registers = new ArrayList<>();
    List<CounterChecker.Event> counters = new ArrayList<>();
    for (Op op : ops()) {
      if (op.outcome() == Outcome.FAIL || op.type() == Type.GET && op.outcome() == Outcome.UNKNOWN
          || op.type() == Type.GET_COUNTER && op.outcome() == Outcome.UNKNOWN) {
        continue;
      }
      boolean unknown = op.outcome() == Outcome.UNKNOWN;
      switch (op.type()) {
        case SET, MSET, DEL -> {
          for (int i = 0; i < op.keys().size(); i++) {
            Long value = op.type() == Type.DEL ? null : op.written().get(i);
            int key = op.keys().get(i);
            registers.add(unknown ? RegisterChecker.Event.unknownWrite(key, value, op.start())
                : RegisterChecker.Event.write(key, value, op.start(), op.end()));
          }
        }
        case GET -> registers.add(RegisterChecker.Event.read(op.keys().get(0), op.result(), op.start(), op.end()));
        case INCR -> counters.add(new CounterChecker.Event(unknown ? CounterChecker.Kind.UNKNOWN_INCR
            : CounterChecker.Kind.INCR, op.keys().get(0), unknown ? 0 : op.result(), op.start(), op.end()));
        case GET_COUNTER -> counters.add(new CounterChecker.Event(CounterChecker.Kind.READ, op.keys().get(0),
            op.result() == null ? 0 : op.result(), op.start(), op.end()));
        default -> throw new IllegalStateException(op.toString());
      }
    }
    List<String> violations = new ArrayList<>(RegisterChecker.check(registers));
    violations.addAll(CounterChecker.check(counters));
    return violations;
  }

  /**
   * Writes every operation to {@code file}, one per line, tab-separated: client, node, type, keys,
   * values written, result, start and end (ns), outcome, error; for a post-mortem of violations.
   *
   * @throws java.io.UncheckedIOException if the file cannot be written
   */
  void dump(java.nio.file.Path file) {
    StringBuilder out = new StringBuilder("client\tnode\ttype\tkeys\twritten\tresult\tstart\tend\toutcome\terror\n");
    for (Op op : ops()) {
      out.append(op.client()).append('\t').append(op.node()).append('\t').append(op.type()).append('\t')
          .append(op.keys()).append('\t').append(op.written()).append('\t').append(op.result()).append('\t')
          .append(op.start()).append('\t').append(op.end()).append('\t').append(op.outcome()).append('\t')
          .append(op.error() == null ? "" : op.error().replace('\n', ' ')).append('\n');
    }
    try {
      java.nio.file.Files.writeString(file, out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** How many operations of each type ended each way, e.g. {@code SET/OK=120}. */
  synchronized Map<String, Integer> counts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Op op : ops) {
      counts.merge(op.type() + "/" + op.outcome(), 1, Integer::sum);
    }
    return counts;
  }

  /** How many operations ended with {@code outcome}. */
  synchronized long count(Outcome outcome) {
    return ops.stream().filter(op -> op.outcome() == outcome).count();
  }

  /** The distinct errors seen, with how often (for a failure message). */
  synchronized Map<String, Integer> errors() {
    Map<String, Integer> errors = new TreeMap<>();
    for (Op op : ops) {
      if (op.error() != null) {
        String e = op.error();
        errors.merge(e.length() > 80 ? e.substring(0, 80) : e, 1, Integer::sum);
      }
    }
    return errors;
  }
}
