package io.stratadb.cli.bench;

import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.DbStats;
import io.stratadb.MemoryBudget;
import io.stratadb.Options;
import io.stratadb.ReadOptions;
import io.stratadb.WriteOptions;
import io.stratadb.cli.LevelTable;
import java.nio.file.Path;

/** StrataDB under benchmark. Thread-safe as {@link Db} is. */
final class StrataBenchEngine implements BenchEngine {
  private final Db db;
  private final WriteOptions writeOptions;
  private final ReadOptions cursorOptions;

  private StrataBenchEngine(Db db, boolean sync, ReadOptions cursorOptions) {
    this.db = db;
    this.writeOptions = WriteOptions.of(sync);
    this.cursorOptions = cursorOptions;
  }

  /**
   * Opens StrataDB on {@code dir} with {@code settings}.
   *
   * @throws IllegalArgumentException if a setting is out of range
   */
  static StrataBenchEngine open(Path dir, BenchSettings settings) {
    return open(dir, settings, settings.strataOptions());
  }

  /**
   * Opens StrataDB on {@code dir} with {@code options}, writing and iterating as {@code settings} say.
   *
   * @throws IllegalArgumentException if a setting is out of range
   */
  static StrataBenchEngine open(Path dir, BenchSettings settings, Options options) {
    return open(dir, settings, options, false);
  }

  /**
   * As {@link #open(Path, BenchSettings, Options)}, read-only ({@link Db#openReadOnly}: writes
   * refused, no compaction, no share of the budget set aside for memtables) if {@code readOnly}.
   *
   * @throws IllegalArgumentException if a setting is out of range
   */
  static StrataBenchEngine open(Path dir, BenchSettings settings, Options options, boolean readOnly) {
    return new StrataBenchEngine(readOnly ? Db.openReadOnly(dir, options) : Db.open(dir, options), settings.sync(),
        settings.strataReadOptions());
  }

  /**
   * Opens StrataDB on {@code dir} with {@code settings}, its memory bounded by one budget of
   * {@link BenchSettings#blockCacheSize()} ({@link MemoryBudget}): data blocks, index and filter
   * blocks and memtables all charged to the block cache under the strict limit, the memtables
   * limited to two write buffers or a quarter of the cache, whichever is less. Without a block
   * cache, as {@link #open}.
   *
   * @throws IllegalArgumentException if a setting is out of range, or the cache is too small for
   *     the memtables' share (below an eighth of the write buffer)
   */
  static StrataBenchEngine openWithinCache(Path dir, BenchSettings settings) {
    return new StrataBenchEngine(Db.open(dir, withinCache(settings)), settings.sync(), settings.strataReadOptions());
  }

  /**
   * The options {@link #openWithinCache} opens with.
   *
   * @throws IllegalArgumentException if a setting is out of range
   */
  static Options withinCache(BenchSettings settings) {
    Options options = settings.strataOptions();
    if (options.blockCacheSize() == 0) {
      return options;
    }
    long memtables = Math.min(2 * options.writeBufferSize(), options.blockCacheSize() / 4);
    return options.toBuilder().memoryBudget(MemoryBudget.builder().chargeMemtablesToBlockCache(true)
        .strictCapacityLimit(true).memtableLimitBytes(memtables).build()).build();
  }

  @Override
  public Kind kind() {
    return Kind.STRATADB;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    db.put(key, value, writeOptions);
  }

  @Override
  public byte[] get(byte[] key) {
    return db.get(key);
  }

  @Override
  public void delete(byte[] key) {
    db.delete(key, writeOptions);
  }

  @Override
  public DbIterator newCursor() {
    return db.newIterator(cursorOptions);
  }

  @Override
  public Db strata() {
    return db;
  }

  @Override
  public String shape() {
    return LevelTable.summary(db.stats());
  }

  @Override
  public long writeStalls() {
    return db.stats().writeStallCount();
  }

  @Override
  public FillBacklog backlog() {
    DbStats stats = db.stats();
    boolean scored = stats.levels().stream().anyMatch(l -> l.score() >= 1);
    return new FillBacklog(stats.immutableMemtables() > 0 || stats.pendingCompactionBytes() > 0 || scored,
        stats.pendingCompactionBytes(), stats.levels().get(0).files());
  }

  @Override
  public void flush() {
    db.flush();
  }

  @Override
  public long stallMillis() {
    return db.stats().stallMillis();
  }

  @Override
  public void close() {
    db.close();
  }
}
