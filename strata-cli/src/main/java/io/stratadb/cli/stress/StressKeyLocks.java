package io.stratadb.cli.stress;

import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per key of the crash test's key space (RocksDB db_stress's per-key mutexes): a worker
 * holds a key's lock from logging a write's begin line to logging its acknowledgement, and while
 * reading the key to compare with the expected state. So the writes of a key happen one at a
 * time, in log order, and at most one is in flight at a kill. A write of several keys locks them in
 * ascending index order, so two writers never deadlock. Thread-safe.
 */
final class StressKeyLocks {
  private final ReentrantLock[] locks;

  /**
   * Creates a lock for each of {@code keys} keys.
   *
   * @throws IllegalArgumentException if {@code keys < 1}
   */
  StressKeyLocks(int keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be at least 1, got " + keys);
    }
    locks = new ReentrantLock[keys];
    for (int i = 0; i < keys; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /**
   * Locks the keys {@code indexes}, which must be distinct and ascending; blocks until all are held.
   *
   * @throws IllegalArgumentException if they are not strictly ascending
   */
  void lock(int... indexes) {
    for (int i = 1; i < indexes.length; i++) {
      if (indexes[i] <= indexes[i - 1]) {
        throw new IllegalArgumentException("key indexes must be strictly ascending");
      }
    }
    for (int index : indexes) {
      locks[index].lock();
    }
  }

  /** Unlocks the keys {@code indexes}, held by this thread. */
  void unlock(int... indexes) {
    for (int i = indexes.length - 1; i >= 0; i--) {
      locks[indexes[i]].unlock();
    }
  }
}
