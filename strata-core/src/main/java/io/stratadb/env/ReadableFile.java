package io.stratadb.env;

import java.io.Closeable;
import java.io.IOException;

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
}
