package io.stratadb;

/**
 * How writes and background work share the machine ({@link Options#backgroundTuning()}): the rate
 * writes are held to while compaction is behind (RocksDB's {@code delayed_write_rate}).
 *
 * <p>While L0 holds at least {@link Options#l0SlowdownWritesTrigger()} tables, or the estimated
 * pending compaction bytes reach {@link Options#softPendingCompactionBytesLimit()}, writes are
 * delayed: they go on at {@link #delayedWriteRate()} bytes per second at first, slower each time
 * the compaction backlog grows (by 0.8, or 0.6 within two tables of {@link
 * Options#l0StopWritesTrigger()}) and faster again as it shrinks (by 1.25, up to the configured
 * rate), down to at most 16 KiB/s; a write waits only once the bytes granted per millisecond are
 * spent, and then for at least 1 ms. Each write group that waited counts in {@link
 * DbStats#slowdownCount()}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}.
 */
public final class BackgroundTuning {
  /** RocksDB's defaults: a delayed write rate of 16 MiB/s. */
  public static final BackgroundTuning DEFAULTS = builder().build();

  private final long delayedWriteRate;

  private BackgroundTuning(Builder b) {
    this.delayedWriteRate = b.delayedWriteRate;
  }

  /** {@return a new builder initialised with the defaults} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return a new builder initialised with this tuning's values} */
  public Builder toBuilder() {
    return new Builder().delayedWriteRate(delayedWriteRate);
  }

  /**
   * {@return the rate a write delay starts at and never exceeds, in bytes per second} Default 16
   * MiB/s.
   */
  public long delayedWriteRate() {
    return delayedWriteRate;
  }

  @Override
  public String toString() {
    return "BackgroundTuning{delayedWriteRate=" + delayedWriteRate + "}";
  }

  /** Builds a {@link BackgroundTuning}. Not thread-safe. */
  public static final class Builder {
    private long delayedWriteRate = 16L << 20;

    private Builder() {}

    /**
     * The delayed write rate, bytes per second, 16 KiB/s to 1 TiB/s.
     *
     * @param bytesPerSecond the rate in bytes per second, 16 KiB/s to 1 TiB/s
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder delayedWriteRate(long bytesPerSecond) {
      if (bytesPerSecond < 16 << 10 || bytesPerSecond > 1L << 40) {
        throw new IllegalArgumentException("delayedWriteRate must be 16 KiB/s to 1 TiB/s, got " + bytesPerSecond);
      }
      this.delayedWriteRate = bytesPerSecond;
      return this;
    }

    /** {@return a new, immutable tuning with this builder's values} */
    public BackgroundTuning build() {
      return new BackgroundTuning(this);
    }
  }
}
