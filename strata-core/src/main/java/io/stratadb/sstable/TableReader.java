package io.stratadb.sstable;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.FileSystem;
import io.stratadb.env.ReadableFile;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.LookupResult;
import io.stratadb.statistics.Statistics;
import io.stratadb.util.Hash64;
import java.io.IOException;
import java.nio.file.Path;
import io.stratadb.util.RefCount;

/**
 * An open SSTable: its {@link Footer}, index block (decoded on first use, {@link IndexBlock}, the
 * raw block then dropped) and bloom filter in memory (their bytes charged to the block cache,
 * {@link BlockCache#reserve}, until the table closes), data blocks read on
 * demand with their checksums verified by a {@link BlockReader} (LevelDB's {@code
 * table/table.cc}); an uncompressed block of a memory-mapped table is read in place and verified on
 * its first read ({@link #readDataBlock(int, boolean, ReadaheadBuffer, boolean)}). Point lookups ({@link #get}) and
 * iterators ({@link TableIterator}) start here.
 *
 * <p>Thread-safe: reads are positional, the parsed state is immutable once built, and what readers
 * learn about blocks is kept in thread-safe {@link BlockBitSet}s. Reference-counted so the
 * {@link TableCache} can evict it while readers still use it: the file closes when the last
 * reference is released. Errors: {@link CorruptionException} (names the file and offset) for a
 * failed checksum or format check, {@link StrataIOException} for a failed read.
 */
public final class TableReader {
  private final ReadableFile file;
  private final String fileName;
  private final long fileNumber;
  /**
   * The index block as read; dropped once {@link #decodedIndex} replaces it (it would double the
   * index's memory: 36 of the 120 bytes per data block measured at 1M keys, 2026-12-07). Guarded
   * by {@code this}.
   */
  private Block index;
  private final long indexOffset;
  private final byte[] filter;
  private final Footer footer;
  /** Reads, verifies and decompresses the data blocks, through the block cache. */
  private final BlockReader blocks;
  /** Counts lookups and bloom probes; null for none. */
  private final Statistics statistics;
  private final RefCount references = new RefCount();
  /** {@link #index} decoded on first use, so opening a table keeps reporting what it did. */
  private volatile IndexBlock decodedIndex;
  /**
   * The uncompressed data blocks of a mapped table verified so far, and the blocks found
   * compressed; made with {@link #decodedIndex} and written before it, so read after it.
   */
  private BlockBitSet verifiedBlocks;
  private BlockBitSet compressedBlocks;
  /** Caches data blocks, and is charged for the index and filter; null for none. */
  private final BlockCache blockCache;
  /**
   * Bytes charged to {@link #blockCache} for the index block, the filter and the decoded index
   * (estimated at open, made exact when decoded), returned when the file closes. Guarded by {@code
   * this}.
   */
  private long chargedBytes;
  /** The estimate of the decoded index included in {@link #chargedBytes}; 0 once decoded or uncharged. */
  private long decodedEstimate;

  /** Read-ahead sizes of iterators over the table when it is not mapped. */
  private final TableReadOptions readOptions;

  TableReader(ReadableFile file, String fileName, long fileNumber, Block index, byte[] filter,
      Footer footer, BlockCache blockCache, Statistics statistics, TableReadOptions readOptions, long chargedBytes,
      long decodedEstimate, IndexBlock decoded) {
    this.file = file;
    this.readOptions = readOptions;
    this.footer = footer;
    this.statistics = statistics;
    this.fileName = fileName;
    this.fileNumber = fileNumber;
    this.index = index;
    this.indexOffset = footer.index().offset();
    this.filter = filter;
    this.blocks = new BlockReader(file, fileName, footer.offset(), indexOffset, blockCache);
    this.blockCache = blockCache;
    this.chargedBytes = chargedBytes;
    this.decodedEstimate = decodedEstimate;
    if (decoded != null) {
      this.index = null; // replaced by the decoded index
      this.verifiedBlocks = new BlockBitSet(decoded.size());
      this.compressedBlocks = new BlockBitSet(decoded.size());
      this.decodedIndex = decoded; // last: read first by decodedIndex()
    }
  }


