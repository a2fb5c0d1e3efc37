package io.stratadb.server;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks that make the server's read-modify-write commands atomic (INCR, APPEND, SET NX,
 * GETDEL, ...). Every command that writes a key holds its stripe while it reads and writes, so two
 * writers of one key never interleave; reads (GET) take no lock, as the engine's point reads are
 * atomic. Chosen over engine transactions because a conflict-free stripe costs one uncontended
 * lock, where an optimistic transaction costs a snapshot, a read set and, under contention on a
 * hot counter, retries.
 *
 * <p>Two keys may share a stripe; that only serializes them. Multi-key commands lock their stripes
 * in ascending stripe order, so they cannot deadlock with each other.
 *
 * <p>Thread-safe.
 */
final class KeyLocks {

  /** Stripes; a power of two. */
  static final int STRIPES = 1024;

  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

  KeyLocks() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** A held set of stripes, released by {@link #close()}. */
  interface Held extends AutoCloseable {
    /** Releases the stripes. */
    @Override
    void close();
  }

  /** Locks the stripe of {@code key}. */
  Held lock(byte[] key) {
    ReentrantLock lock = locks[stripe(key)];
    lock.lock();
    return lock::unlock;
  }

  /** Locks the stripes of all {@code keys}, in ascending stripe order. */
  Held lockAll(byte[][] keys) {
    int[] stripes = new int[keys.length];
    for (int i = 0; i < keys.length; i++) {
      stripes[i] = stripe(keys[i]);
    }
    return lockStripes(Arrays.stream(stripes).sorted().distinct().toArray());
  }

  /** Locks every stripe: no other writer runs until it is released (FLUSHDB). */
  Held lockEverything() {
    int[] all = new int[STRIPES];
    Arrays.setAll(all, i -> i);
    return lockStripes(all);
  }

  private Held lockStripes(int[] sortedStripes) {
    for (int s : sortedStripes) {
      locks[s].lock();
    }
    return () -> {
      for (int i = sortedStripes.length - 1; i >= 0; i--) {
        locks[sortedStripes[i]].unlock();
      }
    };
  }

  private static int stripe(byte[] key) {
    int h = Arrays.hashCode(key);
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
