package io.stratadb.sstable;

import io.stratadb.TableLayout;
import io.stratadb.env.ReadableFile;
import java.io.IOException;

/**
 * One iterator's read-ahead over a table read with {@code pread} (not mapped): RocksDB's {@code
 * FilePrefetchBuffer} with its automatic iterator read-ahead ({@code BlockPrefetcher}). The
 * iterator reports every data block it moves to ({@link #onBlock}), whether the block cache holds
 * it or not; the block reads that miss the cache then come through {@link #read}.
 *
 * <ul>
 *   <li>An iterator ({@link #forIterator}): from the third block in a row (each starting where the
 *       previous one's trailer ended, or after an aligned table's padding), a read that misses the
 *       buffer reads the block and {@code readahead} bytes after it in one {@code pread}, 8 KiB
 *       at first, doubling on each such read up to the longest; a block out of sequence (a seek)
 *       starts over. The first block after a forward seek, when it misses the cache, is read
 *       together with the block after it in one {@code pread} (one device read of 8 KiB costs
 *       about what one of 4 KiB does at queue depth 1): a seek and a few steps cross into the next
 *       block often (a seek and 10 nexts of 416-byte entries, about half the time), which then
 *       needs no read of its own. Only the deepest level's tables do this ({@link
 *       TableCache#newIterator(long, boolean, boolean)}): a merged seek rarely steps past the
 *       first block of an upper level. RocksDB reads only the block there; measured in
 *       docs/larger-than-memory.md. Point lookups do not come through here and read exactly
 *       their block.
 *   <li>A compaction input ({@link #forCompaction}): read in reads of a fixed size from its first
 *       block, since it is read whole, once.
 * </ul>
 *
 * <p>The first block after a seek is read with {@link ReadableFile#read}, as a point lookup's; every
 * read that continues the run, and every compaction input read, with {@link
 * ReadableFile#readSequential}, so the kernel's read-ahead of the table's file sees the runs apart
 * from the random reads. A read never extends past {@code limit} (the end of the data blocks).
 * The buffer is one heap array per iterator, reused; bytes of a block that straddles its end are kept, so no byte is read
 * twice. Only the iterator's data block reads come through it ({@link BlockReader#cached(long,
 * long, boolean, ReadableFile)}); a read it does not widen goes straight to the file.
 *
 * <p>Not thread-safe: one per iterator.
 */
final class ReadaheadBuffer implements ReadableFile {
  /** The first read-ahead of an iterator, in bytes (RocksDB's initial auto read-ahead size). */
  static final int INITIAL_BYTES = 8 * 1024;
  /** Blocks in a row before an iterator reads ahead (RocksDB reads ahead from the third). */
  static final int SEQUENTIAL_BLOCKS = 3;

  private final ReadableFile file;
  private final long limit;
  private final int maxBytes;
  private final boolean always;

  /** Bytes of the file held, from {@link #bufferStart}; {@link #bufferLength} of them valid. */
  private byte[] buffer;
  private long bufferStart;
  private int bufferLength;

  /** End of the last block reported, trailer included; -1 before the first. */
  private long previousEnd = -1;
  private int sequentialBlocks;
  private int readaheadBytes;
  /** Whether the next block reported is the first after a forward seek ({@link #restart}). */
  private boolean pairNext;
  /** Where the block after the current one ends, to read with it; -1 for none. */
  private long pairEnd = -1;

  /** Reads made on the file (for tests and statistics). */
  private long fileReads;

  private ReadaheadBuffer(ReadableFile file, long limit, int initialBytes, int maxBytes, boolean always) {
    this.file = file;
    this.limit = limit;
    this.maxBytes = maxBytes;
    this.always = always;
    this.readaheadBytes = Math.min(initialBytes, maxBytes);
  }

  /**
   * An iterator's read-ahead, up to {@code maxBytes} (0: none).
   *
   * @param file the table's file; not closed here
   * @param limit offset where the data blocks end; nothing at or past it is read ahead
   */
  static ReadaheadBuffer forIterator(ReadableFile file, long limit, int maxBytes) {
    return new ReadaheadBuffer(file, limit, INITIAL_BYTES, maxBytes, false);
  }

  /** A compaction input's read-ahead: reads of {@code bytes} from the first block (0: none). */
  static ReadaheadBuffer forCompaction(ReadableFile file, long limit, int bytes) {
    return new ReadaheadBuffer(file, limit, bytes, bytes, true);
  }

