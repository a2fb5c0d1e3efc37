package io.stratadb.cli.bench;

import io.stratadb.Db;
import io.stratadb.DbIterator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A key-value engine under benchmark: StrataDB or a peer (RocksJava, iq80 LevelDB, LMDB), opened on its
 * own directory with equal {@link BenchSettings}. Workloads call it from several threads at once,
 * so implementations are thread-safe as their engines are; a {@link Cursor} is confined to one
 * thread.
 */
interface BenchEngine extends AutoCloseable {

  /** The engines {@code strata bench} knows, by their {@code --compare} names. */
  enum Kind {
    STRATADB, ROCKSDB, LEVELDB, LMDB;

    /** Whether its cursors move backward ({@link DbIterator#seekToLast}, {@link DbIterator#prev}); iq80 0.12's do not. */
    boolean supportsReverse() {
      return this != LEVELDB;
    }

    /**
     * Why the process's write counter ({@link IoCounters}, {@code wchar}) misses some of this
     * engine's writes, so its write amplification is not reported, or null if it sees them all:
     * iq80 LevelDB writes its WAL and manifest through memory-mapped files ({@code MMapLogWriter})
     * unless {@code -Dleveldb.mmap=false}.
     */
    String uncountedWrites() {
      if (this == LEVELDB && org.iq80.leveldb.impl.Iq80DBFactory.USE_MMAP) {
        return "iq80 writes its log through mmap, which /proc/self/io's wchar does not count "
            + "(-Dleveldb.mmap=false makes it use write())";
      }
      return null;
    }

    /** The lower-case name used on the command line and in reports. */
    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind named {@code name} (any case).
     *
     * @throws IllegalArgumentException if there is none
     */
    static Kind named(String name) {
      for (Kind k : values()) {
        if (k.label().equalsIgnoreCase(name.strip())) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown engine '" + name + "' (known: stratadb, rocksdb, leveldb, lmdb)");
    }

    /**
     * Opens (creating if missing) an engine of this kind on {@code dir}, not knowing how much data
     * it will hold (LMDB then reserves {@link LmdbBenchEngine#DEFAULT_MAP_BYTES}).
     *
     * @throws IOException if the engine cannot open the directory
     */
    BenchEngine open(Path dir, BenchSettings settings) throws IOException {
      return open(dir, settings, 0);
    }

    /**
     * Opens (creating if missing) an engine of this kind on {@code dir}.
     *
     * @param dataBytes the raw key and value bytes it will hold at most (LMDB sizes its map from
     *     them, see {@link LmdbBenchEngine#mapBytes}), or 0 if unknown; the other engines ignore it
     * @throws IOException if the engine cannot open the directory
     */
    BenchEngine open(Path dir, BenchSettings settings, long dataBytes) throws IOException {
      return switch (this) {
        case STRATADB -> StrataBenchEngine.open(dir, settings);
        case ROCKSDB -> RocksDbBenchEngine.open(dir, settings);
        case LEVELDB -> LevelDbBenchEngine.open(dir, settings);
        case LMDB -> LmdbBenchEngine.open(dir, settings, dataBytes);
      };
    }
  }

  /** Which engine this is. */
  Kind kind();

  /** Stores {@code value} under {@code key}, fsyncing the WAL first if the settings say so. */
  void put(byte[] key, byte[] value);

  /** The value of {@code key}, or null if absent. */
  byte[] get(byte[] key);

  /** Deletes {@code key}. */
  void delete(byte[] key);

  /**
   * A new iterator over a consistent view, not yet positioned: StrataDB's own, or a peer's iterator
   * behind the same {@link DbIterator} interface. Confined to one thread.
   */
  DbIterator newCursor();

  /** The StrataDB database behind this engine, for StrataDB-only workloads (transactions). */
  default Db strata() {
    throw new UnsupportedOperationException(kind().label() + " has no StrataDB transactions");
  }

  /** A one-line summary of the engine's shape after a write workload (levels, files), or "". */
  default String shape() {
    return "";
  }

  /**
   * Writes the engine delayed or stopped since it opened (StrataDB's {@code writeStallCount},
   * RocksDB's {@code total-delays} plus {@code total-stops}), or -1 where it does not say.
   */
  default long writeStalls() {
    return -1;
  }

  /** The engine's flush and compaction backlog now; {@link FillBacklog#UNKNOWN} where it does not say. */
  default FillBacklog backlog() {
    return FillBacklog.UNKNOWN;
  }

  /**
   * Milliseconds writers spent delayed or stopped since the engine opened (StrataDB's {@code
   * stallMillis}, RocksDB's "Cumulative stall" of {@code rocksdb.stats}), or -1 where it does not say.
   */
  default long stallMillis() {
    return -1;
  }

  /**
   * Writes the memtable to a table and waits for it, so that a later open replays no write-ahead
   * log (RocksDB's {@code DB::Flush} with {@code wait_for_flush}, StrataDB's {@link Db#flush()}).
   * Does nothing for an engine without memtables.
   *
   * @throws IllegalStateException if the engine's flush fails
   */
  default void flush() {}

  /** Closes the engine, waiting for its background work. */
  @Override
  void close();
}
