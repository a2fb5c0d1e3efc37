package io.stratadb.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Direct memory (outside the Java heap) holding the data blocks of an off-heap {@link BlockCache}
 * (RocksDB's block cache lives in native memory too), so cached blocks do not survive into the
 * old generation and the collector never copies or marks them.
 *
 * <p>The arena is carved into pages of {@link #PAGE_BYTES}; a block takes {@code ceil(length /
 * PAGE_BYTES)} pages from one free list, anywhere in the arena, and a reader gathers them into its
 * own heap buffer ({@link #copyOut}). One page size for every block means no size class can run
 * out while another has room: a 4,095-byte aligned block takes 4 pages, a 4.4 KB unaligned one 5
 * (at most one page, on average half, lost per block). The pages are {@code
 * ByteBuffer.allocateDirect} chunks of up to 1 MiB (a sixteenth of a smaller arena), allocated as blocks need them up to the limit
 * the cache gives (its capacity less its charges) and never returned to the operating system
 * while the arena lives: a page is only ever reused, never freed, so no read touches freed memory.
 * {@link #release} frees them all at once, when no reader is left ({@link BlockCache#close}).
 *
 * <p>Reuse is detected, not prevented (a seqlock, as {@link java.util.concurrent.locks.StampedLock}'s
 * optimistic reads): every page has a stamp; {@link #free} bumps the stamps of a block's pages
 * before the pages go back to the free list, and a block remembers its first page's stamp from
 * when it was stored. {@link #copyOut} copies the pages, then (after an acquire fence) compares
 * the stamp again: if it moved, the pages may have been reused for another block while they were
 * copied, and the copy is thrown away. A block's bytes are written before the block is handed to
 * anyone, and its pages are written again only after {@link #free} bumped the stamp, so a copy
 * that passed the check holds exactly the bytes stored.
 *
 * <p>Thread-safe: {@link #store} and {@link #free} take the arena's monitor for the free list
 * only (the copy in happens outside it); {@link #copyOut} takes no lock. A new chunk is allocated
 * outside the monitor too ({@code allocateDirect} may wait for the collector when direct memory runs
 * short), by one thread at a time: it is counted against the limit before it is allocated, so the
 * arena never holds more than the limit, not even for a moment; other stores that need a new chunk
 * wait for it, while stores finding free pages and frees go on.
 */
final class BlockArena {
  /** Bytes per page: a block takes whole pages. */
  static final int PAGE_BYTES = 1024;
  private static final int PAGE_SHIFT = 10;
  /** Pages in a full chunk (1 MiB). */
  private static final int MAX_CHUNK_PAGES = 1024;
  private static final VarHandle STAMP = MethodHandles.arrayElementVarHandle(int[].class);

  /** {@code log2} of the pages per chunk: page {@code p} lies in chunk {@code p >>> chunkShift}. */
  private final int chunkShift;
  private final int chunkMask;
  /** The chunks allocated so far, in order; the rest null. Little-endian; only absolute reads. */
  private final ByteBuffer[] chunks;
  /** The pages' stamps, per chunk, allocated with it. */
  private final int[][] stamps;
  /** Allocates a chunk of the given bytes of direct memory: {@code ByteBuffer::allocateDirect}, or a test's. */
  private final java.util.function.IntFunction<ByteBuffer> allocator;

  // ---- Guarded by this: the free list and the chunk count.
  /** Free pages: {@code free[0, freeCount)}, popped from the end. */
  private int[] free = new int[0];
  private int freeCount;
  private int chunkCount;
  /** Set when the JVM refused direct memory: no more chunks are tried. */
  private boolean directMemoryRefused;
  /** Set by {@link #release}: the chunks are freed, nothing is stored any more. */
  private boolean released;
  /**
   * Whether a thread is allocating the next chunk (outside the lock); it counts against the limit
   * already, and threads needing pages wait for it ({@link #awaitGrowth}) rather than allocate one too.
   */
  private boolean growing;

  /**
   * An empty arena that may grow to {@code capacityBytes} (rounded down to whole pages).
   *
   * @throws IllegalArgumentException if {@code capacityBytes < 0}
   */
  BlockArena(long capacityBytes) {
    this(capacityBytes, ByteBuffer::allocateDirect);
  }

  /**
   * TEST ONLY (the allocator): as {@link #BlockArena(long)}, allocating each chunk with {@code
   * allocator}, which must return a direct buffer of the bytes asked for or throw {@link
   * OutOfMemoryError}.
   *
   * @throws IllegalArgumentException if {@code capacityBytes < 0}
   */
  BlockArena(long capacityBytes, java.util.function.IntFunction<ByteBuffer> allocator) {
    this.allocator = allocator;
    if (capacityBytes < 0) {
      throw new IllegalArgumentException("arena capacity must be >= 0, got " + capacityBytes);
    }
    long pages = capacityBytes / PAGE_BYTES;
    // At least 16 chunks when the capacity allows: the last chunk that does not fit the limit
    // leaves at most a sixteenth of it unused.
    int chunkPages = (int) Math.min(MAX_CHUNK_PAGES, Long.highestOneBit(Math.max(1, pages / 16)));
    this.chunkShift = Integer.numberOfTrailingZeros(chunkPages);
    this.chunkMask = chunkPages - 1;
    long chunkCount = pages / chunkPages;
    if (chunkCount > Integer.MAX_VALUE >>> chunkShift) {
      throw new IllegalArgumentException("arena capacity too large: " + capacityBytes);
    }
    this.chunks = new ByteBuffer[(int) chunkCount];
    this.stamps = new int[(int) chunkCount][];
  }

  /** Bytes in one chunk. */
  long chunkBytes() {
    return (long) PAGE_BYTES << chunkShift;
  }

  /** Direct memory the arena holds, in bytes: it only grows, until {@link #release} frees it all. */
  synchronized long allocatedBytes() {
    return chunkCount * chunkBytes();
  }

  /** Pages needed for a block of {@code length} bytes. */
  static int pagesFor(int length) {
    return (length + PAGE_BYTES - 1) >>> PAGE_SHIFT;
  }

  /**
   * Copies {@code block}, a heap block, into free pages and returns the off-heap block that reads
   * them; null if the arena has too few free pages and may not grow ({@code limitBytes} reached,
   * the JVM refused more direct memory, or the arena was released). {@code limitBytes} bounds the direct memory allocated
   * by this call: a new chunk is allocated only if the arena then holds at most that many bytes.
   *
   * @throws IllegalArgumentException if {@code block} is not on the heap
   */
  Block store(Block block, long limitBytes) {
    if (block.data == null) {
      throw new IllegalArgumentException("only a heap block is stored in the arena");
    }
    int length = block.length;
    int[] pages = new int[pagesFor(length)];
    int stamp;
    while (true) {
      synchronized (this) {
        if (released) {
          return null;
        }
        if (freeCount >= pages.length) {
          for (int i = 0; i < pages.length; i++) {
            pages[i] = free[--freeCount];
          }
          stamp = stampOf(pages[0]);
          break;
        }
        if (growing) { // another thread allocates a chunk: wait for it, then look again
          awaitGrowth();
          continue;
        }
        if (directMemoryRefused || chunkCount == chunks.length
            || (chunkCount + 1) * chunkBytes() > limitBytes) {
          return null;
        }
        growing = true; // the chunk counts against the limit from here: no other thread allocates one
      }
      ByteBuffer chunk = null;
      try {
        chunk = allocateChunk(); // unlocked: it may wait for the collector when direct memory runs short
      } finally {
        addChunk(chunk);
      }
    }
    for (int i = 0, at = 0; i < pages.length; i++, at += PAGE_BYTES) {
      int page = pages[i];
      chunks[page >>> chunkShift].put((page & chunkMask) << PAGE_SHIFT, block.data, at, Math.min(PAGE_BYTES, length - at));
    }
    return Block.inArena(this, pages, stamp, block);
  }

  /** Waits until the thread allocating a chunk has added it (or failed). REQUIRES: this held, {@link #growing}. */
  private void awaitGrowth() {
    boolean interrupted = false;
    while (growing) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true; // an allocation ends soon: finish the store, keep the interrupt
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A new chunk of direct memory, or null if the JVM refused it. Called without the lock. */
  private ByteBuffer allocateChunk() {
    try {
      return allocator.apply((int) chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
    } catch (OutOfMemoryError e) { // direct memory only (-XX:MaxDirectMemorySize): the heap is untouched
      org.slf4j.LoggerFactory.getLogger(BlockArena.class).warn("off-heap block cache stops growing at {} bytes: {}",
          allocatedBytes(), e.getMessage());
      return null;
    }
  }

  /**
   * Ends the growth {@link #store} began: adds {@code chunk}'s pages to the free list, or, for
   * null (the JVM refused direct memory), stops the arena growing; wakes the threads waiting.
   */
  private void addChunk(ByteBuffer chunk) {
    synchronized (this) {
      growing = false;
      notifyAll();
      if (chunk == null) {
        directMemoryRefused = true;
        return;
      }
      if (!released) {
        int index = chunkCount;
        stamps[index] = new int[chunkMask + 1];
        chunks[index] = chunk;
        chunkCount++;
        int pages = chunkMask + 1;
        int total = chunkCount << chunkShift; // every page may be free at once
        if (free.length < total) {
          free = java.util.Arrays.copyOf(free, (int) Math.min((long) chunks.length << chunkShift, Math.max(total, 2L * free.length)));
        }
        for (int i = pages - 1; i >= 0; i--) { // popped in ascending order: a block's pages adjacent
          free[freeCount++] = (index << chunkShift) | i;
        }
        return;
      }
    }
    io.stratadb.util.DirectBuffers.free(chunk); // released while it was allocated: nobody reads it
  }

  /**
   * Frees the arena's direct memory now, rather than when the collector finds the chunks
   * unreachable ({@link io.stratadb.util.DirectBuffers#free}); later stores return null. Idempotent.
   * REQUIRES: no thread copies a block of this arena out any more, nor will ({@link BlockCache}
   * releases it when its last user is gone): a read of freed memory crashes the JVM.
   */
  void release() {
    ByteBuffer[] freed;
    synchronized (this) {
      if (released) {
        return;
      }
      released = true;
      freed = java.util.Arrays.copyOf(chunks, chunkCount);
      java.util.Arrays.fill(chunks, null); // a later read against the contract fails, rather than crashing
      chunkCount = 0;
      freeCount = 0;
    }
    for (ByteBuffer chunk : freed) {
      io.stratadb.util.DirectBuffers.free(chunk);
    }
  }

  private int stampOf(int page) {
    return (int) STAMP.getVolatile(stamps[page >>> chunkShift], page & chunkMask);
  }

  /**
   * Returns the pages of {@code block}, an off-heap block of this arena, to the free list, first
   * bumping their stamps so that a reader copying them meanwhile sees its copy fail. Call once
   * per stored block, when nothing will hand it out again (the cache removed it).
   */
  void free(Block block) {
    int[] pages = block.pages;
    synchronized (this) {
      if (released) {
        return; // its pages are gone with the arena
      }
      for (int page : pages) {
        int[] chunkStamps = stamps[page >>> chunkShift];
        int i = page & chunkMask;
        STAMP.setVolatile(chunkStamps, i, (int) STAMP.getVolatile(chunkStamps, i) + 1);
      }
      for (int i = pages.length - 1; i >= 0; i--) { // popped again in the same order
        free[freeCount++] = pages[i];
      }
    }
  }

  /**
   * Copies the {@code block.length} bytes of {@code block}, an off-heap block of this arena, into
   * {@code dst[0, block.length)}. Lock-free, no allocation.
   *
   * @return true if the copy holds the block's bytes; false if its pages were freed (and perhaps
   *     reused) before or while they were copied: then {@code dst} holds garbage and the block
   *     must be read again
   * @throws IndexOutOfBoundsException if {@code dst} is shorter than the block
   */
  boolean copyOut(Block block, byte[] dst) {
    int length = block.length;
    java.util.Objects.checkFromIndexSize(0, length, dst.length);
    int[] pages = block.pages;
    for (int i = 0, at = 0; i < pages.length; i++, at += PAGE_BYTES) {
      int page = pages[i];
      chunks[page >>> chunkShift].get((page & chunkMask) << PAGE_SHIFT, dst, at, Math.min(PAGE_BYTES, length - at));
    }
    VarHandle.acquireFence(); // the copy's reads before the stamp's (StampedLock.validate)
    return stampOf(pages[0]) == block.stamp;
  }
}
