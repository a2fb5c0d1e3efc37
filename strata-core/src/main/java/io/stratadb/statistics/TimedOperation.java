package io.stratadb.statistics;

/** The kinds of operation whose latency {@link Statistics} records, one histogram each. */
public enum TimedOperation {
  /** {@code Db.get}. */
  GET,
  /** {@code Db.put}. */
  PUT,
  /** {@code Db.delete}. */
  DELETE,
  /** {@code Db.write(WriteBatch)}. */
  WRITE,
  /** Creating (and for {@code scan}, positioning) an iterator. */
  ITERATOR,
  /** A memtable flush. */
  FLUSH,
  /** A compaction or trivial move. */
  COMPACTION
}
