package io.stratadb.sstable;

import io.stratadb.CorruptionException;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.key.SliceComparator;
import io.stratadb.util.Coding;
import io.stratadb.util.Slice;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;

/**
 * A read-only block built by {@link BlockBuilder}, already checksum-verified. Immutable and
 * thread-safe; each {@link #iterator} is single-threaded.
 *
 * <p>The bytes lie either in a heap array (a block read into memory, decompressed, or cached) or
 * in a memory-mapped table ({@link #view}), which is read in place: LevelDB serves uncompressed
 * blocks of mmap'd tables the same way, without copying them or caching them twice
 * ({@code table/format.cc ReadBlock}). Table iterators and point lookups decode a copy instead:
 * {@link #heapIterator} copies a view into the iterator's own heap buffer first.
 *
 * <p>A third kind lives in the pages of an off-heap {@link BlockCache}'s {@link BlockArena}
 * ({@link #isInArena}): only {@link #heapIterator} reads it, copying it into the iterator's heap
 * buffer and checking that its pages were not reused meanwhile; the other iterators refuse it.
 */
public final class Block {
  /** The largest block {@link #heapIterator} copies to the heap, in bytes (16 default blocks). */
  public static final int HEAP_COPY_MAX_BYTES = 64 * 1024;

  // Read by BlockIterator.bind, which copies them into the iterator's own fields.
  /** The block's bytes when it lives on the heap; null for a view of a mapped file. */
  final byte[] data;
  /** The mapped file holding the block, when {@link #data} is null; the block starts at {@link #base}. */
  final ByteBuffer mapped;
  final int base;
  /** Bytes that hold the block; any after them are not part of it. */
  final int length;
  final int restartsOffset;
  final int restartCount;
  final String fileName;
  final long fileOffset;
  // An off-heap block: the arena holding it, its pages there and its first page's stamp when it
  // was stored (BlockArena#copyOut); null, null and 0 for the other kinds.
  final BlockArena arena;
  final int[] pages;
  final int stamp;

  /**
   * Parses the restart array of a block.
   *
   * @param data block contents (trailer removed)
   * @param fileName file holding the block, for error messages
   * @param fileOffset the block's offset in that file, for error messages
   * @throws CorruptionException if the restart array does not fit the block
   */
  public Block(byte[] data, String fileName, long fileOffset) {
    this(data, data.length, fileName, fileOffset);
  }

  /**
   * Parses the restart array of a block held in the first {@code length} bytes of {@code data}
   * (a read buffer that still holds the trailer after them, saving a copy).
   *
   * @param data buffer holding the block contents; not modified, never read past {@code length}
   * @param length block contents size in bytes, {@code <= data.length}
   * @param fileName file holding the block, for error messages
   * @param fileOffset the block's offset in that file, for error messages
   * @throws CorruptionException if the restart array does not fit the block
   */
  public Block(byte[] data, int length, String fileName, long fileOffset) {
    this(data, null, 0, length, fileName, fileOffset);
  }

  /**
   * A block read in place from {@code mapping[base, base + length)}, which must stay unchanged
   * while the block is reachable (an SSTable's read-only mapping: the block keeps the mapping
   * alive, so it never reads unmapped memory).
   *
   * @param mapping a little-endian buffer holding the block; only absolute reads are made, so
   *     threads may share it
   * @param base offset of the block contents in {@code mapping}
   * @param length block contents size in bytes (trailer removed)
   * @param fileName file holding the block, for error messages
   * @param fileOffset the block's offset in that file, for error messages
   * @throws CorruptionException if the restart array does not fit the block
   * @throws IllegalArgumentException if {@code mapping} is not little-endian
   * @throws IndexOutOfBoundsException if the range is not inside {@code mapping}
   */
  public static Block view(ByteBuffer mapping, int base, int length, String fileName, long fileOffset) {
    if (mapping.order() != ByteOrder.LITTLE_ENDIAN) {
      throw new IllegalArgumentException("a block view needs a little-endian buffer");
    }
    java.util.Objects.checkFromIndexSize(base, length, mapping.limit());
    return new Block(null, mapping, base, length, fileName, fileOffset);
  }

  /** An off-heap block stored by {@code arena} in {@code pages}, a copy of {@code heap} (restarts already parsed). */
  static Block inArena(BlockArena arena, int[] pages, int stamp, Block heap) {
    return new Block(arena, pages, stamp, heap);
  }

  private Block(BlockArena arena, int[] pages, int stamp, Block heap) {
    this.data = null;
    this.mapped = null;
    this.base = 0;
    this.length = heap.length;
    this.restartsOffset = heap.restartsOffset;
    this.restartCount = heap.restartCount;
    this.fileName = heap.fileName;
    this.fileOffset = heap.fileOffset;
    this.arena = arena;
    this.pages = pages;
    this.stamp = stamp;
  }

