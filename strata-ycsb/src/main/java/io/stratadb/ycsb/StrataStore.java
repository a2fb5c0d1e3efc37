package io.stratadb.ycsb;

import io.stratadb.Bound;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import io.stratadb.WriteOptions;
import java.util.function.BiPredicate;

/** StrataDB as a {@link RecordStore}. Thread-safe as {@link Db} is. */
final class StrataStore implements RecordStore {
  private final Db db;
  private final WriteOptions writeOptions;

  private StrataStore(Db db, boolean sync) {
    this.db = db;
    this.writeOptions = WriteOptions.of(sync);
  }

  /**
   * Opens (or creates) the database in {@code settings.dir()}: the given write buffer, block cache
   * and codec, {@value BindingSettings#BLOOM_BITS_PER_KEY} bloom bits per key, {@value
   * BindingSettings#BLOCK_SIZE}-byte blocks, other options at their defaults.
   *
   * @throws IllegalArgumentException if a setting is out of range for {@link Options}
   * @throws io.stratadb.StrataException if the database cannot be opened
   */
  static StrataStore open(BindingSettings settings) {
    Options options = Options.builder()
        .writeBufferSize(settings.writeBufferSize())
        .blockCacheSize(settings.cacheSize())
        .compression(settings.compression())
        .bloomBitsPerKey(BindingSettings.BLOOM_BITS_PER_KEY)
        .blockSize(BindingSettings.BLOCK_SIZE)
        .build();
    return new StrataStore(Db.open(settings.dir(), options), settings.sync());
  }

  @Override
  public byte[] get(byte[] key) {
    return db.get(key);
  }

  @Override
  public void put(byte[] key, byte[] value) {
    db.put(key, value, writeOptions);
  }

  @Override
  public void delete(byte[] key) {
    db.delete(key, writeOptions);
  }

  @Override
  public void scan(byte[] start, byte[] end, BiPredicate<byte[], byte[]> visitor) {
    try (DbIterator it = db.scan(Bound.inclusive(start), Bound.exclusive(end))) {
      for (; it.isValid(); it.next()) {
        if (!visitor.test(it.key(), it.value())) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
