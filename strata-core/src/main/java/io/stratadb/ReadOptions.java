package io.stratadb;

/**
 * Options for reads ({@link Db#get(byte[], ReadOptions)}, {@link Db#newIterator(ReadOptions)},
 * {@link Db#scan(Bound, Bound, ReadOptions)}). Immutable and thread-safe.
 */
public final class ReadOptions {
  private static final ReadOptions DEFAULT = new ReadOptions(null);

  private final Snapshot snapshot;

  private ReadOptions(Snapshot snapshot) {
    this.snapshot = snapshot;
  }

  /** Read the newest data. */
  public static ReadOptions defaults() {
    return DEFAULT;
  }

  /**
   * Read at {@code snapshot}.
   *
   * @throws IllegalArgumentException if {@code snapshot} is null
   */
  public static ReadOptions snapshot(Snapshot snapshot) {
    if (snapshot == null) {
      throw new IllegalArgumentException("snapshot must not be null; use ReadOptions.defaults()");
    }
    return new ReadOptions(snapshot);
  }

  /** The snapshot to read at, or null for the newest data. */
  public Snapshot snapshot() {
    return snapshot;
  }
}
