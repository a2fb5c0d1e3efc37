package io.stratadb.env;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real, local file system, through {@link FileChannel}. Thread-safe singleton. */
public final class LocalFileSystem implements FileSystem {

  /** The single instance. */
  public static final LocalFileSystem INSTANCE = new LocalFileSystem();

  private static final int WRITE_BUFFER_BYTES = 64 << 10;

  private LocalFileSystem() {}

  @Override
  public WritableFile newWritableFile(Path path) throws IOException {
    return new StreamWritableFile(new FileOutputStream(path.toFile()));
  }

  /** Appends through memory maps (see {@link MappedWritableFile}): a flush is no system call. */
  @Override
  public WritableFile newLogFile(Path path) throws IOException {
    return MappedWritableFile.create(path);
  }

  @Override
  public ReadableFile openReadable(Path path) throws IOException {
    return new ChannelReadableFile(path);
  }

  /**
   * Opens {@code path} for reads that bypass the page cache ({@code O_DIRECT}, see {@link
   * DirectIo}); the file system must support them (tmpfs does not).
   */
  @Override
  public ReadableFile openDirect(Path path) throws IOException {
    return new ChannelReadableFile(path, true);
  }

  /** Maps the file into memory (see {@link MappedReadableFile}); files over 2 GiB are read as usual. */
  @Override
  public ReadableFile openImmutable(Path path) throws IOException {
    return MappedReadableFile.open(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void deleteIfExists(Path path) throws IOException {
    Files.deleteIfExists(path);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public List<String> listFileNames(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    // FileChannel.force is interruptible; hide a pending interrupt so it cannot abort the fsync.
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for reading; Linux can, and there a failure is real.
      if (System.getProperty("os.name", "").toLowerCase().contains("win")) {
        return;
      }
      throw e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void link(Path existing, Path link) throws IOException {
    Files.createLink(link, existing);
  }

  /** See {@link LocalFileLock}: never two holders, in this JVM or across processes. */
  @Override
  public FileLockHandle lock(Path path) throws IOException {
    return LocalFileLock.lock(path);
  }

  /**
   * Buffers appends in a heap buffer so a small WAL record costs one write system call at most.
   * Built on {@link FileOutputStream}, whose writes and {@code FileDescriptor.sync()} are not
   * interruptible: a writer thread's interrupt must not close the WAL (as it would a FileChannel).
   */
  private static final class StreamWritableFile implements WritableFile {
    private final FileOutputStream out;
    private final byte[] buffer = new byte[WRITE_BUFFER_BYTES];
    private int buffered;
    private long size;

    StreamWritableFile(FileOutputStream out) {
      this.out = out;
    }

    @Override
    public void append(byte[] data, int off, int len) throws IOException {
      size += len;
      if (len > buffer.length - buffered) {
        flush();
        if (len > buffer.length) {
          out.write(data, off, len);
          return;
        }
      }
      System.arraycopy(data, off, buffer, buffered, len);
      buffered += len;
    }

    @Override
    public void flush() throws IOException {
      if (buffered > 0) {
        out.write(buffer, 0, buffered);
        buffered = 0;
      }
    }

    @Override
    public void sync() throws IOException {
      flush();
      out.getFD().sync();
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() throws IOException {
      try {
        flush();
      } finally {
        out.close();
      }
    }
  }

  /**
   * Positional reads through a {@link FileChannel}. A thread interrupted during a read closes a
   * FileChannel for every thread; this reader then reopens it and retries with the interrupt
   * hidden, restoring the thread's interrupt status afterwards, so one interrupted reader cannot
   * break an SSTable shared by all.
   */
  private static final class ChannelReadableFile implements ReadableFile {
    private static final OpenOption[] BUFFERED = {StandardOpenOption.READ};

    private final Path path;
    private final OpenOption[] openOptions;
    /** The block size direct reads align to; 0 for reads through the page cache. */
    private final int alignment;
    private volatile FileChannel channel;
    /**
     * A second open file description for {@link #readSequential}, opened on its first use; {@link
     * #channel} itself once opening it failed (the file may be deleted by then). Null before.
     */
    private volatile FileChannel sequential;
    private volatile boolean closed;

    ChannelReadableFile(Path path) throws IOException {
      this(path, false);
    }

    /** Opens {@code path} for reads through the page cache, or around it if {@code direct}. */
    ChannelReadableFile(Path path, boolean direct) throws IOException {
      this.path = path;
      this.openOptions = direct ? DirectIo.OPEN_OPTIONS : BUFFERED;
      this.alignment = direct ? DirectIo.alignment(path) : 0;
      this.channel = FileChannel.open(path, openOptions);
    }

    @Override
    public int read(long position, byte[] dst, int off, int len) throws IOException {
      return read(false, position, dst, off, len);
    }

    /** Through {@link #sequential}; a direct read has no kernel read-ahead to keep apart. */
    @Override
    public int readSequential(long position, byte[] dst, int off, int len) throws IOException {
      return read(alignment == 0, position, dst, off, len);
    }

    private int read(boolean useSequential, long position, byte[] dst, int off, int len) throws IOException {
      FileChannel ch = useSequential ? sequentialChannel() : channel;
      try {
        return readFully(ch, position, dst, off, len);
      } catch (ClosedChannelException e) {
        if (closed) {
          throw e;
        }
        boolean interrupted = Thread.interrupted();
        try {
          return readFully(reopen(ch), position, dst, off, len);
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    /** {@link #sequential}, opened on first use; the main channel if that fails or the file is closed. */
    private FileChannel sequentialChannel() {
      FileChannel ch = sequential;
      if (ch == null) {
        synchronized (this) {
          ch = sequential;
          if (ch == null) {
            try {
              ch = closed ? channel : FileChannel.open(path, openOptions);
            } catch (IOException e) {
              ch = channel; // deleted or unreadable by now: the main description serves it
            }
            sequential = ch;
          }
        }
      }
      return ch;
    }

    /** Replaces {@code broken} (the main or the sequential channel) after an interrupt closed it. */
    private synchronized FileChannel reopen(FileChannel broken) throws IOException {
      if (!closed && channel == broken) {
        channel = FileChannel.open(path, openOptions);
      } else if (!closed && sequential == broken) {
        sequential = null; // opened again on the next sequential read, or the main channel then
        return sequentialChannel();
      }
      return channel;
    }

    private int readFully(FileChannel ch, long position, byte[] dst, int off, int len)
        throws IOException {
      if (alignment > 0) {
        return DirectIo.read(ch, alignment, position, dst, off, len);
      }
      ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
      int total = 0;
      while (buf.hasRemaining()) {
        int n = ch.read(buf, position + total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      return total;
    }

    @Override
    public long size() throws IOException {
      try {
        return channel.size();
      } catch (ClosedChannelException e) {
        if (closed) {
          throw e;
        }
        boolean interrupted = Thread.interrupted();
        try {
          return reopen(channel).size();
        } finally {
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    }

    @Override
    public synchronized void close() throws IOException {
      closed = true;
      try {
        channel.close();
      } finally {
        FileChannel seq = sequential;
        if (seq != null && seq != channel) {
          seq.close();
        }
      }
    }
  }
}
