package io.stratadb.sstable;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.stratadb.env.FileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.LookupResult;
import io.stratadb.statistics.Statistics;
import io.stratadb.util.Hash64;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Keeps at most {@code capacity} SSTables open (file handle, index block, bloom filter), evicting
 * the least valuable by Caffeine's W-TinyLFU policy (LevelDB's {@code db/table_cache.cc}). An
 * evicted reader closes once the last user releases it.
 *
 * <p>Thread-safe. Errors opening a table propagate from {@link #acquire(long)} as {@link
 * io.stratadb.CorruptionException} or {@link io.stratadb.StrataIOException}.
 */
public final class TableCache implements AutoCloseable {
  private final FileSystem fs;
  private final LongFunction<Path> pathOf;
  private final Cache<Long, TableReader> cache;
  /** Slots of {@link #recent}; a power of two. */
  private static final int RECENT_SLOTS = 1024;
  /**
   * The reader last acquired per {@code fileNumber mod RECENT_SLOTS}, checked before the Caffeine
   * lookup (which boxes the number and records the read): a hit costs one array read and the
   * reference count. A reader Caffeine evicts is dropped from here too; one that races back in is
   * harmless: while someone holds it open its retain succeeds (it reads the same immutable file),
   * and once closed its retain fails and the lookup falls through. Plain reads and writes suffice: a TableReader's fields are
   * final, so a reader seen through a race is fully built.
   */
  private final AtomicReferenceArray<TableReader> recent = new AtomicReferenceArray<>(RECENT_SLOTS);
  private final BlockCache blockCache;
  private final Statistics statistics;
  private final BooleanSupplier mapTables;
  private final TableReadOptions readOptions;
  /** Set by {@link #close}: a table acquired later is opened for its one caller, never cached. */
  private volatile boolean closed;

  /**
   * @param fs file system to open tables through
   * @param pathOf maps a file number to the table's path
   * @param capacity maximum number of open tables
   */
  public TableCache(FileSystem fs, LongFunction<Path> pathOf, int capacity) {
    this(fs, pathOf, capacity, null);
  }

  /**
   * @param fs file system to open tables through
   * @param pathOf maps a file number to the table's path
   * @param capacity maximum number of open tables
   * @param blockCache cache for the tables' data blocks, or null
   */
  public TableCache(FileSystem fs, LongFunction<Path> pathOf, int capacity, BlockCache blockCache) {
    this(fs, pathOf, capacity, blockCache, null);
  }

  /**
   * @param fs file system to open tables through
   * @param pathOf maps a file number to the table's path
   * @param capacity maximum number of open tables
   * @param blockCache cache for the tables' data blocks, or null
   * @param statistics counts the tables' lookups and bloom probes, or null
   */
  public TableCache(FileSystem fs, LongFunction<Path> pathOf, int capacity, BlockCache blockCache,
      Statistics statistics) {
    this(fs, pathOf, capacity, blockCache, statistics, () -> true, TableReadOptions.DEFAULTS);
  }

  /**
   * @param fs file system to open tables through
   * @param pathOf maps a file number to the table's path
   * @param capacity maximum number of open tables
   * @param blockCache cache for the tables' data blocks, or null
   * @param statistics counts the tables' lookups and bloom probes, or null
   * @param mapTables asked as each table opens whether to memory-map it ({@link
   *     io.stratadb.ReadMode}); called on the opening thread, so it must be thread-safe and cheap
   * @param readOptions read-ahead of iterators over tables that are not mapped
   */
  public TableCache(FileSystem fs, LongFunction<Path> pathOf, int capacity, BlockCache blockCache,
      Statistics statistics, BooleanSupplier mapTables, TableReadOptions readOptions) {
    this.mapTables = mapTables;
    this.readOptions = readOptions;
    this.blockCache = blockCache;
    this.statistics = statistics;
    this.fs = fs;
    this.pathOf = pathOf;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(capacity)
            .executor(Runnable::run)
            .removalListener((Long number, TableReader reader, RemovalCause cause) -> {
              if (reader != null) {
                forget(reader);
                reader.release();
              }
            })
            .build();
  }

  /**
   * Returns the open table {@code fileNumber} with a reference taken; the caller must {@link
   * TableReader#release()} it.
   */
  public TableReader acquire(long fileNumber) {
    int slot = (int) fileNumber & (RECENT_SLOTS - 1);
    TableReader recent = this.recent.getPlain(slot);
    if (recent != null && recent.fileNumber() == fileNumber && recent.retain()) {
      return recent; // retained, so open: it reads its immutable file
    }
    boolean strict = blockCache != null && blockCache.strictCapacityLimit();
    TableReader reader = acquireFromCache(fileNumber, strict ? TableCharge.IF_FITS : TableCharge.ALWAYS);
    if (reader == null && !strict) { // a preload's refusal answered this read too
      reader = acquireFromCache(fileNumber, TableCharge.ALWAYS);
    }
    if (reader == null) {
      // Under the strict limit its index and filter do not fit the budget: opened for this one
      // caller, uncharged, and closed when it releases it (the index and filter used uncached).
      return open(fileNumber, TableCharge.NEVER);
    }
    this.recent.setPlain(slot, reader);
    return reader;
  }

  /**
   * The table opened with its index decoded (charged as held), or null if {@code charge} is
   * IF_FITS and it does not fit. One opened NEVER
   * charged reads its data blocks uncached too: its cache id dies with it, so they would never
   * be found again.
   */
  private TableReader open(long fileNumber, TableCharge charge) {
    return TableReader.open(fs, pathOf.apply(fileNumber), fileNumber,
        charge == TableCharge.NEVER ? null : blockCache, statistics, mapTables.getAsBoolean(), readOptions,
        charge, true);
  }

