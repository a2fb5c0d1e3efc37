package io.stratadb.env;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A file opened for positional reads. Thread-safe: reads do not share a file position. */
public interface ReadableFile extends Closeable {

  /**
   * Reads up to {@code len} bytes at {@code position} into {@code dst[off..]}.
   *
   * @param position the file offset to read from, {@code >= 0}
   * @param dst the array to read into
   * @param off the first index of {@code dst} to fill
   * @param len the most bytes to read
   * @return the number of bytes read, fewer than {@code len} only at end of file
   * @throws IOException if the read fails or the file is closed
   */
  int read(long position, byte[] dst, int off, int len) throws IOException;

  /**
   * As {@link #read}, for a read that continues a run of one reader's reads through the file (an
   * iterator's next data block, a compaction input's next chunk), while other reads of the file
   * jump about (point lookups, seeks). The implementation may serve it through a second open file
   * description, so the kernel's read-ahead, which keeps its state per open file description and
   * grows a window for a read that follows the previous one, sees the random reads and the runs
   * apart: without it, the page after a seek's block read 16-32 KiB (Java 17 cannot call {@code
   * posix_fadvise(POSIX_FADV_RANDOM)}, RocksDB's {@code advise_random_on_open}). The default
   * calls {@link #read}. Thread-safe as {@link #read} is.
   *
   * @param position the file offset to read from, {@code >= 0}
   * @param dst the array to read into
   * @param off the first index of {@code dst} to fill
   * @param len the most bytes to read
   * @return the number of bytes read, fewer than {@code len} only at end of file
   * @throws IOException if the read fails or the file is closed
   */
  default int readSequential(long position, byte[] dst, int off, int len) throws IOException {
    return read(position, dst, off, len);
  }

  /**
   * {@return the file's size in bytes}
   *
   * @throws IOException if the size cannot be read or the file is closed
   */
  long size() throws IOException;

  /**
   * The whole file as a read-only, little-endian buffer when it is memory-mapped, so readers can
   * use its bytes in place; null when it is not. Callers make only absolute reads on it and never
   * change its order, position or limit: threads share it. The buffer is valid until {@link
   * #close()}, which may unmap it ({@link LocalFileSystem}'s files do, so a deleted file returns
   * its space at once): the caller must not use it, or any view of it, after closing the file or
   * concurrently with the close, as reading unmapped memory crashes the JVM. {@code TableReader}
   * closes its file only when its reference count reaches zero, and block views of the mapping
   * are used only while a reference is held.
   *
   * @return the mapping, or null when the file is not mapped
   * @throws IOException if the file is closed
   */
  default ByteBuffer mapping() throws IOException {
    return null;
  }

  /**
   * A hint that the {@code length} bytes at {@code offset} will be read soon, so the implementation
   * may bring them into memory in the background (POSIX {@code posix_fadvise(WILLNEED)}; RocksDB's
   * {@code FSRandomAccessFile::Prefetch}). Returns at once; never fails: a range past the end of
   * the file is cut at the end, and a closed file ignores the hint. The default does nothing.
   *
   * @param offset the first byte of the range
   * @param length the range's length in bytes
   */
  default void prefetch(long offset, long length) {}
}
