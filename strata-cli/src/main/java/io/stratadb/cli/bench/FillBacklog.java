package io.stratadb.cli.bench;

/**
 * An engine's flush and compaction backlog at one moment, as {@code strata bench
 * --larger-than-memory} reads it at the end of the fill's puts and while it waits for the engine
 * to settle. Immutable.
 *
 * @param pending whether a flush or compaction is waiting or running: StrataDB's immutable
 *     memtables, a level scoring at least 1 or pending compaction bytes above 0; RocksDB's {@code
 *     rocksdb.mem-table-flush-pending}, {@code rocksdb.compaction-pending}, {@code
 *     rocksdb.num-running-flushes} or {@code rocksdb.num-running-compactions}
 * @param pendingBytes the engine's estimate of the bytes compaction still has to rewrite
 *     (StrataDB's {@code DbStats.pendingCompactionBytes}, RocksDB's {@code
 *     rocksdb.estimate-pending-compaction-bytes}), -1 where unknown
 * @param l0Files tables in L0, -1 where unknown
 */
record FillBacklog(boolean pending, long pendingBytes, int l0Files) {
  /** An engine that does not say: nothing to wait for. */
  static final FillBacklog UNKNOWN = new FillBacklog(false, -1, -1);

  /** E.g. {@code pending 1234.5 MiB, L0 7 tables}, or {@code n/a}. */
  String line() {
    if (pendingBytes < 0 && l0Files < 0) {
      return "n/a";
    }
    return String.format(java.util.Locale.ROOT, "pending %.1f MiB, L0 %d tables%s", pendingBytes / 1048576.0,
        l0Files, pending ? "" : " (idle)");
  }
}