  /**
   * Makes the decoded index's charge exact, and returns the charge of the raw index block, {@code
   * rawBytes}, dropped. REQUIRES: this held.
   */
  private void chargeDecoded(long exactBytes, long rawBytes) {
    if (chargedBytes == 0) {
      return; // not charged (NEVER, or no block cache)
    }
    long change = exactBytes - decodedEstimate - rawBytes;
    if (change > 0) {
      blockCache.reserve(change);
    } else {
      blockCache.unreserve(-change);
    }
    chargedBytes += change;
    decodedEstimate = 0;
  }

  /**
   * Opens and validates the table at {@code path}. The returned reader holds one reference.
   *
   * @throws CorruptionException if the footer, index or filter is damaged
   * @throws StrataIOException if the file cannot be opened or read
   */
  public static TableReader open(FileSystem fs, Path path, long fileNumber) {
    return open(fs, path, fileNumber, null);
  }

  /**
   * Opens and validates the table at {@code path}, caching its data blocks in {@code blockCache}
   * (null for none). The returned reader holds one reference.
   *
   * @throws CorruptionException if the footer, index or filter is damaged
   * @throws StrataIOException if the file cannot be opened or read
   */
  public static TableReader open(FileSystem fs, Path path, long fileNumber, BlockCache blockCache) {
    return open(fs, path, fileNumber, blockCache, null);
  }

  /**
   * As {@link #open(FileSystem, Path, long, BlockCache)}, counting each {@link #get} lookup and
   * bloom probe in {@code statistics} (null for none).
   *
   * @throws CorruptionException if the footer, index or filter is damaged
   * @throws StrataIOException if the file cannot be opened or read
   */
  public static TableReader open(FileSystem fs, Path path, long fileNumber, BlockCache blockCache,
      Statistics statistics) {
    return open(fs, path, fileNumber, blockCache, statistics, true, TableReadOptions.DEFAULTS);
  }

  /**
   * As {@link #open(FileSystem, Path, long, BlockCache, Statistics)}; the file is opened with
   * {@link FileSystem#openImmutable(Path, boolean)}, memory-mapped if {@code map} (and the file
   * system maps), else read with one positional read per block, iterators reading ahead as {@code
   * readOptions} says; opened with {@link FileSystem#openDirect} instead as {@link
   * TableReadOptions#open} says.
   *
   * @throws CorruptionException if the footer, index or filter is damaged
   * @throws StrataIOException if the file cannot be opened or read
   */
  public static TableReader open(FileSystem fs, Path path, long fileNumber, BlockCache blockCache,
      Statistics statistics, boolean map, TableReadOptions readOptions) {
    return open(fs, path, fileNumber, blockCache, statistics, map, readOptions, TableCharge.ALWAYS, false);
  }

  /**
   * As {@link #open(FileSystem, Path, long, BlockCache, Statistics, boolean, TableReadOptions)},
   * charging the index and filter (and an estimate of the decoded index) to {@code blockCache} as
   * {@code charge} says. With {@link TableCharge#IF_FITS} the raw index and filter sizes are checked
   * against the budget from the footer before they are read, and the decoded index's estimate (or,
   * with {@code decodeIndex}, what the decoded index takes beyond the raw block) once the index is
   * read. With {@code decodeIndex} the index is decoded now and its raw block dropped: the table
   * is charged what it holds, never the estimate; a damaged index then fails the open.
   *
   * @return the reader, or null if {@code charge} is {@link TableCharge#IF_FITS} and the charge does not
   *     fit (the file is closed again, having read no more than the footer and, if they fit, the
   *     index and filter blocks)
   * @throws CorruptionException if the footer, index or filter is damaged
   * @throws StrataIOException if the file cannot be opened or read
   */
  static TableReader open(FileSystem fs, Path path, long fileNumber, BlockCache blockCache,
      Statistics statistics, boolean map, TableReadOptions readOptions, TableCharge charge, boolean decodeIndex) {
    // The reader holds the cache until its last release; a closed cache is not read (uncached).
    BlockCache retained = blockCache != null && blockCache.retain() ? blockCache : null;
    TableReader reader = null;
    try {
      reader = TableOpening.open(fs, path, fileNumber, retained, statistics, map, readOptions, charge, decodeIndex);
      return reader;
    } finally {
      if (reader == null && retained != null) {
        retained.release();
      }
    }
  }


