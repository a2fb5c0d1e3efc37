package io.stratadb.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one workload on {@code threads} threads, as db_bench's {@code RunBenchmark}: the threads
 * and their generators are set up first, then released together; each times only its own
 * operations with {@link System#nanoTime()}, and the JVM's GC pauses are read from just before the
 * release to the last thread's end. Stateless; one run at a time per caller thread.
 */
final class BenchRunner {
  private BenchRunner() {}

  /**
   * Runs {@code workload} and returns the merged measurements.
   *
   * @param firstSeed key seed of thread 0; thread i uses {@code firstSeed + i}. db_bench seeds
   *     with 1000 plus a thread count running over all benchmarks, so each run is reproducible but
   *     no two benchmarks draw the same keys
   *
   * @throws io.stratadb.StrataException or another runtime exception a thread met (the other
   *     threads are interrupted and the first failure is rethrown)
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  static BenchResult run(BenchWorkload workload, BenchEngine engine, BenchConfig config, long firstSeed)
      throws InterruptedException {
    List<BenchThread> threads = new ArrayList<>();
    AtomicInteger readersRunning = new AtomicInteger(config.threads() - 1);
    for (int i = 0; i < config.threads(); i++) {
      threads.add(new BenchThread(i, firstSeed + i, engine, config, readersRunning));
    }
    CountDownLatch ready = new CountDownLatch(threads.size());
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads.size(), r -> {
      Thread t = new Thread(r, "strata-bench");
      t.setDaemon(true);
      return t;
    });
    GcPauses gcPauses;
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (BenchThread t : threads) {
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          t.startNanos = System.nanoTime();
          t.lastOpNanos = t.startNanos;
          workload.run(t);
          t.finishNanos = System.nanoTime();
          return null;
        }));
      }
      ready.await();
      GcPauses gcBefore = GcPauses.now();
      go.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      gcPauses = GcPauses.now().since(gcBefore);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return BenchResult.merge(workload, threads, gcPauses);
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException("benchmark thread failed: " + cause, cause);
  }
}
