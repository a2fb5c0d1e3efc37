package io.stratadb.iterator;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Positions every source of a {@link MergingIterator} with one seek each, overlapping the seeks
 * on an executor (in purpose like RocksDB's {@code ReadOptions::async_io}, which issues
 * asynchronous reads instead; the mini-lsm tutorial's "parallelize the
 * process of creating iterators"): the calling thread seeks source 0 (the newest, usually the
 * memtable) while up to {@link SeekPool#MAX_THREADS} helper tasks on the executor claim sources 1
 * to n-1 one at a time from a shared counter; then the calling thread claims what is left, runs
 * itself any helper task no thread has started, and waits for the ones running.
 *
 * <p>Because the calling thread does every seek nobody else has claimed, it never waits on a busy
 * or closed executor, and a seek over sources that are all in memory costs little more than a
 * sequential one (the hand-over still wakes pool threads). Each source is claimed exactly once,
 * so each is used by one thread at a time; {@link FutureTask#get()} orders the helpers' seeks
 * before the caller's later reads of the sources.
 */
final class ParallelSeek {

  private ParallelSeek() {}

  /**
   * Applies {@code move} to every source and returns when all are done.
   *
   * @param sources at least two iterators, none used by another thread during the call
   * @param move one seek of one source ({@code source -> source.seek(target)})
   * @param executor runs helper tasks; may reject them, then the calling thread seeks alone
   * @throws RuntimeException or {@link Error}: the first (lowest source index) failure of any
   *     source's seek, itself and unwrapped, with the other sources' failures suppressed in it;
   *     thrown only after every seek has finished
   */
  static void positionAll(InternalIterator[] sources, Consumer<InternalIterator> move, Executor executor) {
    int n = sources.length;
    AtomicInteger nextSource = new AtomicInteger(1);
    Throwable[] failures = new Throwable[n];
    Runnable claimLoop = () -> {
      for (int i = nextSource.getAndIncrement(); i < n; i = nextSource.getAndIncrement()) {
        failures[i] = seek(sources[i], move);
      }
    };
    FutureTask<?>[] helpers = new FutureTask<?>[Math.min(n - 1, SeekPool.MAX_THREADS)];
    for (int h = 0; h < helpers.length; h++) {
      helpers[h] = new FutureTask<>(claimLoop, null);
      try {
        executor.execute(helpers[h]);
      } catch (RejectedExecutionException e) {
        // Closed or saturated: this thread runs the helper below, which is as sequential as without one.
      }
    }
    failures[0] = seek(sources[0], move);
    claimLoop.run();
    boolean interrupted = false;
    for (FutureTask<?> helper : helpers) {
      // A helper no thread has started runs here and finds nothing to claim; one running elsewhere is
      // left to finish (run() returns at once), and get() waits for it.
      helper.run();
      while (true) {
        try {
          helper.get();
          break;
        } catch (InterruptedException e) {
          // Its thread still holds a source: wait it out rather than share the source.
          interrupted = true;
        } catch (ExecutionException e) {
          failures[0] = first(failures[0], e.getCause());
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    rethrowFirst(failures);
  }

  private static Throwable seek(InternalIterator source, Consumer<InternalIterator> move) {
    try {
      move.accept(source);
      return null;
    } catch (RuntimeException | Error e) {
      return e;
    }
  }

  private static Throwable first(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    if (next != null && next != first) {
      first.addSuppressed(next);
    }
    return first;
  }

  private static void rethrowFirst(Throwable[] failures) {
    Throwable failure = null;
    for (Throwable t : failures) {
      failure = first(failure, t);
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("seek failed", failure);
    }
  }
}