  private Block(byte[] data, ByteBuffer mapped, int base, int length, String fileName, long fileOffset) {
    this.data = data;
    this.mapped = mapped;
    this.base = base;
    this.length = length;
    this.fileName = fileName;
    this.fileOffset = fileOffset;
    this.arena = null;
    this.pages = null;
    this.stamp = 0;
    if (length < 4) {
      throw new CorruptionException(fileName, fileOffset, "block too short");
    }
    this.restartCount = fixed32(data, mapped, base, length - 4);
    long offset = (long) length - 4 - 4L * restartCount;
    if (restartCount < 1 || offset < 0) {
      throw new CorruptionException(fileName, fileOffset, "bad restart count " + restartCount);
    }
    this.restartsOffset = (int) offset;
  }

  /** Size of the block contents in bytes. */
  public int size() {
    return length;
  }

  /** Whether the block is read in place from a mapped file rather than held on the heap. */
  public boolean isView() {
    return mapped != null;
  }

  /** Whether the block lies in an off-heap block cache's arena (read only by {@link #heapIterator}). */
  public boolean isInArena() {
    return arena != null;
  }

  /** The little-endian int at {@code p} of a block in {@code data}, or else in {@code mapped} at {@code base}. */
  static int fixed32(byte[] data, ByteBuffer mapped, int base, int p) {
    return data != null ? Coding.getFixed32(data, p) : mapped.getInt(base + p);
  }

  /**
   * An unpositioned iterator ordering keys by {@code comparator}.
   *
   * @throws IllegalStateException if the block is in an arena ({@link #heapIterator} reads it)
   */
  public InternalIterator iterator(Comparator<byte[]> comparator) {
    checkNotInArena();
    return new BlockIterator(comparator, this);
  }

  private void checkNotInArena() {
    if (arena != null) {
      throw new IllegalStateException("an off-heap block is read through heapIterator");
    }
  }

  /**
   * As {@link #iterator(Comparator)}, but re-pointing {@code reuse} at this block when it is an
   * iterator of another block with the same comparator, so a table iterator moving from block to
   * block keeps its buffers instead of allocating new ones. {@code reuse} (possibly null) must not
   * be used afterwards except as the returned iterator.
   *
   * @throws IllegalStateException if the block is in an arena ({@link #heapIterator} reads it)
   */
  public InternalIterator iterator(Comparator<byte[]> comparator, InternalIterator reuse) {
    checkNotInArena();
    return bind(comparator, reuse);
  }

  private BlockIterator bind(Comparator<byte[]> comparator, InternalIterator reuse) {
    if (reuse instanceof BlockIterator it && it.comparator == comparator) {
      it.bind(this);
      return it;
    }
    return new BlockIterator(comparator, this);
  }

  /**
   * As {@link #iterator(Comparator, InternalIterator)}, but a view of a mapped file is first
   * copied, in one bulk copy, into a heap buffer the iterator keeps for the blocks it is
   * re-pointed at, and decoded from there. Decoding heap bytes and copying values out of them
   * costs less per entry than reading the mapping a few bytes at a time, and the bulk copy has
   * the block's cache misses overlap where a decode takes them one after another (each entry's
   * start is read from the one before). Measured on 1M keys (2026-12-01, 2-core VM, fresh JVMs
   * interleaved): a seek with 10 nexts 12-24% faster than reading in place; point lookups 40-55%
   * faster when the lookup's iterator (and so its buffer) is reused, but no faster with a new
   * 4 KiB buffer per lookup, and 5-15% faster with a reused iterator reading in place.
   * A heap block is not copied, and neither is a block larger than {@link #HEAP_COPY_MAX_BYTES}
   * (a few large values, which a seek may not even read, and a buffer the iterator would keep as
   * long as it lives).
   *
   * <p>A block in an arena is always copied (the arena stores none larger than {@link
   * #HEAP_COPY_MAX_BYTES}), with no allocation once the iterator has its buffer; if its pages were
   * reused for another block before or while they were copied ({@link BlockArena#copyOut}), the
   * copy is dropped and null returned: the caller reads the block again ({@code reuse} is then
   * bound to nothing valid and must not be used).
   *
   * @return the iterator, or null for a block in an arena whose pages were reused
   */
  public InternalIterator heapIterator(Comparator<byte[]> comparator, InternalIterator reuse) {
    BlockIterator it = bind(comparator, reuse);
    if (arena != null) {
      return it.copyFromArena(this) ? it : null;
    }
    if (data == null && length <= HEAP_COPY_MAX_BYTES) {
      it.copyToHeap(length);
    }
    return it;
  }
}
