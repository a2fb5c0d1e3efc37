package io.stratadb.sstable;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.StrataIOException;
import io.stratadb.env.ReadableFile;
import io.stratadb.util.Crc32c;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Fetches the blocks of one SSTable: reads a block and its trailer, verifies the CRC32C, and
 * decompresses it (LevelDB's {@code table/format.cc ReadBlock}), going through the table's block
 * cache when it has one; an uncompressed block of a memory-mapped table is instead a {@link
 * Block#view} of the mapping, verified on its first read.
 *
 * <p>Every block lies before {@code limit} (the footer's offset). A block handle out of range is
 * reported at {@code handlesAt}, where the handles are stored (the index block's offset), as the
 * handle's own offset may be anything.
 *
 * <p>Thread-safe: reads are positional and the state is immutable; what is learned about blocks
 * goes into the caller's thread-safe {@link BlockBitSet}s. Errors: {@link CorruptionException}
 * (names the file and the block's offset) for a handle out of range, a checksum mismatch or a
 * block that does not decompress; {@link StrataIOException} for a failed read.
 */
final class BlockReader {
  /** Each thread's buffer for the blocks its point lookups miss ({@link #cachedForLookup}): one array, grown. */
  private static final ThreadLocal<byte[][]> LOOKUP_BUFFER = ThreadLocal.withInitial(() -> new byte[1][]);

  private final ReadableFile file;
  private final String fileName;
  /** This reader's key prefix in {@code blockCache} ({@link BlockCache#newCacheId}). */
  private final long cacheId;
  private final long limit;
  private final long handlesAt;
  /** Caches decompressed and heap blocks; null for none. */
  private final BlockCache blockCache;

  /**
   * @param file the table's file; not closed here
   * @param fileName the file's name, for error messages
   * @param limit offset in bytes before which every block and its trailer end (the footer's)
   * @param handlesAt offset reported for a handle out of range (the index block's)
   * @param blockCache the block cache, or null for none
   */
  BlockReader(ReadableFile file, String fileName, long limit, long handlesAt,
      BlockCache blockCache) {
    this.file = file;
    this.fileName = fileName;
    this.cacheId = blockCache == null ? 0 : blockCache.newCacheId();
    this.limit = limit;
    this.handlesAt = handlesAt;
    this.blockCache = blockCache;
  }

  /**
   * Reads {@code dst.length} bytes at {@code offset}.
   *
   * @throws CorruptionException if the file ends first
   * @throws IOException if the read fails
   */
  static void readFully(ReadableFile file, String name, long offset, byte[] dst) throws IOException {
    int n = file.read(offset, dst, 0, dst.length);
    if (n != dst.length) {
      throw new CorruptionException(name, offset, "truncated read (" + n + " of " + dst.length + " bytes)");
    }
  }

  /**
   * Reads, checks and decompresses the block at {@code handle} of {@code file}, which must end
   * before {@code limit}; a handle out of range is reported at {@code handleAt} (where the handle
   * is stored: the footer, for the index and filter blocks read when a table opens).
   *
   * @return the block's contents, a fresh array
   * @throws CorruptionException if the handle is out of range, the checksum fails or the block does
   *     not decompress
   * @throws IOException if the read fails
   */
  static byte[] readContents(ReadableFile file, String name, BlockHandle handle, long limit, long handleAt)
      throws IOException {
    byte[] buf = readChecked(file, name, handle, limit, handleAt);
    int size = (int) handle.size();
    return buf[size] == TableFormat.NO_COMPRESSION ? Arrays.copyOf(buf, size)
        : decompress(buf, size, name, handle.offset());
  }

  /**
   * As {@link #readContents}, parsed as a block. An uncompressed block keeps the buffer it was read
   * into, trailer and all, instead of copying its contents out of it.
   */
  private Block read(BlockHandle handle, ReadableFile source) throws IOException {
    byte[] buf = readChecked(source, fileName, handle, limit, handlesAt);
    int size = (int) handle.size();
    return buf[size] == TableFormat.NO_COMPRESSION ? new Block(buf, size, fileName, handle.offset())
        : new Block(decompress(buf, size, fileName, handle.offset()), fileName, handle.offset());
  }

  /**
   * Reads the block at {@code handle} with its trailer (type byte and checksum) and verifies the
   * checksum; errors as {@link #readContents}.
   */
  private static byte[] readChecked(ReadableFile file, String name, BlockHandle handle, long limit,
      long handleAt) throws IOException {
    checkInRange(name, handle.offset(), handle.size(), limit, handleAt);
    int size = (int) handle.size();
    byte[] buf = new byte[size + TableFormat.BLOCK_TRAILER_SIZE];
    readFully(file, name, handle.offset(), buf);
    checkChecksum(ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN), 0, size, name, handle.offset());
    return buf;
  }

  /**
   * Verifies the CRC32C in the trailer that follows the block at {@code buffer[at, at + length)}
   * (LevelDB block format: type byte, then the masked checksum of contents and type).
   *
   * @param buffer a little-endian buffer holding the block and its trailer; only absolute reads
   * @throws CorruptionException naming {@code name} and {@code offset} if the checksum differs
   */
  private static void checkChecksum(ByteBuffer buffer, int at, int length, String name, long offset) {
    byte type = buffer.get(at + length);
    int expected = Crc32c.unmask(buffer.getInt(at + length + 1));
    if (expected != TableBuilder.blockChecksum(buffer.slice(at, length), type)) {
      throw new CorruptionException(name, offset, "block checksum mismatch");
    }
  }

  /**
   * Rejects a block of {@code size} bytes at {@code offset} whose trailer would not end before
   * {@code limit}, naming {@code handleAt}, where its handle is stored.
   */
  private static void checkInRange(String name, long offset, long size, long limit, long handleAt) {
    if (offset < 0 || size < 0 || size > limit || offset > limit - size - TableFormat.BLOCK_TRAILER_SIZE) {
      throw new CorruptionException(name, handleAt,
          "block handle out of range (offset " + offset + ", size " + size + ")");
    }
  }

  /** Decompresses the contents of {@code buf}, whose trailer at {@code size} names the codec. */
  private static byte[] decompress(byte[] buf, int size, String name, long offset) {
    byte type = buf[size];
    Compression compression;
    try {
      compression = Compression.fromCode(type);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(name, offset, "unknown block compression type " + type);
    }
    return BlockCompressor.decompress(compression, buf, size, name, offset);
  }

  /**
   * The block at {@code offset}, from the block cache or read, checked and decompressed; a block
   * read is added to the cache only if {@code fillCache}. A cache hit allocates nothing; from an
   * off-heap cache it is a block in the arena, which only {@link Block#heapIterator} reads ({@link
   * #owned} for the others).
   */
  Block cached(long offset, long size, boolean fillCache) {
    return cached(offset, size, fillCache, file);
  }

  /**
   * As {@link #cached(long, long, boolean)}, reading a block the cache does not hold through {@code
   * source}: the table's file, or an iterator's {@link ReadaheadBuffer} over it.
   */
  Block cached(long offset, long size, boolean fillCache, ReadableFile source) {
    if (blockCache != null) {
      Block cached = blockCache.get(cacheId, offset);
      if (cached != null) {
        return cached;
      }
    }
    try {
      // A miss hands out the block it read, not the cache's copy: W-TinyLFU may reject a new block
      // at once (most blocks of a random read are read once), freeing an off-heap copy's pages
      // before the caller copied them, which then read the block again (JFR, 12M keys, 8 threads).
      Block block = read(new BlockHandle(offset, size), source);
      if (blockCache != null && fillCache) {
        blockCache.put(cacheId, offset, block);
      }
      return block;
    } catch (IOException e) {
      throw new StrataIOException("cannot read block at " + offset + " of " + fileName, e);
    }
  }

  /**
   * As {@link #cached(long, long, boolean)} for a point lookup: with an off-heap cache, a block it
   * misses is read into this thread's lookup buffer instead of a new array (the cache keeps its
   * own copy in the arena), so a miss allocates no block-sized array: they were most of what the
   * readers allocated (57% of the bytes, JFR of the 12M-key readrandom reader, 2026-12-08). The
   * block returned then lies in that buffer and is valid only until this thread's next call: the
   * caller must be done with it first (a point lookup reads one block and copies its value out).
   */
  Block cachedForLookup(long offset, long size) {
    if (blockCache == null || !blockCache.offHeap() || size > Block.HEAP_COPY_MAX_BYTES) {
      return cached(offset, size, true);
    }
    Block cached = blockCache.get(cacheId, offset);
    if (cached != null) {
      return cached;
    }
    checkInRange(fileName, offset, size, limit, handlesAt);
    int length = (int) size + TableFormat.BLOCK_TRAILER_SIZE;
    byte[][] holder = LOOKUP_BUFFER.get();
    if (holder[0] == null || holder[0].length < length) {
      holder[0] = new byte[Math.max(length, 4096 + TableFormat.BLOCK_TRAILER_SIZE)];
    }
    byte[] buf = holder[0];
    try {
      int n = file.read(offset, buf, 0, length);
      if (n != length) {
        throw new CorruptionException(fileName, offset, "truncated read (" + n + " of " + length + " bytes)");
      }
    } catch (IOException e) {
      throw new StrataIOException("cannot read block at " + offset + " of " + fileName, e);
    }
    checkChecksum(ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN), 0, (int) size, fileName, offset);
    Block block = buf[(int) size] == TableFormat.NO_COMPRESSION ? new Block(buf, (int) size, fileName, offset)
        : new Block(decompress(buf, (int) size, fileName, offset), fileName, offset);
    blockCache.put(cacheId, offset, block); // off-heap, at most HEAP_COPY_MAX_BYTES: a copy, or nothing
    return block;
  }

  /**
   * {@code block}, the block at {@code offset} ({@code size} bytes in the file), or for a block in
   * an off-heap cache's arena ({@link Block#isInArena}) a heap copy of it, in a fresh array; read
   * again from the file if its pages were reused meanwhile.
   */
  Block owned(Block block, long offset, long size) {
    if (!block.isInArena()) {
      return block;
    }
    byte[] copy = new byte[block.size()];
    return block.arena.copyOut(block, copy) ? new Block(copy, fileName, offset) : reread(offset, size);
  }

  /**
   * The block at {@code offset}, {@code size} bytes in the file, read again from the table's file
   * and not cached: for a block in an arena whose pages were reused while a reader copied them
   * ({@link Block#heapIterator} returned null).
   *
   * @throws CorruptionException if the checksum fails or the block does not decompress
   * @throws StrataIOException if the read fails
   */
  Block reread(long offset, long size) {
    try {
      return read(new BlockHandle(offset, size), file);
    } catch (IOException e) {
      throw new StrataIOException("cannot read block at " + offset + " of " + fileName, e);
    }
  }

  /**
   * The block at {@code offset} as a view of the table's mapping, checksum-verified unless block
   * {@code blockIndex} is in {@code verified} already (then added to it); null when the table is
   * not mapped or the block is compressed (then added to {@code compressed}). With {@code
   * blockIndex} -1 the block is always verified and neither set is touched (they may be null).
   */
  Block mappedView(int blockIndex, long offset, long size, BlockBitSet verified, BlockBitSet compressed) {
    ByteBuffer mapping;
    try {
      mapping = file.mapping();
    } catch (IOException e) {
      throw new StrataIOException("cannot read block at " + offset + " of " + fileName, e);
    }
    if (mapping == null) {
      return null;
    }
    checkInRange(fileName, offset, size, limit, handlesAt);
    int at = (int) offset; // a mapping is at most Integer.MAX_VALUE bytes, and the block lies in it
    int length = (int) size;
    if (blockIndex < 0 || !verified.contains(blockIndex)) {
      byte type = mapping.get(at + length);
      if (type != TableFormat.NO_COMPRESSION) {
        if (blockIndex >= 0) {
          compressed.add(blockIndex);
        }
        return null;
      }
      checkChecksum(mapping, at, length, fileName, offset);
      if (blockIndex >= 0) {
        verified.add(blockIndex);
      }
    }
    return Block.view(mapping, at, length, fileName, offset);
  }

  /**
   * How the block at {@code handle} is stored: the compression type byte of its trailer, read
   * without checking the block.
   *
   * @throws CorruptionException if the handle lies outside the table or the type is unknown
   * @throws StrataIOException if the read fails
   */
  Compression compression(BlockHandle handle) {
    long at = handle.offset() + handle.size();
    if (handle.offset() < 0 || handle.size() < 0 || at < 0 || at >= limit) {
      throw new CorruptionException(fileName, handlesAt,
          "block handle out of range (offset " + handle.offset() + ", size " + handle.size() + ")");
    }
    byte[] type = new byte[1];
    try {
      readFully(file, fileName, at, type);
    } catch (IOException e) {
      throw new StrataIOException("cannot read block trailer at " + at + " of " + fileName, e);
    }
    try {
      return Compression.fromCode(type[0]);
    } catch (IllegalArgumentException e) {
      throw new CorruptionException(fileName, handle.offset(), "unknown block compression type " + type[0]);
    }
  }
}
