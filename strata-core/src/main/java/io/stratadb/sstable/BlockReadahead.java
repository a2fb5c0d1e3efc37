package io.stratadb.sstable;

/**
 * Decides when an iterator's block reads are sequential enough to read the table ahead, and how
 * far: RocksDB's automatic iterator readahead ({@code BlockPrefetcher::PrefetchIfNeeded}). From the
 * third block read in a row (blocks {@code i}, {@code i + 1}, {@code i + 2}) it asks for the bytes
 * after the block, 8 KiB at first and twice as much on each request, up to 4 MiB; a read out of
 * sequence (a seek) starts over. Requests start where the previous one ended and are made while
 * the reader is still half a readahead behind, so the data is in memory by the time it gets there.
 *
 * <p>Why: the first read of each page of a freshly mapped table faults it into the page table
 * (about 2.5 µs per 4 KiB page on a virtual machine); handing that to another thread ahead of a
 * scan takes it off the scanning thread. A point lookup or a seek with a few steps rarely reads
 * three blocks in a row, so it asks for nothing.
 *
 * <p>The longest request is larger than RocksDB's 256 KiB because a request here costs a
 * different thing: not the size of an I/O but a wake-up of the readahead thread, about 17 µs of
 * the scanning thread's time on this project's 2-core virtual machine (perf: {@code futex_wake}
 * under {@code pthread_cond_signal}). With 256 KiB requests a warm scan (pages already mapped)
 * spent about 10% of its time waking that thread; with 4 MiB requests readseq over 1M keys ran
 * 7.6M entries/s against 6.4M (median of 4 runs each, blocks copied for the scan in both, 2026-12-01).
 *
 * <p>Not thread-safe: one per iterator.
 */
final class BlockReadahead {
  /** Blocks read in a row before the first request (RocksDB's {@code num_file_reads_for_auto_readahead} + 1). */
  static final int SEQUENTIAL_READS = 3;
  /** The first request's length, in bytes (RocksDB's initial auto readahead size). */
  static final long INITIAL_BYTES = 8 * 1024;
  /** The longest request, in bytes (16 times RocksDB's default {@code max_auto_readahead_size}; see above). */
  static final long MAX_BYTES = 4 * 1024 * 1024;

  private int previousBlock = Integer.MIN_VALUE;
  /** Blocks read in a row, the current one included. */
  private int sequentialReads;
  private long readaheadBytes = INITIAL_BYTES;
  /** End of the bytes already asked for, exclusive; 0 when nothing is. */
  private long requestedUpTo;
  private long requestOffset;
  private long requestLength;

  /** Forgets the blocks read so far: the iterator was positioned anew (a seek), as RocksDB does. */
  void restart() {
    previousBlock = Integer.MIN_VALUE;
  }

  /**
   * Records that block {@code blockIndex}, ending at file offset {@code blockEnd}, was read.
   *
   * @return true when the bytes {@link #requestOffset()} and {@link #requestLength()} describe
   *     should be read ahead now
   */
  boolean onBlockRead(int blockIndex, long blockEnd) {
    boolean sequential = blockIndex == previousBlock + 1;
    previousBlock = blockIndex;
    if (!sequential) {
      sequentialReads = 1;
      readaheadBytes = INITIAL_BYTES;
      requestedUpTo = 0;
      return false;
    }
    if (++sequentialReads < SEQUENTIAL_READS || blockEnd + readaheadBytes / 2 <= requestedUpTo) {
      return false;
    }
    requestOffset = Math.max(blockEnd, requestedUpTo);
    requestedUpTo = blockEnd + readaheadBytes;
    requestLength = requestedUpTo - requestOffset;
    readaheadBytes = Math.min(MAX_BYTES, readaheadBytes * 2);
    return true;
  }

  /** File offset of the bytes to read ahead, after {@link #onBlockRead} returned true. */
  long requestOffset() {
    return requestOffset;
  }

  /** How many bytes to read ahead (positive), after {@link #onBlockRead} returned true. */
  long requestLength() {
    return requestLength;
  }
}
