package io.stratadb.cli.bench;

import io.stratadb.Compression;
import io.stratadb.DbIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteOptions;
import org.iq80.leveldb.impl.Iq80DBFactory;

/**
 * iq80 LevelDB ({@code org.iq80.leveldb:leveldb}), the pure-Java LevelDB port, under benchmark
 * with the same write buffer, block size and cache size. It has no bloom filter, and of the codecs
 * only Snappy: LZ4 and Zstd runs use no compression for it (the header says so). Thread-safe as
 * {@link DB} is.
 */
final class LevelDbBenchEngine implements BenchEngine {
  private final DB db;
  private final WriteOptions writeOptions;

  private LevelDbBenchEngine(DB db, boolean sync) {
    this.db = db;
    this.writeOptions = new WriteOptions().sync(sync);
  }

  /**
   * Opens iq80 LevelDB on {@code dir}.
   *
   * @throws IOException if it fails to open the directory
   */
  static LevelDbBenchEngine open(Path dir, BenchSettings settings) throws IOException {
    Options options = new Options()
        .createIfMissing(true)
        .writeBufferSize((int) Math.min(Integer.MAX_VALUE, settings.writeBufferSize()))
        .blockSize(settings.blockSize())
        .cacheSize(settings.blockCacheSize())
        .compressionType(codec(settings.compression()));
    return new LevelDbBenchEngine(Iq80DBFactory.factory.open(dir.toFile(), options), settings.sync());
  }

  /** The codec iq80 uses for {@code c}: Snappy if asked, else none. */
  static CompressionType codec(Compression c) {
    return c == Compression.SNAPPY ? CompressionType.SNAPPY : CompressionType.NONE;
  }

  @Override
  public Kind kind() {
    return Kind.LEVELDB;
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
    DBIterator it = db.iterator();
    return new DbIterator() {
      private Map.Entry<byte[], byte[]> current;

      @Override
      public void seekToFirst() {
        it.seekToFirst();
        advance();
      }

      @Override
      public void seekToLast() {
        throw new UnsupportedOperationException("iq80 LevelDB iterators do not move backward");
      }

      @Override
      public void seekForPrev(byte[] target) {
        throw new UnsupportedOperationException("iq80 LevelDB iterators do not move backward");
      }

      @Override
      public void seek(byte[] target) {
        it.seek(target);
        advance();
      }

      private void advance() {
        current = it.hasNext() ? it.next() : null;
      }

      @Override
      public boolean isValid() {
        return current != null;
      }

      @Override
      public byte[] key() {
        return current.getKey();
      }

      @Override
      public byte[] value() {
        return current.getValue();
      }

      @Override
      public void next() {
        advance();
      }

      @Override
      public void prev() {
        throw new UnsupportedOperationException("iq80 LevelDB iterators do not move backward");
      }

      @Override
      public void close() {
        try {
          it.close();
        } catch (IOException e) {
          throw new IllegalStateException("iq80 iterator close failed", e);
        }
      }
    };
  }

  @Override
  public String shape() {
    StringBuilder sb = new StringBuilder();
    for (int level = 0; level < 7; level++) {
      String files = db.getProperty("leveldb.num-files-at-level" + level);
      if (files != null && !"0".equals(files.strip())) {
        sb.append(sb.length() == 0 ? "" : ", ").append('L').append(level).append(' ').append(files.strip())
            .append(" files");
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (IOException e) {
      throw new IllegalStateException("iq80 LevelDB close failed", e);
    }
  }
}
