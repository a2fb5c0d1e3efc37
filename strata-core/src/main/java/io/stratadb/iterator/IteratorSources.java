package io.stratadb.iterator;

/**
 * Opens the merged internal iterator an {@link LsmIterator} reads, over the database state current
 * at the call: its memtables and the SSTables of its version (mini-lsm's "foreground iterator"
 * idea, RocksDB's iterator auto-refresh). An auto-refreshing {@link LsmIterator} calls it again
 * every refresh interval and closes the previous iterator, so what that one pinned can be freed.
 *
 * <p>Handed from the database to the iterator package so that data flows one way: the iterator
 * never sees the database itself. Implementations must be thread-safe (each call may come from
 * the thread of a different iterator).
 */
@FunctionalInterface
public interface IteratorSources {

  /**
   * An unpositioned iterator over every entry of the current state, newest source first on equal
   * keys. Closing it releases everything it pins (memtables, the version and its SSTables).
   *
   * @throws io.stratadb.StrataIOException or {@link io.stratadb.CorruptionException} if a table
   *     cannot be opened
   */
  InternalIterator open();
}
