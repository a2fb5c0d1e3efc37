package io.stratadb.env;

import io.stratadb.util.IdleDaemonExecutor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log file appended through memory maps, as iq80 leveldb's {@code MMapLogWriter} and LevelDB's
 * old {@code PosixMmapFile} do: an append is a copy into a mapped region of the file, which is
 * then already in the operating system's page cache, so {@link #flush()} has nothing to do. A WAL
 * record per write thus costs no system call, where a {@code write(2)} per record cost about 2 us
 * of CPU on the benchmark machine, as much as the memtable insert.
 *
 * <p>The file grows by regions of 64 KiB doubling to 4 MiB. Each region is first filled with
 * zeroes through ordinary writes (a page per write once the file has been synced, so that a sync
 * writes back pages rather than large folios; see {@code SYNCED_ZEROING_BYTES}), so the file
 * system allocates its blocks then: a full disk fails that write with an {@link IOException}
 * instead of failing a later store into the map with a {@code SIGBUS}. {@link #close()} truncates
 * the file to the bytes appended; after a crash the file may instead end in up to one region of
 * zeroes, which {@code LogReader} reads as the end of the log.
 *
 * <p>Durability: bytes appended survive a process crash once appended (they are in the page cache,
 * shared with the file). {@link #sync()} forces the regions written since the last sync ({@code
 * msync(MS_SYNC)}), and fsyncs the whole file only when its metadata changed since the last full
 * fsync: the file was created or truncated, or a region was zeroed, which grows the file and
 * allocates its blocks. On Linux that is enough: {@code msync(MS_SYNC)} of a shared file mapping is {@code
 * vfs_fsync_range(file, start, end, datasync=1)} ({@code mm/msync.c}), an {@code fdatasync} of the
 * range, which writes the pages and the metadata needed to read them back and flushes the disk's
 * write cache; what it skips is the modification time (fdatasync(2): "does not flush modified
 * metadata unless that metadata is needed in order to allow a subsequent data retrieval"). The
 * appends into an already zeroed and fsynced region change neither the file's length nor its block
 * allocation, so nothing they depend on is left unsynced. LevelDB ({@code env_posix.cc} {@code
 * SyncFd}) and RocksDB ({@code use_fsync=false}, the default) sync their WALs with {@code
 * fdatasync} for the same reason. A full fsync after every msync, as before, wrote the inode for
 * its mtime and flushed the disk's cache a second time: 110-280 us more per sync on the benchmark
 * machine (ext4; syncs of 130 bytes alternating in one process, msync alone 750-985 us). On other
 * systems, where {@code msync} promises less, every sync still ends with a full fsync. Details and
 * measurements: {@code docs/wal-sync.md}.
 *
 * <p>Regions are prepared ahead (issue 24): once appends pass the middle of the current region, a
 * background thread ({@code strata-wal-preparer}, one per process) zeroes the next region and,
 * if this file has been synced, fsyncs the file, so that the appending thread (a write group's
 * leader, with every writer of the group waiting) neither zeroes up to 4 MiB in {@code write(2)}s
 * nor pays the full fsync that made the growth durable. The appending thread takes the prepared
 * region if it is ready when needed, waits for it if it is being prepared, and prepares the region
 * itself as before if the task has not started or failed (a full disk then fails its own zeroing
 * write). A background fsync makes durable only bytes appended before it, and it runs only once
 * this file was synced, which a sync write does after every older WAL was ({@code
 * SwitchedWals}), so it never makes a byte durable before an older WAL's. After a crash the file
 * may end in up to two regions of zeroes.
 *
 * <p>Interrupts: mapping a region goes through a {@link FileChannel}, which an interrupt of the
 * calling thread would close; the interrupt status is hidden while mapping and restored after, and
 * a channel closed anyway is reopened, so interrupting a writer never breaks the WAL.
 *
 * <p>Not thread-safe: the caller serialises appends, as for every {@link WritableFile}; the
 * preparation of the next region hands over through {@link Preparation}'s atomic state.
 */
final class MappedWritableFile implements WritableFile {
  private static final int FIRST_REGION_BYTES = 64 << 10;
  private static final int MAX_REGION_BYTES = 4 << 20;
  private static final byte[] ZEROES = new byte[64 << 10];
  /**
   * Once the file has been synced, regions are zeroed a page per write: Linux (6.x, ext4 with
   * large folios) caches a write in page-cache folios as large as the write, a store through the
   * map dirties its whole folio, and an msync writes back every dirty folio it touches, so with
   * regions zeroed in 64 KiB writes every sync wrote 64 KiB to the disk. Files never synced keep
   * the larger writes, which cost fewer system calls.
   */
  private static final int SYNCED_ZEROING_BYTES = 4 << 10;
  /** {@code msync(MS_SYNC)} is an fdatasync of the range here (see the class comment). */
  private static final boolean MSYNC_IS_DATASYNC = System.getProperty("os.name", "").startsWith("Linux");

  private final Path path;
  private RandomAccessFile file;
  /** The region appends go to, positioned at the next byte; null before the first append. */
  private MappedByteBuffer region;
  /** Where the unsynced bytes of {@code region} start. */
  private int regionSyncedTo;
  /** A filled region whose bytes from {@code from} on were not forced since the last sync. */
  private record Unsynced(MappedByteBuffer region, int from) {}

  /** Filled regions not forced since the last sync. */
  private final List<Unsynced> unsynced = new ArrayList<>();
  /** Every region mapped, unmapped by {@link #close()} so a deleted log returns its space at once. */
  private final List<MappedByteBuffer> mapped = new ArrayList<>();
  private int nextRegionBytes = FIRST_REGION_BYTES;
  private long size;
  private boolean closed;
  /**
   * The file's length or block allocation changed since its last full fsync (it was created or
   * truncated, or a region was zeroed): the next sync must be a full fsync.
   */
  private boolean metadataChanged = true;
  /** Whether {@link #sync()} has run: later regions are zeroed a page per write. */
  private boolean synced;
  /** Full fsyncs done, by the appending thread or a preparation (see {@link #fullSyncsForTest()}). */
  private final AtomicLong fullSyncs = new AtomicLong();
  /** Where {@link #region} starts in the file. */
  private long regionStart;
  /** The next region being prepared in the background, or null. */
  private Preparation preparing;
  /** TEST ONLY: regions taken from a background preparation. */
  private long preparedRegions;

  /** Zeroes the next region of a log ahead of its appends; one thread for the process. */
  private static final Executor PREPARER =
      IdleDaemonExecutor.create("strata-wal-preparer", 64, IdleDaemonExecutor.WhenFull.REJECT);

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int PREPARED = 2;
  private static final int FAILED = 3;
  private static final int CANCELLED = 4;

  /**
   * The zeroing (and, if {@code fsync}, the fsync) of {@code bytes} at {@code start}, run by
   * {@link #PREPARER}. Its state goes NEW -> RUNNING -> PREPARED or FAILED, or NEW -> CANCELLED
   * when the appending thread needs the region before the task started (then the task does nothing).
   */
  private final class Preparation implements Runnable {
    final long start;
    final int bytes;
    final int chunk;
    final boolean fsync;
    final FileChannel channel;
    final AtomicInteger state = new AtomicInteger(NEW);
    final CountDownLatch done = new CountDownLatch(1);

    Preparation(long start, int bytes, int chunk, boolean fsync, FileChannel channel) {
      this.start = start;
      this.bytes = bytes;
      this.chunk = chunk;
      this.fsync = fsync;
      this.channel = channel;
    }

    @Override
    public void run() {
      if (!state.compareAndSet(NEW, RUNNING)) {
        return;
      }
      boolean ok = false;
      try {
        for (int written = 0; written < bytes; ) { // positional writes: the appending thread only maps
          written += channel.write(ByteBuffer.wrap(ZEROES, 0, Math.min(chunk, bytes - written)), start + written);
        }
        if (fsync) {
          channel.force(true);
          fullSyncs.incrementAndGet();
        }
        ok = true;
      } catch (IOException | RuntimeException e) {
        // the appending thread zeroes the region itself and meets the error, if it persists
      } finally {
        state.set(ok ? PREPARED : FAILED);
        done.countDown();
      }
    }

    /** Whether the region is prepared: cancels a task not yet started, waits for a running one. */
    boolean await() {
      if (state.compareAndSet(NEW, CANCELLED)) {
        return false;
      }
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // a writer keeps writing and keeps its interrupt
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      return state.get() == PREPARED;
    }
  }

  private MappedWritableFile(Path path, RandomAccessFile file) {
    this.path = path;
    this.file = file;
  }

  /**
   * Creates (or truncates) {@code path}.
   *
   * @throws IOException if it cannot be opened or truncated
   */
  static MappedWritableFile create(Path path) throws IOException {
    RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
    try {
      file.setLength(0);
    } catch (IOException e) {
      file.close();
      throw e;
    }
    return new MappedWritableFile(path, file);
  }

  @Override
  public void append(byte[] data, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("append to closed file " + path);
    }
    while (len > 0) {
      if (region == null || !region.hasRemaining()) {
        nextRegion();
      }
      int n = Math.min(len, region.remaining());
      region.put(data, off, n);
      off += n;
      len -= n;
      size += n;
      if (preparing == null && region.position() >= region.capacity() / 2) {
        prepareNextRegion();
      }
    }
  }

  /** Hands the zeroing of the region after the current one to {@link #PREPARER}. */
  private void prepareNextRegion() {
    Preparation p = new Preparation(regionStart + region.capacity(), nextRegionBytes, zeroingWriteBytes(), synced,
        file.getChannel());
    try {
      PREPARER.execute(p);
      preparing = p;
    } catch (RejectedExecutionException e) {
      // queue full: this region is zeroed on the appending thread when needed
    }
  }

  /** Allocates the region after {@code size} (which ends the current one) and maps it. */
  private void nextRegion() throws IOException {
    int bytes = nextRegionBytes;
    Preparation p = preparing;
    preparing = null;
    if (p != null && p.start == size && p.bytes == bytes && p.await()) {
      preparedRegions++;
      metadataChanged |= !p.fsync; // a fsynced preparation made the growth durable
    } else {
      file.seek(size);
      int chunk = zeroingWriteBytes();
      for (int written = 0; written < bytes; written += chunk) {
        file.write(ZEROES, 0, Math.min(chunk, bytes - written));
      }
      metadataChanged = true;
    }
    MappedByteBuffer next = map(size, bytes);
    mapped.add(next);
    if (region != null && regionSyncedTo < region.capacity()) {
      unsynced.add(new Unsynced(region, regionSyncedTo));
    }
    region = next;
    regionStart = size;
    regionSyncedTo = 0;
    nextRegionBytes = Math.min(MAX_REGION_BYTES, bytes * 2);
  }

  private MappedByteBuffer map(long start, int bytes) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      try {
        return file.getChannel().map(FileChannel.MapMode.READ_WRITE, start, bytes);
      } catch (ClosedChannelException e) {
        // An interrupt that raced the map closed the channel and the file: reopen, map again.
        Thread.interrupted();
        file = new RandomAccessFile(path.toFile(), "rw");
        return file.getChannel().map(FileChannel.MapMode.READ_WRITE, start, bytes);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Nothing to do: appended bytes are already in the operating system's page cache. */
  @Override
  public void flush() throws IOException {
    if (closed) {
      throw new IOException("flush of closed file " + path);
    }
  }

  /**
   * Forces the bytes appended since the last sync to stable storage: {@code msync} of the regions
   * written, then a full fsync if the file's metadata changed or {@code msync} is not known to be
   * an fdatasync on this system (see the class comment).
   *
   * @throws IOException if the file is closed, or if {@code msync} or {@code fsync} fails; the
   *     bytes must then be taken as lost (the caller must not retry)
   */
  @Override
  public void sync() throws IOException {
    flush();
    synced = true;
    try {
      for (Unsynced u : unsynced) {
        u.region().force(u.from(), u.region().capacity() - u.from());
      }
      unsynced.clear();
      if (region != null && region.position() > regionSyncedTo) {
        region.force(regionSyncedTo, region.position() - regionSyncedTo);
        regionSyncedTo = region.position();
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (metadataChanged || !MSYNC_IS_DATASYNC) {
      file.getFD().sync();
      metadataChanged = false;
      fullSyncs.incrementAndGet();
    }
  }

  /** The size of the writes that zero the next region, in bytes. */
  int zeroingWriteBytes() {
    return synced ? SYNCED_ZEROING_BYTES : ZEROES.length;
  }

  /** TEST ONLY: the number of full fsyncs done, by {@link #sync()} or a region's preparation. */
  long fullSyncsForTest() {
    return fullSyncs.get();
  }

  /** TEST ONLY: the number of regions taken ready from a background preparation. */
  long preparedRegionsForTest() {
    return preparedRegions;
  }

  /** TEST ONLY: waits until the region being prepared, if any, is prepared or failed; true if prepared. */
  boolean awaitPreparationForTest() throws InterruptedException {
    Preparation p = preparing;
    if (p == null) {
      return false;
    }
    p.done.await();
    return p.state.get() == PREPARED;
  }

  /** TEST ONLY: whether {@link #sync()} skips the full fsync when no metadata changed. */
  static boolean msyncIsDatasyncForTest() {
    return MSYNC_IS_DATASYNC;
  }

  @Override
  public long size() {
    return size;
  }

  /**
   * Unmaps the regions (their bytes stay in the page cache, shared with the file), truncates the
   * file to the bytes appended and closes it, without syncing. Left to the garbage collector, the
   * mappings of a WAL deleted after its flush kept its disk space (a 64 MiB memtable's log each)
   * past the database's close.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (preparing != null) { // its zeroes must not land after the truncation below
      preparing.await();
      preparing = null;
    }
    region = null;
    unsynced.clear();
    for (MappedByteBuffer m : mapped) {
      Unmapper.unmap(m); // appends are serialised with close and fail once closed: nothing reads it
    }
    mapped.clear();
    try {
      file.setLength(size);
    } finally {
      file.close();
    }
  }
}
