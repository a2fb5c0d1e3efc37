package io.stratadb.server;

import io.stratadb.CompactionFilter;
import java.util.function.LongSupplier;

/**
 * Drops values whose TTL has passed when compaction rewrites them, so expired keys stop taking
 * space without a background sweeper (the approach of RocksDB's TTL compaction filter). Reads
 * never depend on it: the server hides an expired value on read whether or not it was compacted.
 *
 * <p>A value that is not in the {@link ValueCodec} format is kept untouched: throwing here would
 * put the database into its background-error state. The filter keeps everything until {@link
 * #activate()}: the server installs it when it opens the database, before it knows the database's
 * {@link ValueFormat}, and activates it only for {@link ValueFormat#TTL}; on a {@link
 * ValueFormat#PLAIN} database a user's value that happens to start with {@code 0x01} must never be
 * read as an expiry.
 *
 * <p>Thread-safe if the clock is.
 */
public final class TtlCompactionFilter implements CompactionFilter {

  private final LongSupplier clockMillis;
  private volatile boolean active;

  /**
   * @param clockMillis the current time in epoch ms (the server's clock)
   */
  public TtlCompactionFilter(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** Starts dropping expired values: call once the database is known to be {@link ValueFormat#TTL}. */
  public void activate() {
    active = true;
  }

  /** Removes the value if the filter is active and the value has expired, keeps it otherwise. */
  @Override
  public Decision filter(int level, byte[] key, byte[] value) {
    if (!active) {
      return Decision.KEEP;
    }
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