  /** The cached reader of {@code fileNumber}, retained, opened with {@code charge} if not cached; or null. */
  private TableReader acquireFromCache(long fileNumber, TableCharge charge) {
    while (true) {
      // getIfPresent first: the hit path then allocates no loader lambda.
      TableReader reader = cache.getIfPresent(fileNumber);
      if (reader == null) {
        reader = cache.get(fileNumber, n -> open(n, charge)); // a null result is not cached
        if (reader == null) {
          return null;
        }
      }
      if (reader.retain()) {
        if (closed) { // cached after close's invalidateAll (which removes any cached before it read closed)
          cache.asMap().remove(fileNumber, reader);
        }
        return reader;
      }
      // Evicted and closed between the lookup and retain: drop the stale entry and retry.
      cache.asMap().remove(fileNumber, reader);
    }
  }

  /**
   * Opens table {@code fileNumber} into the cache if its index and filter fit the block cache's
   * budget ({@link BlockCache#tryReserve}), reading no more than its footer otherwise; for
   * preloading at open. Without a block cache every table fits.
   *
   * @return whether the table is open in the cache
   * @throws io.stratadb.CorruptionException if the footer, index or filter is damaged
   * @throws io.stratadb.StrataIOException if the file cannot be opened or read
   */
  public boolean preload(long fileNumber) {
    TableReader reader = acquireFromCache(fileNumber, TableCharge.IF_FITS);
    if (reader == null) {
      return false;
    }
    reader.release();
    return true;
  }

  /** Looks {@code userKey} up in table {@code fileNumber} at {@code sequence}. */
  public LookupResult get(long fileNumber, byte[] userKey, long sequence) {
    return get(fileNumber, userKey, Hash64.hash(userKey, 0, userKey.length), sequence);
  }

  /**
   * As {@link #get(long, byte[], long)}, given {@code hash}, the key's {@link Hash64}, so a lookup
   * through several tables hashes the key once. A found value is a fresh array the caller owns.
   */
  public LookupResult get(long fileNumber, byte[] userKey, long hash, long sequence) {
    TableReader reader = acquire(fileNumber);
    try {
      return reader.get(userKey, hash, sequence);
    } finally {
      reader.release();
    }
  }

  /**
   * Looks up in table {@code fileNumber} each key {@code userKeys[order[j]]} whose result is still
   * null and that {@code inRange} admits, in the given (ascending) order, and stores the decided
   * results. Opens the table only if some key needs it.
   */
  public void multiGet(long fileNumber, byte[][] userKeys, int[] order, long sequence, LookupResult[] results,
      java.util.function.Predicate<byte[]> inRange) {
    TableReader reader = null;
    InternalIterator it = null;
    try {
      for (int i : order) {
        byte[] key = userKeys[i];
        if (results[i] != null || !inRange.test(key)) {
          continue;
        }
        if (reader == null) {
          reader = acquire(fileNumber);
        }
        if (!reader.admits(key)) {
          continue;
        }
        if (it == null) {
          it = reader.iterator();
        }
        LookupResult r = reader.lookup(it, key, sequence);
        if (r.isDecided()) {
          results[i] = r;
        }
      }
    } finally {
      if (it != null) {
        it.close();
      }
      if (reader != null) {
        reader.release();
      }
    }
  }

  /** An unpositioned iterator over table {@code fileNumber}; it holds a reference until closed. */
  public InternalIterator newIterator(long fileNumber) {
    return newIterator(fileNumber, true);
  }

  /**
   * As {@link #newIterator(long)}; with {@code fillCache} false its block reads do not fill the
   * block cache (compaction inputs, read once).
   */
  public InternalIterator newIterator(long fileNumber, boolean fillCache) {
    return new TableIterator(acquire(fileNumber), fillCache, true, true);
  }

  /**
   * As {@link #newIterator(long)}; with {@code seekReadsNext} false a seek whose block misses the
   * cache reads only that block, not the one after it too (an upper level's table, whose iterator
   * a merged seek rarely steps past its first block).
   */
  public InternalIterator newIterator(long fileNumber, boolean fillCache, boolean seekReadsNext) {
    return new TableIterator(acquire(fileNumber), fillCache, true, seekReadsNext);
  }

  /**
   * Drops table {@code fileNumber}'s reader (its file is being deleted). Its cached blocks stay
   * until the block cache evicts them: they are keyed by the reader's cache id, which no later
   * reader shares.
   */
  public void evict(long fileNumber) {
    TableReader recent = this.recent.get((int) fileNumber & (RECENT_SLOTS - 1));
    if (recent != null && recent.fileNumber() == fileNumber) {
      forget(recent);
    }
    cache.invalidate(fileNumber);
  }

  /** Drops {@code reader} from {@link #recent}, so a reader the cache let go is not kept reachable. */
  private void forget(TableReader reader) {
    recent.compareAndSet((int) reader.fileNumber() & (RECENT_SLOTS - 1), reader, null);
  }

  /** Number of tables currently open in the cache. */
  public long size() {
    return cache.estimatedSize();
  }

  /**
   * Evicts every table; readers in use close when released. A table acquired afterwards (by a
   * read racing the database's close) closes when its caller releases it, so no reader outlives
   * the reads that use it.
   */
  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < RECENT_SLOTS; i++) {
      recent.set(i, null);
    }
    cache.invalidateAll();
    cache.cleanUp();
  }
}
