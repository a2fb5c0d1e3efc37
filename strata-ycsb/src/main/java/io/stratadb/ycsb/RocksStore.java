package io.stratadb.ycsb;

import java.util.Arrays;
import java.util.function.BiPredicate;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * RocksJava as a {@link RecordStore}, the benchmark peer. It gets the settings StrataDB gets: the
 * same write buffer, an LRU block cache of the same size, a full bloom filter of {@value
 * BindingSettings#BLOOM_BITS_PER_KEY} bits per key, {@value BindingSettings#BLOCK_SIZE}-byte
 * blocks, the same codec, two background jobs (StrataDB's default), the WAL on and an fsync per
 * write only if {@code sync}. Thread-safe as {@link RocksDB} is; {@link #close()} frees every
 * native handle.
 */
final class RocksStore implements RecordStore {
  static {
    RocksDB.loadLibrary();
  }

  private final Options options;
  private final LRUCache cache;
  private final BloomFilter filter;
  private final WriteOptions writeOptions;
  private final RocksDB db;

  private RocksStore(BindingSettings settings) throws RocksDBException {
    cache = new LRUCache(settings.cacheSize());
    filter = new BloomFilter(BindingSettings.BLOOM_BITS_PER_KEY, false);
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockSize(BindingSettings.BLOCK_SIZE)
        .setBlockCache(cache)
        .setFilterPolicy(filter);
    options = new Options()
        .setCreateIfMissing(true)
        .setWriteBufferSize(settings.writeBufferSize())
        .setMaxBackgroundJobs(2)
        .setLevelCompactionDynamicLevelBytes(true)
        .setCompressionType(codec(settings))
        .setTableFormatConfig(table);
    writeOptions = new WriteOptions().setSync(settings.sync()).setDisableWAL(false);
    try {
      db = RocksDB.open(options, settings.dir().toString());
    } catch (RocksDBException e) {
      writeOptions.close();
      options.close();
      filter.close();
      cache.close();
      throw e;
    }
  }

  /**
   * Opens (or creates) the database in {@code settings.dir()}.
   *
   * @throws IllegalStateException wrapping the {@link RocksDBException} if RocksDB fails to open it
   */
  static RocksStore open(BindingSettings settings) {
    try {
      return new RocksStore(settings);
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB failed to open " + settings.dir() + ": " + e.getMessage(), e);
    }
  }

  private static CompressionType codec(BindingSettings settings) {
    return switch (settings.compression()) {
      case NONE -> CompressionType.NO_COMPRESSION;
      case LZ4 -> CompressionType.LZ4_COMPRESSION;
      case ZSTD -> CompressionType.ZSTD_COMPRESSION;
      case SNAPPY -> CompressionType.SNAPPY_COMPRESSION;
    };
  }

  /** A RocksJava call; its checked exception becomes {@link IllegalStateException}. */
  @FunctionalInterface
  private interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  private static <T> T rocks(String op, RocksCall<T> call) {
    try {
      return call.call();
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB " + op + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    return rocks("get", () -> db.get(key));
  }

  @Override
  public void put(byte[] key, byte[] value) {
    rocks("put", () -> {
      db.put(writeOptions, key, value);
      return null;
    });
  }

  @Override
  public void delete(byte[] key) {
    rocks("delete", () -> {
      db.delete(writeOptions, key);
      return null;
    });
  }

  @Override
  public void scan(byte[] start, byte[] end, BiPredicate<byte[], byte[]> visitor) {
    try (RocksIterator it = db.newIterator()) {
      for (it.seek(start); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (Arrays.compareUnsigned(key, end) >= 0 || !visitor.test(key, it.value())) {
          return;
        }
      }
      // An iterator that stops early on an I/O error is only invalid; status() tells the two apart.
      rocks("scan", () -> {
        it.status();
        return null;
      });
    }
  }

  @Override
  public void close() {
    db.close();
    writeOptions.close();
    options.close();
    filter.close();
    cache.close();
  }
}
