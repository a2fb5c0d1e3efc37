package io.stratadb.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A file nobody writes any more (an SSTable), mapped into memory once and read by copying from the
 * mapping: a read is a memory copy, not a {@code pread} system call. LevelDB reads tables the same
 * way on 64-bit platforms ({@code PosixMmapReadableFile}); iq80 LevelDB does too.
 *
 * <p>The mapping covers the file's size when it was opened; the file must not change afterwards.
 * {@link #close()} unmaps it at once ({@link Unmapper}), so a deleted table returns its disk space
 * as soon as its last reader closes it, not when a garbage collection finds the buffer
 * unreachable. The caller must therefore make no read, and use no buffer {@link #mapping()}
 * returned, once it has called {@code close}, nor concurrently with it: reading unmapped memory
 * crashes the JVM. {@code TableReader} guarantees it with its reference count. Reads after {@code
 * close} throw {@link ClosedChannelException}. Background loads ({@link #prefetch}) hold {@link
 * #unmapLock}'s read lock, so {@code close} waits for a running one and later ones do nothing.
 *
 * <p>Thread-safe: reads use absolute positions and share no state.
 */
final class MappedReadableFile implements ReadableFile {
  /** The largest file one {@link MappedByteBuffer} can map, in bytes. */
  static final long MAX_MAPPED_BYTES = Integer.MAX_VALUE;

  private final long size;
  private volatile MappedByteBuffer buffer;
  /** Held for reading by background loads of {@link #buffer}, for writing by {@link #close()}. */
  private final ReentrantReadWriteLock unmapLock = new ReentrantReadWriteLock();

  private MappedReadableFile(MappedByteBuffer buffer, long size) {
    buffer.order(ByteOrder.LITTLE_ENDIAN); // before it is shared: the order is the buffer's state
    this.buffer = buffer;
    this.size = size;
  }

  /**
   * Maps {@code path} read-only, or opens it for channel reads when it is too large to map.
   *
   * @throws IOException if the file cannot be opened or mapped
   */
  static ReadableFile open(Path path) throws IOException {
    // A FileChannel closes itself when its thread is interrupted; hide a pending interrupt so an
    // interrupted caller can still open a table. Reads from the mapping are not interruptible.
    boolean interrupted = Thread.interrupted();
    try {
      return map(path);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static ReadableFile map(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > MAX_MAPPED_BYTES) {
        return LocalFileSystem.INSTANCE.openReadable(path);
      }
      // The mapping outlives the channel: closing the channel does not unmap.
      return new MappedReadableFile(channel.map(FileChannel.MapMode.READ_ONLY, 0, size), size);
    }
  }

  @Override
  public int read(long position, byte[] dst, int off, int len) throws IOException {
    MappedByteBuffer b = buffer;
    if (b == null) {
      throw new ClosedChannelException();
    }
    if (position < 0 || off < 0 || len < 0 || off > dst.length - len) {
      throw new IndexOutOfBoundsException("read of " + len + " bytes at " + position + " into " + off);
    }
    if (position >= size) {
      return 0;
    }
    int n = (int) Math.min(len, size - position);
    b.get((int) position, dst, off, n);
    return n;
  }

  @Override
  public long size() throws IOException {
    if (buffer == null) {
      throw new ClosedChannelException();
    }
    return size;
  }

  @Override
  public ByteBuffer mapping() throws IOException {
    MappedByteBuffer b = buffer;
    if (b == null) {
      throw new ClosedChannelException();
    }
    return b;
  }

  /** Loads the range into the page table on a background thread ({@link MappingReadahead}). */
  @Override
  public void prefetch(long offset, long length) {
    MappedByteBuffer b = buffer;
    if (b != null) {
      MappingReadahead.SHARED.load(b, offset, length, this::whileMapped);
    }
  }

  /** Runs {@code load} under the read lock, unless the file was closed (then the buffer is unmapped). */
  private void whileMapped(Runnable load) {
    unmapLock.readLock().lock();
    try {
      if (buffer != null) {
        load.run();
      }
    } finally {
      unmapLock.readLock().unlock();
    }
  }

  /** Unmaps the file, after any background load running on it; idempotent. */
  @Override
  public void close() {
    MappedByteBuffer b;
    unmapLock.writeLock().lock();
    try {
      b = buffer;
      buffer = null;
    } finally {
      unmapLock.writeLock().unlock();
    }
    if (b != null) {
      Unmapper.unmap(b);
    }
  }
}
