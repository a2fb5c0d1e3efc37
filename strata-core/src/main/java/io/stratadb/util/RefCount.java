package io.stratadb.util;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reference count that starts at one (the creator's reference) and, once it has dropped to
 * zero, can never be revived: {@link #tryRetain()} then fails, telling the caller to fetch a live
 * object again. Used for versions and open tables. Thread-safe and lock-free.
 */
public final class RefCount {
  private final AtomicInteger count = new AtomicInteger(1);

  /** Takes a reference; false if the count already reached zero. */
  public boolean tryRetain() {
    while (true) {
      int n = count.get();
      if (n <= 0) {
        return false;
      }
      if (count.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /**
   * Drops a reference.
   *
   * @return true if this was the last one (the caller frees the object)
   * @throws IllegalStateException if released more often than retained
   */
  public boolean release() {
    int n = count.decrementAndGet();
    if (n < 0) {
      throw new IllegalStateException("released more often than retained");
    }
    return n == 0;
  }
}
