package io.stratadb.cli.bench;

import io.stratadb.Compression;
import io.stratadb.DbIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

/**
 * RocksJava ({@code org.rocksdb:rocksdbjni}) under benchmark, tuned as its wiki's "Setup Options
 * and Basic Tuning" recommends for a point-lookup-and-scan workload: block-based table with a full
 * bloom filter of the same bits per key, an LRU block cache of the same size as StrataDB's (with
 * index and filter blocks in it), dynamic level bytes, two background jobs (this machine's cores),
 * and the same write buffer, block size and codec. Thread-safe as {@link RocksDB} is; every
 * native handle is closed in {@link #close()}.
 */
final class RocksDbBenchEngine implements BenchEngine {
  static {
    RocksDB.loadLibrary();
  }

  /** The DB-wide line of {@code rocksdb.stats}, e.g. "Cumulative stall: 00:00:1.234 H:M:S, 0.5 percent". */
  private static final Pattern CUMULATIVE_STALL =
      Pattern.compile("Cumulative stall: (\\d+):(\\d+):(\\d+(?:\\.\\d+)?) H:M:S");

  private final Options options;
  private final LRUCache cache;
  private final BloomFilter filter;
  private final WriteOptions writeOptions;
  private final RocksDB db;

  private RocksDbBenchEngine(Path dir, BenchSettings settings) throws RocksDBException {
    cache = new LRUCache(settings.blockCacheSize());
    filter = new BloomFilter(Math.max(settings.bloomBitsPerKey(), 1), false);
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockSize(settings.blockSize())
        .setBlockCache(cache)
        .setCacheIndexAndFilterBlocks(true)
        .setPinL0FilterAndIndexBlocksInCache(true);
    if (settings.bloomBitsPerKey() > 0) {
      table.setFilterPolicy(filter);
    }
    options = new Options()
        .setCreateIfMissing(true)
        .setWriteBufferSize(settings.writeBufferSize())
        .setMaxBackgroundJobs(Math.max(2, Runtime.getRuntime().availableProcessors()))
        .setLevelCompactionDynamicLevelBytes(true)
        .setCompressionType(codec(settings.compression()))
        .setTableFormatConfig(table);
    if (settings.targetFileSize() > 0) {
      options.setTargetFileSizeBase(settings.targetFileSize());
    }
    writeOptions = new WriteOptions().setSync(settings.sync());
    db = RocksDB.open(options, dir.toString());
  }

  /**
   * Opens RocksDB on {@code dir}.
   *
   * @throws IOException if RocksDB fails to open it
   */
  static RocksDbBenchEngine open(Path dir, BenchSettings settings) throws IOException {
    try {
      return new RocksDbBenchEngine(dir, settings);
    } catch (RocksDBException e) {
      throw new IOException("RocksDB failed to open " + dir + ": " + e.getMessage(), e);
    }
  }

  private static CompressionType codec(Compression c) {
    return switch (c) {
      case NONE -> CompressionType.NO_COMPRESSION;
      case LZ4 -> CompressionType.LZ4_COMPRESSION;
      case ZSTD -> CompressionType.ZSTD_COMPRESSION;
      case SNAPPY -> CompressionType.SNAPPY_COMPRESSION;
    };
  }

  @Override
  public Kind kind() {
    return Kind.ROCKSDB;
  }

  @Override
  public void put(byte[] key, byte[] value) {
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB put failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] get(byte[] key) {
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB get failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(byte[] key) {
    try {
      db.delete(writeOptions, key);
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB delete failed: " + e.getMessage(), e);
    }
  }

  @Override
  public DbIterator newCursor() {
    RocksIterator it = db.newIterator();
    return new DbIterator() {
      @Override
      public void seekToFirst() {
        it.seekToFirst();
      }

      @Override
      public void seekToLast() {
        it.seekToLast();
      }

      @Override
      public void seek(byte[] target) {
        it.seek(target);
      }

      @Override
      public void seekForPrev(byte[] target) {
        it.seekForPrev(target);
      }

      @Override
      public boolean isValid() {
        return it.isValid();
      }

      @Override
      public byte[] key() {
        return it.key();
      }

      @Override
      public byte[] value() {
        return it.value();
      }

      @Override
      public void next() {
        it.next();
      }

      @Override
      public void prev() {
        it.prev();
      }

      @Override
      public void close() {
        it.close();
      }
    };
  }

  @Override
  public String shape() {
    StringBuilder sb = new StringBuilder();
    try {
      for (int level = 0; level < 7; level++) {
        String files = db.getProperty("rocksdb.num-files-at-level" + level);
        if (!"0".equals(files)) {
          sb.append(sb.length() == 0 ? "" : ", ").append('L').append(level).append(' ').append(files).append(" files");
        }
      }
    } catch (RocksDBException e) {
      return "";
    }
    return sb.toString();
  }

  @Override
  public long writeStalls() {
    try {
      java.util.Map<String, String> stats = db.getMapProperty("rocksdb.cf-write-stall-stats");
      return Long.parseLong(stats.getOrDefault("total-delays", "0").strip())
          + Long.parseLong(stats.getOrDefault("total-stops", "0").strip());
    } catch (RocksDBException | RuntimeException e) {
      return -1;
    }
  }

  @Override
  public FillBacklog backlog() {
    try {
      boolean pending = longProperty("rocksdb.mem-table-flush-pending") > 0
          || longProperty("rocksdb.compaction-pending") > 0 || longProperty("rocksdb.num-running-flushes") > 0
          || longProperty("rocksdb.num-running-compactions") > 0;
      return new FillBacklog(pending, longProperty("rocksdb.estimate-pending-compaction-bytes"),
          Integer.parseInt(db.getProperty("rocksdb.num-files-at-level0").strip()));
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB property read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void flush() {
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flush(flush);
    } catch (RocksDBException e) {
      throw new IllegalStateException("RocksDB flush failed: " + e.getMessage(), e);
    }
  }

  private long longProperty(String name) throws RocksDBException {
    return db.getLongProperty(name);
  }

  @Override
  public long stallMillis() {
    try {
      Matcher m = CUMULATIVE_STALL.matcher(db.getProperty("rocksdb.stats"));
      if (!m.find()) {
        return -1;
      }
      double seconds = Long.parseLong(m.group(1)) * 3600 + Long.parseLong(m.group(2)) * 60
          + Double.parseDouble(m.group(3));
      return Math.round(seconds * 1000);
    } catch (RocksDBException | RuntimeException e) {
      return -1;
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