  /**
   * Records that the iterator moved to the data block at {@code offset} whose trailer ends at
   * {@code end}. It continues the previous block when it starts where that one's trailer ended, or
   * after padding shorter than a page (an aligned table, {@link io.stratadb.TableLayout}).
   */
  void onBlock(long offset, long end) {
    onBlock(offset, end, -1);
  }

  /**
   * As {@link #onBlock(long, long)}, where {@code nextEnd} is where the trailer of the block after
   * this one ends (-1 for none): when this is the first block after a forward seek and the read of
   * it misses, that block is read with it.
   */
  void onBlock(long offset, long end, long nextEnd) {
    pairEnd = pairNext && !always ? nextEnd : -1;
    pairNext = false;
    boolean follows = previousEnd >= 0 && offset >= previousEnd && offset - previousEnd < TableLayout.PAGE_BYTES;
    sequentialBlocks = follows ? sequentialBlocks + 1 : 1;
    if (sequentialBlocks == 1 && !always) {
      readaheadBytes = Math.min(INITIAL_BYTES, maxBytes);
    }
    previousEnd = end;
  }

  /** Forgets the blocks seen: the iterator was positioned anew (a seek). The buffer is kept. */
  void restart() {
    restart(false);
  }

  /**
   * As {@link #restart()}; with {@code forward} (a seek or seek to first, which step forward) the
   * next block's read, if it misses, reads the block after it too ({@link #onBlock(long, long, long)}).
   */
  void restart(boolean forward) {
    previousEnd = -1;
    pairNext = forward;
  }

  @Override
  public int read(long position, byte[] dst, int off, int len) throws IOException {
    long end = position + len;
    if (position >= bufferStart && end <= bufferStart + bufferLength) {
      System.arraycopy(buffer, (int) (position - bufferStart), dst, off, len);
      return len;
    }
    if (pairEnd > end && sequentialBlocks == 1) {
      return readPair(position, dst, off, len);
    }
    boolean ahead = readaheadBytes > 0 && (always || sequentialBlocks >= SEQUENTIAL_BLOCKS);
    long want = ahead ? Math.max(end, Math.min(limit, end + readaheadBytes)) - position : len;
    if (!ahead || want <= len) {
      fileReads++;
      // A block after a seek is a random read; the next ones continue a run (ReadableFile#readSequential).
      return always || sequentialBlocks > 1 ? file.readSequential(position, dst, off, len)
          : file.read(position, dst, off, len);
    }
    // Bytes of the block the buffer already holds (it straddles the buffer's end) are kept, so no
    // byte is read twice (RocksDB's FilePrefetchBuffer keeps them too).
    int kept = position >= bufferStart && position < bufferStart + bufferLength
        ? (int) (bufferStart + bufferLength - position) : 0;
    if (!always) {
      readaheadBytes = Math.min(maxBytes, readaheadBytes * 2);
    }
    return fill(position, (int) want, kept, true, dst, off, len);
  }

  /**
   * Reads the block at {@code position} and the one after it, to {@link #pairEnd} (cut at {@code
   * limit}), in one random read into the buffer; copies the block's {@code len} bytes out.
   */
  private int readPair(long position, byte[] dst, int off, int len) throws IOException {
    int want = (int) (Math.min(pairEnd, limit) - position);
    pairEnd = -1;
    return fill(position, want, 0, false, dst, off, len);
  }

  /**
   * Makes the buffer hold {@code want} bytes from {@code position} in one read of the file (its
   * first {@code kept} bytes, already buffered, moved instead of read again; a {@code sequential}
   * read continues a run, else it is a random read) and copies the first {@code len} to {@code dst}.
   *
   * @return the bytes copied, as {@link ReadableFile#read} counts them
   */
  private int fill(long position, int want, int kept, boolean sequential, byte[] dst, int off, int len)
      throws IOException {
    byte[] target = buffer == null || buffer.length < want ? new byte[want] : buffer;
    if (kept > 0) {
      System.arraycopy(buffer, (int) (position - bufferStart), target, 0, kept);
    }
    buffer = target;
    bufferLength = 0;
    fileReads++;
    int n = sequential ? kept + file.readSequential(position + kept, buffer, kept, want - kept)
        : file.read(position, buffer, 0, want);
    bufferStart = position;
    bufferLength = Math.max(0, n);
    int copied = Math.min(len, n);
    System.arraycopy(buffer, 0, dst, off, Math.max(0, copied));
    return copied;
  }

  /** Reads made on the underlying file so far. */
  long fileReads() {
    return fileReads;
  }

  @Override
  public long size() throws IOException {
    return file.size();
  }

  /** Does nothing: the table owns the file. */
  @Override
  public void close() {}
}
