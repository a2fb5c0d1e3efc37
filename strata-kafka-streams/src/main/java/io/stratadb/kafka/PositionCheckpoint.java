package io.stratadb.kafka;

import java.util.function.LongSupplier;
import org.apache.kafka.streams.query.Position;

/**
 * Saves a store's IQv2 position to its {@link PositionFile} at Kafka Streams commits, at most once
 * per {@value #MIN_INTERVAL_MS} ms and without an fsync, and always, fsynced, when forced (at
 * close). Kafka Streams may commit after every record (the {@code TopologyTestDriver} does, and
 * exactly-once commits every 100 ms), and a file write and fsync per commit made the window store
 * 4x slower than Kafka's there. A skipped save is safe: a saved position older than the data only
 * makes position-bound queries wait until processing moves it on, never answer from data that
 * lacks the bound; an unsynced save reaches the operating system after the store's own writes.
 *
 * <p>Not thread-safe: the store's owner (the stream thread) calls it.
 */
final class PositionCheckpoint {

  /** The least time between two unforced saves, ms. */
  static final long MIN_INTERVAL_MS = 1_000;

  private final PositionFile file;
  private final LongSupplier clockMs;
  private Position saved;
  private long savedAtMs = Long.MIN_VALUE;

  /**
   * @param file where to save
   * @param saved the position the file holds now
   * @param clockMs the time in ms (e.g. {@code System::currentTimeMillis})
   */
  PositionCheckpoint(PositionFile file, Position saved, LongSupplier clockMs) {
    this.file = file;
    this.saved = saved.copy();
    this.clockMs = clockMs;
  }

  /**
   * Saves {@code now} (a copy the caller no longer changes) if it differs from the saved position
   * and either {@code force} (then fsynced) or {@value #MIN_INTERVAL_MS} ms passed since the last
   * save.
   *
   * @throws org.apache.kafka.streams.errors.ProcessorStateException if the file cannot be written
   */
  void maybeSave(Position now, boolean force) {
    if (now.equals(saved)) {
      return;
    }
    long t = clockMs.getAsLong();
    if (!force && savedAtMs != Long.MIN_VALUE && t - savedAtMs < MIN_INTERVAL_MS) {
      return;
    }
    file.write(now, force);
    saved = now;
    savedAtMs = t;
  }
}
