package io.stratadb.env;

import java.io.Closeable;
import java.io.IOException;

/**
 * An append-only file. {@link #append} may buffer in user space; {@link #flush()} hands buffered
 * bytes to the operating system (they then survive a process crash); {@link #sync()} also forces
 * them to stable storage (they then survive power loss). Not thread-safe.
 */
public interface WritableFile extends Closeable {

  /**
   * Appends {@code len} bytes of {@code data} starting at {@code off}.
   *
   * @param data the bytes to append; not kept after the call
   * @param off the first index of {@code data} to append
   * @param len the number of bytes to append
   * @throws IOException if the write fails or the file is closed
   */
  void append(byte[] data, int off, int len) throws IOException;

  /**
   * Writes buffered bytes to the operating system.
   *
   * @throws IOException if the write fails
   */
  void flush() throws IOException;

  /**
   * Flushes, then fsyncs the file's data.
   *
   * @throws IOException if the write or the fsync fails
   */
  void sync() throws IOException;

  /** {@return the bytes appended so far, including buffered ones} */
  long size();

  /** Flushes and closes; does not sync. */
  @Override
  void close() throws IOException;
}
