package io.stratadb;

/**
 * Options for one write. Immutable and thread-safe.
 *
 * <p>With {@code sync == false} (the default, as in LevelDB) a write is acknowledged once it is in
 * the operating system's buffers: it survives a process crash but not a machine crash. With {@code
 * sync == true} the WAL is fsynced before the call returns, so it survives power loss too.
 *
 * <p>{@link #withoutWal()} writes to the memtable only, as RocksDB's {@code disableWAL}: for data
 * with a durable copy elsewhere (a Kafka changelog, a bulk load that is redone if it fails). Such a
 * write is durable only once a memtable flush wrote it to an SSTable: {@link Db#flush()}, a full
 * memtable's flush, {@link Db#close()} (which flushes them) or a {@link Db#checkpoint} (which flushes
 * them first). A crash before that loses it and, unlike RocksDB, which replays the logged writes
 * around a lost unlogged one, every write made after it: recovery brings the database back to the
 * state just before the first lost write, never to a state it did not pass through. A sync write
 * or {@link Db#syncWal()} made while such writes wait in a memtable therefore flushes them first
 * (so what it acknowledges survives), which makes mixing the two kinds costly; keep a database's
 * writes of one kind. Sequence numbers of lost writes may be given again after recovery; no table
 * or WAL record kept ever held them.
 */
public final class WriteOptions {

  private static final WriteOptions DEFAULT = new WriteOptions(false, false);
  private static final WriteOptions SYNC = new WriteOptions(true, false);
  private static final WriteOptions WITHOUT_WAL = new WriteOptions(false, true);

  private final boolean sync;
  private final boolean disableWal;

  private WriteOptions(boolean sync, boolean disableWal) {
    this.sync = sync;
    this.disableWal = disableWal;
  }

  /** {@return options with no fsync per write} The write goes to the WAL. */
  public static WriteOptions defaults() {
    return DEFAULT;
  }

  /** {@return options that fsync the WAL before acknowledging} */
  public static WriteOptions syncWrites() {
    return SYNC;
  }

  /**
   * Write to the memtable only, not to the WAL: durable once flushed to an SSTable, lost (with every
   * later write) by a crash before that. See the class comment.
   *
   * @return options that skip the WAL
   */
  public static WriteOptions withoutWal() {
    return WITHOUT_WAL;
  }

  /** {@return options with the given {@code sync} flag, written to the WAL}
   * @param sync whether the WAL is fsynced before the write is acknowledged */
  public static WriteOptions of(boolean sync) {
    return sync ? SYNC : DEFAULT;
  }

  /** {@return whether the WAL is fsynced before the write is acknowledged} */
  public boolean sync() {
    return sync;
  }

  /**
   * {@return whether the write skips the WAL ({@link #withoutWal()})} Never together with {@link
   * #sync()}.
   */
  public boolean disableWal() {
    return disableWal;
  }

  @Override
  public String toString() {
    return "WriteOptions{sync=" + sync + ", disableWal=" + disableWal + "}";
  }
}
