package io.stratadb.env;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A file opened for positional reads. Thread-safe: reads do not share a file position. */
public interface ReadableFile extends Closeable {

  /**
   * Reads up to {@code len} bytes at {@code position} into {@code dst[off..]}.
   *
   * @return the number of bytes read, fewer than {@code len} only at end of file
   */
  int read(long position, byte[] dst, int off, int len) throws IOException;

  /** The file's size in bytes. */
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
   */
  default void prefetch(long offset, long length) {}
}
