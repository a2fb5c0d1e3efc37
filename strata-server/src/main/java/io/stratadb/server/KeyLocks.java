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

  /**
   * Locks {@code stripe} if it is free, without waiting ({@link PipelineBatch}, which holds stripes
   * across several commands and so must never wait while it holds any).
   *
   * @return whether this thread now holds it
   * @throws IllegalStateException if this thread holds it already: stripes are held by one
   *     connection's batch or command at a time, so that would be two users on one event loop
   */
  boolean tryLock(int stripe) {
    ReentrantLock lock = locks[stripe];
    if (lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("stripe " + stripe + " is already held by this thread");
    }
    return lock.tryLock();
  }

  /** Locks {@code stripe}, waiting for it; the caller must hold no stripe above it. */
  void lock(int stripe) {
    locks[stripe].lock();
  }

  /** Releases {@code stripe}, held by this thread. */
  void unlock(int stripe) {
    locks[stripe].unlock();
  }

  /** The stripe of {@code key}, 0 to {@link #STRIPES} - 1. */
  static int stripe(byte[] key) {
    int h = Arrays.hashCode(key);
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }
}
