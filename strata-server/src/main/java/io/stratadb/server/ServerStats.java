package io.stratadb.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters INFO reports: connections now, connections accepted and rejected, commands run. The
 * connection limit is enforced on {@link #connected}. Thread-safe (atomics).
 */
final class ServerStats {

  private final long startMillis = System.currentTimeMillis();
  private final AtomicInteger connected = new AtomicInteger();
  private final AtomicLong nextClientId = new AtomicLong();
  private final LongAdder connectionsReceived = new LongAdder();
  private final LongAdder rejectedConnections = new LongAdder();
  private final LongAdder commandsProcessed = new LongAdder();

  long startMillis() {
    return startMillis;
  }

  /** Connections open now (including one being rejected, briefly). */
  AtomicInteger connected() {
    return connected;
  }

  /** A new connection id, 1, 2, ... */
  long newClientId() {
    return nextClientId.incrementAndGet();
  }

  LongAdder connectionsReceived() {
    return connectionsReceived;
  }

  LongAdder rejectedConnections() {
    return rejectedConnections;
  }

  LongAdder commandsProcessed() {
    return commandsProcessed;
  }
}
