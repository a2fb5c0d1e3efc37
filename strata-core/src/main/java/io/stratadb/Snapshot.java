package io.stratadb;

/**
 * A frozen, consistent view of a {@link Db} at one sequence number, from {@link Db#getSnapshot()}.
 * Reads with {@link ReadOptions#snapshot(Snapshot)} see exactly the writes at or below {@link
 * #sequence()}, whatever happens afterwards (writes, flushes, compactions): compaction keeps every
 * version a live snapshot can read (LevelDB's {@code Snapshot}).
 *
 * <p>Close it: while it is open, compaction cannot drop the versions it sees, so the database
 * keeps up to one extra version per key overwritten since the snapshot. Thread-safe; closing is
 * idempotent.
 */
public interface Snapshot extends AutoCloseable {

  /**
   * {@return the sequence number this snapshot reads at} Writes with a higher one are invisible to
   * it.
   */
  long sequence();

  /** Releases the snapshot. Idempotent. */
  @Override
  void close();
}
