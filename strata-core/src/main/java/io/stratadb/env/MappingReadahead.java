package io.stratadb.env;

import java.nio.MappedByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings ranges of memory-mapped files into the page table on a background thread
 * ({@link MappedByteBuffer#load()}: {@code madvise(MADV_WILLNEED)}, then one read per page), so the
 * thread that reads them next finds them mapped instead of taking a page fault per 4 KiB. It is the
 * mmap counterpart of RocksDB's asynchronous prefetch: the work is the same, it only moves to a
 * core the reader is not using.
 *
 * <p>Requests are hints. They queue (at most {@value #MAX_QUEUED}) for one daemon thread, which
 * ends after a minute without work; a request that finds the queue full is dropped. A request keeps
 * its buffer reachable, so the buffer stays mapped until the request is done.
 *
 * <p>Thread-safe.
 */
final class MappingReadahead {
  /** Requests waiting at most; more are dropped (the reader then faults the pages itself). */
  static final int MAX_QUEUED = 64;

  /** The process-wide instance mapped tables use. */
  static final MappingReadahead SHARED = new MappingReadahead(backgroundThread());

  private final Executor executor;
  private final AtomicLong bytesLoaded = new AtomicLong();

  /** @param executor runs each request; the shared instance's is one daemon thread */
  MappingReadahead(Executor executor) {
    this.executor = executor;
  }

  private static Executor backgroundThread() {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(MAX_QUEUED),
        task -> {
          Thread thread = new Thread(task, "strata-mapping-readahead");
          thread.setDaemon(true);
          return thread;
        },
        new ThreadPoolExecutor.DiscardPolicy());
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  /**
   * Asks for the {@code length} bytes of {@code buffer} at {@code offset} (cut at the buffer's
   * capacity) to be loaded; returns at once. Nothing happens when the range is empty.
   */
  void load(MappedByteBuffer buffer, long offset, long length) {
    long end = Math.min(buffer.capacity(), offset + Math.max(0, length));
    if (offset < 0 || offset >= end) {
      return;
    }
    int from = (int) offset;
    int bytes = (int) (end - offset);
    executor.execute(() -> {
      try {
        buffer.slice(from, bytes).load();
        bytesLoaded.addAndGet(bytes);
      } catch (InternalError fault) {
        // How the JVM reports a fault in mapped memory: the file shrank under its mapping, which
        // a table never does in use (a test may rewrite one). The reader that needs the bytes
        // will meet the same fault and report it; a hint has nobody to report to.
      }
    });
  }

  /** Bytes this instance's requests have loaded so far (for tests and statistics). */
  long bytesLoaded() {
    return bytesLoaded.get();
  }
}
