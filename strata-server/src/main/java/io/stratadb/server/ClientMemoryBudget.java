package io.stratadb.server;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all connections together may hold for clients (Redis's {@code maxmemory-clients}):
 * bytes of requests received but not yet run (partial requests included) and bytes of replies
 * written but not yet sent. Connections {@link #reserve} as they buffer and {@link #release} as
 * they let go; while the budget is {@linkplain #exhausted() exhausted}, a connection that would
 * grow its share stops reading (see {@link ConnectionFlow}) and asks to be woken with {@link
 * #whenAvailable} once releases bring the total back under the limit.
 *
 * <p>The limit is a threshold, not a hard cap: a connection that finds the budget exhausted has
 * already buffered what it just read, so the total can pass the limit by about one socket read
 * (and one reply) per connection.
 *
 * <p>Thread-safe: one instance serves every event loop (an atomic counter and a concurrent queue).
 */
final class ClientMemoryBudget {

  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();

  /** @param limit bytes, at least 1 */
  ClientMemoryBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("client memory limit must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** The limit in bytes. */
  long limit() {
    return limit;
  }

  /** Bytes held now by all connections. */
  long used() {
    return used.get();
  }

  /** Whether the connections hold the limit or more. */
  boolean exhausted() {
    return used.get() >= limit;
  }

  /** Counts {@code bytes} (at least 0) as held. */
  void reserve(long bytes) {
    used.addAndGet(bytes);
  }

  /** Counts {@code bytes} (at least 0) as let go; wakes the waiters once the total is under the limit. */
  void release(long bytes) {
    if (used.addAndGet(-bytes) < limit && !waiters.isEmpty()) {
      wakeWaiters();
    }
  }

  /**
   * Runs {@code wake} (on the calling thread, so it must only hand work to an event loop) once
   * the total is under the limit: at once if it already is, else on the release that brings it
   * there. Each call runs {@code wake} once.
   */
  void whenAvailable(Runnable wake) {
    waiters.add(wake);
    if (!exhausted()) { // a release may have passed between the caller's check and the add
      wakeWaiters();
    }
  }

  private void wakeWaiters() {
    Runnable wake;
    while (!exhausted() && (wake = waiters.poll()) != null) {
      wake.run();
    }
  }
}
