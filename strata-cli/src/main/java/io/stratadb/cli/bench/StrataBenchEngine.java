package io.stratadb.cli.bench;

import io.stratadb.Db;
import io.stratadb.DbIterator;
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
    return new StrataBenchEngine(Db.open(dir, options), settings.sync(), settings.strataReadOptions());
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
  public void close() {
    db.close();
  }
}
