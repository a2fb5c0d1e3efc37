package io.stratadb.cli.stress;

import java.util.List;
import java.util.Map;

/**
 * One write of the crash test as the expected-state log records it: an op number unique within
 * its cycle, what kind of call made it, whether it was synced, and what it writes to each checked
 * key (a tag, see {@link StressValues}, or null for a delete). A write also touching keys the
 * verifier does not check per key (bank accounts) lists only the checked ones. Immutable;
 * thread-safe.
 *
 * @param id the op number, unique within the cycle
 * @param kind {@code put}, {@code delete}, {@code batch}, {@code txn} or {@code transfer}
 * @param sync whether the call asked for an fsync of the WAL ({@code WriteOptions.sync()})
 * @param writes key to tag, null for a delete; distinct keys, in the order written
 */
record StressOp(long id, String kind, boolean sync, Map<String, String> writes) {

  /** The kinds of write, as logged. */
  static final List<String> KINDS = List.of("put", "delete", "batch", "txn", "transfer");

  /** Copies {@code writes} (keeping its order and null values) and checks the kind. */
  StressOp {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown op kind " + kind);
    }
    writes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(writes));
  }

  /** {@code put c3o12 (sync)}: for reports. */
  String describe() {
    return kind + " op " + id + (sync ? " (sync)" : "");
  }
}
