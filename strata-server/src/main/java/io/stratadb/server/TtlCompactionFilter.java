package io.stratadb.server;

import io.stratadb.CompactionFilter;
import java.util.function.LongSupplier;

/**
 * Drops values whose TTL has passed when compaction rewrites them, so expired keys stop taking
 * space without a background sweeper (the approach of RocksDB's TTL compaction filter). Reads
 * never depend on it: the server hides an expired value on read whether or not it was compacted.
 *
 * <p>A value that is not in the {@link ValueCodec} format is kept untouched: throwing here would
 * put the database into its background-error state.
 *
 * <p>Thread-safe if the clock is.
 */
public final class TtlCompactionFilter implements CompactionFilter {

  private final LongSupplier clockMillis;

  /**
   * @param clockMillis the current time in epoch ms (the server's clock)
   */
  public TtlCompactionFilter(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** Removes the value if it has expired, keeps it otherwise. */
  @Override
  public Decision filter(int level, byte[] key, byte[] value) {
    long expireAt;
    try {
      expireAt = ValueCodec.expireAtMillis(value);
    } catch (IllegalArgumentException notOurs) {
      return Decision.KEEP;
    }
    return expireAt != ValueCodec.NO_EXPIRY && expireAt <= clockMillis.getAsLong()
        ? Decision.REMOVE
        : Decision.KEEP;
  }
}