  /**
   * One entry of the index block: the last internal key of a data block, and where the block is.
   *
   * @param lastKey the index key (the block's last internal key)
   * @param handle the data block's offset and size
   */
  public record IndexEntry(byte[] lastKey, BlockHandle handle) {}

  /**
   * The index block's entries in order, one per data block, for tools that walk a table block by
   * block ({@code strata verify}, {@code strata repair}). The index was checksum-verified when the
   * table was opened.
   *
   * @throws CorruptionException if the index block does not decode or holds a malformed handle
   *     (names the index block's offset)
   */
  public java.util.List<IndexEntry> indexEntries() {
    java.util.List<IndexEntry> out = new java.util.ArrayList<>();
    Block raw;
    IndexBlock decoded;
    synchronized (this) {
      raw = index;
      decoded = decodedIndex;
    }
    if (raw == null) { // decoded (and so validated) already
      for (int i = 0; i < decoded.size(); i++) {
        out.add(new IndexEntry(decoded.lastKey(i), new BlockHandle(decoded.offset(i), decoded.blockSize(i))));
      }
      return out;
    }
    try (InternalIterator it = raw.iterator(InternalKey.COMPARATOR)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        out.add(new IndexEntry(it.key(), decodeHandle(it.value())));
      }
    }
    return out;
  }

  /**
   * Reads the data block at {@code handle}, verifying its checksum when it comes from the file
   * (an uncompressed block of a mapped table on every call: tools that check a table use this) and
   * decompressing it (through the block cache, if the table has one); an uncompressed block of a
   * mapped table is a {@link Block#view} of the mapping. The returned block is immutable; its
   * entries are not validated beyond the restart array.
   *
   * @throws CorruptionException if the handle lies outside the table, the checksum fails or the
   *     block does not decompress (names the file and the block's offset)
   * @throws StrataIOException if the read fails
   */
  public Block readDataBlock(BlockHandle handle) {
    Block view = blocks.mappedView(-1, handle.offset(), handle.size(), null, null);
    return view != null ? view
        : blocks.owned(blocks.cached(handle.offset(), handle.size(), true), handle.offset(), handle.size());
  }

  /**
   * Data block {@code blockIndex} of the index, as {@link #readDataBlock(BlockHandle)}. With {@code
   * fillCache} false a block read from the file is not added to the block cache (RocksDB's {@code
   * ReadOptions::fill_cache}), so a compaction's one-pass read does not evict the blocks readers
   * use. A cache hit allocates no handle.
   *
   * <p>An uncompressed block of a memory-mapped table is a {@link Block#view} of the mapping: it is
   * neither cached nor copied into the block cache (the page cache holds it), as LevelDB does for
   * mmap'd tables (the iterator decoding it copies it to its own buffer, {@link
   * Block#heapIterator}), and its checksum is
   * verified on its first read through this reader, then trusted as a cached block is.
   * A block found compressed is remembered, so its later reads go to the block cache without
   * touching the mapping (whose pages the OS may have evicted). Both are a {@link BlockBitSet}.
   *
   * <p>A block read from the file of a table that is not mapped is read through {@code readahead}
   * when it is not null; with {@code lookup} (a point lookup, which drops the block before its
   * thread reads another) it may be read into the thread's lookup buffer ({@link
   * BlockReader#cachedForLookup}).
   *
   * @throws IndexOutOfBoundsException if {@code blockIndex} is not in {@code [0, blocks)}
   */
  Block readDataBlock(int blockIndex, boolean fillCache, ReadaheadBuffer readahead, boolean lookup) {
    IndexBlock index = decodedIndex();
    long offset = index.offset(blockIndex);
    long size = index.blockSize(blockIndex);
    if (!compressedBlocks.contains(blockIndex)) {
      Block view = blocks.mappedView(blockIndex, offset, size, verifiedBlocks, compressedBlocks);
      if (view != null) {
        return view;
      }
    }
    return lookup ? blocks.cachedForLookup(offset, size) : readahead == null ? blocks.cached(offset, size, fillCache)
        : blocks.cached(offset, size, fillCache, readahead);
  }

  /** {@link Block#heapIterator} of data block {@code blockIndex}, read again if its arena pages were reused. */
  InternalIterator heapIterator(Block block, int blockIndex, InternalIterator reuse) {
    InternalIterator it = block.heapIterator(InternalKey.COMPARATOR, reuse);
    return it != null ? it : blocks.reread(decodedIndex().offset(blockIndex), decodedIndex().blockSize(blockIndex))
        .heapIterator(InternalKey.COMPARATOR, null);
  }

  /**
   * A read-ahead buffer for one iterator over this table, a compaction input if {@code
   * compaction}; null when the table is mapped (iterators then use {@link #prefetch}) or the
   * read-ahead size is 0.
   */
  ReadaheadBuffer newReadahead(boolean compaction) {
    int bytes = compaction ? readOptions.compactionReadaheadSize() : readOptions.maxAutoReadaheadSize();
    if (bytes == 0 || isMapped()) {
      return null;
    }
    return compaction ? ReadaheadBuffer.forCompaction(file, dataEnd(), bytes)
        : ReadaheadBuffer.forIterator(file, dataEnd(), bytes);
  }

  /**
   * Whether the table's file is memory-mapped.
   *
   * @throws StrataIOException if the file is closed
   */
  boolean isMapped() {
    try {
      return file.mapping() != null;
    } catch (IOException e) {
      throw new StrataIOException("cannot read " + fileName, e);
    }
  }

  /** Where the data blocks end: the filter block's offset, or the index block's without one. */
  private long dataEnd() {
    return footer.filter().size() > 0 ? footer.filter().offset() : indexOffset;
  }

  /**
   * Hints that the data blocks in the {@code length} bytes at {@code offset} will be read soon
   * ({@link ReadableFile#prefetch}), cut where the data blocks end; used by sequential iterators.
   */
  void prefetch(long offset, long length) {
    long end = Math.min(dataEnd(), offset + length);
    if (end > offset) {
      file.prefetch(offset, end - offset);
    }
  }

  /** Decodes an index entry's value. */
  BlockHandle decodeHandle(byte[] encoded) {
    try {
      return BlockHandle.decode(encoded);
    } catch (IndexOutOfBoundsException e) {
      throw new CorruptionException(fileName, indexOffset, "malformed block handle in index block");
    }
  }

  /** The table's footer, as read when it was opened. */
  public Footer footer() {
    return footer;
  }

  /** Bits in the bloom filter's bit array; 0 when the table has no filter. */
  public long filterBits() {
    return filter == null ? 0 : BloomFilter.bitCount(filter);
  }

  /** The bloom filter's probe count (hash functions) k; 0 when the table has no filter. */
  public int filterProbes() {
    return filter == null ? 0 : BloomFilter.probeCount(filter);
  }

  /**
   * How the block at {@code handle} is stored: the compression type byte of its trailer (the block
   * itself is checked by {@link #readDataBlock}).
   *
   * @throws CorruptionException if the handle lies outside the table or the type is unknown
   * @throws StrataIOException if the read fails
   */
  public Compression blockCompression(BlockHandle handle) {
    return blocks.compression(handle);
  }

  /** The table's file name as given to {@link #open}, for error messages. */
  String fileName() {
    return fileName;
  }

  /** The table's file number. */
  public long fileNumber() {
    return fileNumber;
  }

  /** Whether the bloom filter admits {@code userKey} (true when the table has no filter). */
  public boolean mayContain(byte[] userKey) {
    return filter == null || BloomFilter.mayContain(filter, Hash64.hash(userKey, 0, userKey.length));
  }

  /**
   * As {@link #mayContain}, for a point lookup about to read the table: counts the probe (or the
   * unfiltered read) in the table's statistics.
   */
  public boolean admits(byte[] userKey) {
    return admits(userKey, Hash64.hash(userKey, 0, userKey.length));
  }

  /** As {@link #admits(byte[])}, given {@code hash}, the key's {@link Hash64}. */
  private boolean admits(byte[] userKey, long hash) {
    boolean admitted = filter == null || BloomFilter.mayContain(filter, hash);
    if (statistics != null) {
      statistics.recordTableLookup(filter != null, admitted);
    }
    return admitted;
  }

  /**
   * Looks up the newest version of {@code userKey} at or below {@code sequence}, consulting the
   * bloom filter first. A found value is a fresh array the caller owns.
   */
  public LookupResult get(byte[] userKey, long sequence) {
    return get(userKey, Hash64.hash(userKey, 0, userKey.length), sequence);
  }

  /**
   * As {@link #get(byte[], long)}, given {@code hash}, the key's {@link Hash64}, so a lookup that
   * probes several tables hashes the key once. The block holding the key is searched directly,
   * without a two-level iterator: the index holds each block's last key, so the first block whose
   * last key is at or after the seek key holds the first entry at or after it.
   *
   * @return the decided result; {@link LookupResult#MISSED} if a data block was read and did not
   *     hold the key (a bloom false positive, or no filter); {@link LookupResult#ABSENT} if the
   *     filter or the table's key range ruled it out without a read
   * @throws CorruptionException if the index, the data block or the entry found is damaged
   */
  public LookupResult get(byte[] userKey, long hash, long sequence) {
    if (!admits(userKey, hash)) {
      return LookupResult.ABSENT;
    }
    byte[] target = InternalKey.forSeek(userKey, sequence);
    IndexBlock index = decodedIndex();
    int i = index.firstBlockEndingAtOrAfter(target);
    if (i >= index.size()) {
      return LookupResult.ABSENT; // past the table's last key
    }
    Block block = readDataBlock(i, true, null, true);
    // The thread's spare block iterator (and its heap copy buffer), as a table iterator takes one.
    InternalIterator it = heapIterator(block, i, TableIterator.takeSpare());
    try {
      it.seek(target);
      if (!it.isValid()) {
        // Only a block that ends before its index key (an empty one) gets here: the two-level
        // iterator steps on to the next block.
        try (InternalIterator table = iterator()) {
          return lookup(table, userKey, sequence);
        }
      }
      byte[] key = it.key();
      if (!InternalKey.isWellFormed(key)) {
        throw new CorruptionException(fileName, index.offset(i), "malformed internal key in data block");
      }
      if (InternalKey.compareUserKey(key, userKey) != 0) {
        return LookupResult.MISSED; // a bloom false positive: no value copied
      }
      return LookupResult.fromEntry(userKey, key, it.value());
    } finally {
      TableIterator.keepSpare(it);
    }
  }

  /**
   * Looks {@code userKey} up with {@code it}, an iterator of this table that a batch of lookups
   * reuses (staying on one data block skips its cache lookup). Does not consult the bloom filter.
   */
  LookupResult lookup(InternalIterator it, byte[] userKey, long sequence) {
    it.seek(InternalKey.forSeek(userKey, sequence));
    return it.isValid() ? LookupResult.fromEntry(userKey, it.key(), it.value()) : LookupResult.MISSED;
  }

  /** An unpositioned iterator over every entry. The caller must hold a reference while using it. */
  public InternalIterator iterator() {
    return iterator(true);
  }

  /**
   * An iterator whose block reads fill the block cache only if {@code fillCache}. One that does not
   * is taken for a compaction input, read once from start to end: when the table is not mapped it
   * reads {@link TableReadOptions#compactionReadaheadSize()} at a time from its first block.
   */
  public InternalIterator iterator(boolean fillCache) {
    return new TableIterator(this, fillCache);
  }

  /**
   * The index decoded into arrays, built once, on first use.
   *
   * @throws CorruptionException if the index does not decode (names the index block's offset)
   */
  IndexBlock decodedIndex() {
    IndexBlock decoded = decodedIndex;
    if (decoded == null) {
      synchronized (this) { // once: the bit sets made with it collect what every reader learns
        decoded = decodedIndex;
        if (decoded == null) {
          decoded = IndexBlock.decode(index, fileName, indexOffset);
          chargeDecoded(decoded.memoryBytes(), index.size());
          index = null;
          verifiedBlocks = new BlockBitSet(decoded.size());
          compressedBlocks = new BlockBitSet(decoded.size());
          decodedIndex = decoded;
        }
      }
    }
    return decoded;
  }

  /** Takes a reference; false if the reader is already closed (open it again). */
  public boolean retain() {
    return references.tryRetain();
  }

  /** Drops a reference, closing the file and releasing the block cache when none remain. */
  public void release() {
    if (references.release()) {
      synchronized (this) {
        if (blockCache != null) {
          blockCache.unreserve(chargedBytes);
          chargedBytes = 0;
        }
      }
      if (blockCache != null) {
        blockCache.release(); // no read of this table copies a block out of its arena any more
      }
      try {
        file.close();
      } catch (IOException e) {
        org.slf4j.LoggerFactory.getLogger(TableReader.class).warn("closing {} failed", fileName, e);
      }
    }
  }
}
