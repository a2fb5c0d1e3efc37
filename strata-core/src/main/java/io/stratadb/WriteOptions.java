package io.stratadb;

/**
 * Options for one write. Immutable and thread-safe.
 *
 * <p>With {@code sync == false} (the default, as in LevelDB) a write is acknowledged once it is in
 * the operating system's buffers: it survives a process crash but not a machine crash. With {@code
 * sync == true} the WAL is fsynced before the call returns, so it survives power loss too.
 */
public final class WriteOptions {

  private static final WriteOptions DEFAULT = new WriteOptions(false);
  private static final WriteOptions SYNC = new WriteOptions(true);

  private final boolean sync;

  private WriteOptions(boolean sync) {
    this.sync = sync;
  }

  /** No fsync per write. */
  public static WriteOptions defaults() {
    return DEFAULT;
  }

  /** Fsync the WAL before acknowledging. */
  public static WriteOptions syncWrites() {
    return SYNC;
  }

  /** Returns options with the given {@code sync} flag. */
  public static WriteOptions of(boolean sync) {
    return sync ? SYNC : DEFAULT;
  }

  /** Whether the WAL is fsynced before the write is acknowledged. */
  public boolean sync() {
    return sync;
  }

  @Override
  public String toString() {
    return "WriteOptions{sync=" + sync + "}";
  }
}
