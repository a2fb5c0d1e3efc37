package io.stratadb.env;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads that bypass the page cache ({@code O_DIRECT}, RocksDB's {@code use_direct_reads}), which
 * Java 17 opens without native code: {@link com.sun.nio.file.ExtendedOpenOption#DIRECT}. Such a
 * channel reads only whole blocks of the file system ({@link java.nio.file.FileStore#getBlockSize})
 * at offsets that are multiples of it, into a direct buffer whose address is aligned to it; a
 * read of any range is widened to whole blocks here and the asked-for bytes copied out.
 *
 * <p>Each thread keeps one aligned buffer of up to {@link #CACHED_BUFFER_BYTES} for its reads;
 * a longer read allocates one for itself. Thread-safe.
 */
final class DirectIo {
  private DirectIo() {}

  /** The longest buffer a thread keeps between reads, in bytes. */
  static final int CACHED_BUFFER_BYTES = 4 << 20;

  private static final ThreadLocal<ByteBuffer> BUFFERS = new ThreadLocal<>();

  /** The options that open {@code path} for direct reads. */
  static final OpenOption[] OPEN_OPTIONS = {StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT};

  /**
   * The alignment direct reads of {@code path} need, in bytes: its file system's block size.
   *
   * @throws IOException if the file system cannot say
   */
  static int alignment(Path path) throws IOException {
    long size = Files.getFileStore(path).getBlockSize();
    if (size <= 0 || size > (1 << 20) || Long.bitCount(size) != 1) {
      throw new IOException("unusable block size " + size + " for direct reads of " + path);
    }
    return (int) size;
  }

  /**
   * Reads up to {@code len} bytes at {@code position} of {@code channel}, opened with {@link
   * #OPEN_OPTIONS}, into {@code dst[off..]}.
   *
   * @param alignment the file's {@link #alignment}
   * @return the bytes read, fewer than {@code len} only at the end of the file
   * @throws IOException if a read fails
   */
  static int read(FileChannel channel, int alignment, long position, byte[] dst, int off, int len)
      throws IOException {
    long start = position - Math.floorMod(position, alignment);
    long end = position + len;
    long alignedEnd = (end + alignment - 1) / alignment * alignment;
    int span = Math.toIntExact(alignedEnd - start);
    ByteBuffer buffer = buffer(span, alignment);
    int got = 0;
    while (got < span) {
      int n = channel.read(buffer, start + got);
      if (n <= 0) {
        break;
      }
      got += n;
      if (got % alignment != 0) {
        break; // a partial block: the end of the file
      }
    }
    int skip = (int) (position - start);
    int copied = Math.max(0, Math.min(len, got - skip));
    buffer.get(skip, dst, off, copied);
    return copied;
  }

  /** A cleared, aligned direct buffer of exactly {@code span} bytes of room. */
  private static ByteBuffer buffer(int span, int alignment) {
    ByteBuffer cached = BUFFERS.get();
    if (cached == null || cached.capacity() < span) {
      ByteBuffer made = ByteBuffer.allocateDirect(span + alignment).alignedSlice(alignment);
      if (span <= CACHED_BUFFER_BYTES) {
        BUFFERS.set(made);
      }
      cached = made;
    }
    return cached.clear().limit(span);
  }
}
