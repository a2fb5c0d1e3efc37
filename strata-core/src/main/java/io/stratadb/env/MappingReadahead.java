package io.stratadb.env;

import io.stratadb.util.IdleDaemonExecutor;
import java.nio.MappedByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Brings ranges of memory-mapped files into the page table on a background thread
 * ({@link MappedByteBuffer#load()}: {@code madvise(MADV_WILLNEED)}, then one read per page), so the
 * thread that reads them next finds them mapped instead of taking a page fault per 4 KiB. It is the
 * mmap counterpart of RocksDB's asynchronous prefetch: the work is the same, it only moves to a
 * core the reader is not using.
 *
 * <p>Requests are hints. They queue (at most {@value #MAX_QUEUED}) for one daemon thread, which
 * ends after a minute without work; a request that finds the queue full is dropped. A request keeps
 * its buffer reachable, and runs under the file's guard, so the buffer stays mapped until the
 * request is done.
 *
 * <p>Thread-safe.
 */
final class MappingReadahead {
  /** Requests waiting at most; more are dropped (the reader then faults the pages itself). */
  static final int MAX_QUEUED = 64;

  /** The process-wide instance mapped tables use. */
  static final MappingReadahead SHARED = new MappingReadahead(backgroundThread(), MappedByteBuffer::load);

  private final Executor executor;
  private final Consumer<MappedByteBuffer> loader;
  private final AtomicLong bytesLoaded = new AtomicLong();
  private final AtomicLong faults = new AtomicLong();

  /**
   * @param executor runs each request; the shared instance's is one daemon thread
   * @param loader loads one requested range, given as a slice of the mapping; the shared
   *     instance's is {@link MappedByteBuffer#load()}
   */
  MappingReadahead(Executor executor, Consumer<MappedByteBuffer> loader) {
    this.executor = executor;
    this.loader = loader;
  }

  /** The shared instance's executor: one daemon thread that ends after a minute without work. */
  static Executor backgroundThread() {
    return IdleDaemonExecutor.create("strata-mapping-readahead", MAX_QUEUED, IdleDaemonExecutor.WhenFull.DROP);
  }

  /**
   * Asks for the {@code length} bytes of {@code buffer} at {@code offset} (cut at the buffer's
   * capacity) to be loaded; returns at once. Nothing happens when the range is empty.
   */
  void load(MappedByteBuffer buffer, long offset, long length) {
    load(buffer, offset, length, Runnable::run);
  }

  /**
   * As {@link #load(MappedByteBuffer, long, long)}, the load run by {@code whileMapped}, which runs
   * it only while the buffer is still mapped and keeps it mapped meanwhile (a file that unmaps its
   * buffer explicitly, {@link MappedReadableFile}, skips the load after that).
   */
  void load(MappedByteBuffer buffer, long offset, long length, Consumer<Runnable> whileMapped) {
    if (offset < 0 || offset >= buffer.capacity() || length <= 0) {
      return;
    }
    int from = (int) offset;
    int bytes = (int) Math.min(length, buffer.capacity() - offset);
    executor.execute(() -> {
      try {
        whileMapped.accept(() -> {
          loader.accept(buffer.slice(from, bytes));
          bytesLoaded.addAndGet(bytes);
        });
      } catch (InternalError fault) {
        // How the JVM reports a fault in mapped memory: the file shrank under its mapping, which
        // a table never does in use (a test may rewrite one). The reader that needs the bytes
        // meets the same fault and reports it; a hint has nobody to report to, so it is counted.
        faults.incrementAndGet();
      }
    });
  }

  /** Requests that met a fault in mapped memory (the file shrank under its mapping) and stopped. */
  long faults() {
    return faults.get();
  }

  /** Bytes this instance's requests have loaded so far (for tests and statistics). */
  long bytesLoaded() {
    return bytesLoaded.get();
  }
}
