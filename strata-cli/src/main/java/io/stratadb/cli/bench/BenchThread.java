package io.stratadb.cli.bench;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * One benchmark thread's state: its id, its own random generators (made before the timed region)
 * and the counters it fills in. Confined to its thread while the benchmark runs; read by the
 * runner after the thread finished.
 */
final class BenchThread {

  /** db_bench's RandomGenerator seed. */
  private static final long VALUE_SEED = 301;

  final int id;
  final BenchEngine engine;
  final BenchConfig config;
  private final SplittableRandom random;
  private final ValueGenerator values;

  /** Threads of this run still reading, for {@code readwhilewriting}'s writer; shared by the run's threads. */
  final AtomicInteger readersRunning;
  /** Whether this thread's counters and time are part of the result (a background writer's are not). */
  boolean measured = true;

  /** Operations done. */
  long done;
  /** Reads and seeks that found a key. */
  long found;
  /** Transactions aborted by a conflict (then retried). */
  long aborts;
  /** Key and value bytes written or read. */
  long bytes;
  /** {@link System#nanoTime()} when the thread started and finished its operations. */
  long startNanos;
  long finishNanos;
  /** Each operation's latency in ns ({@link OpLatency}); made before the timed region. */
  final Histogram latency = OpLatency.newHistogram();
  /** {@link System#nanoTime()} when the previous operation ended, or the thread started. */
  long lastOpNanos;

  /**
   * @param id thread number within the benchmark, from 0
   * @param keySeed seed of the key generator; unique across the benchmarks of a run, so that
   *     readrandom does not read exactly the keys fillrandom wrote
   * @param engine the engine under benchmark
   * @param config shared parameters
   * @param readersRunning the run's count of threads other than thread 0 still running
   */
  BenchThread(int id, long keySeed, BenchEngine engine, BenchConfig config, AtomicInteger readersRunning) {
    this.id = id;
    this.engine = engine;
    this.readersRunning = readersRunning;
    this.config = config;
    this.random = new SplittableRandom(keySeed);
    this.values = new ValueGenerator(VALUE_SEED, config.valueSize());
  }

  /** The key for number {@code k}. */
  byte[] key(long k) {
    return BenchKeys.key(k, config.keySize());
  }

  /** A uniformly random key number in {@code [0, num)}. */
  long randomKeyNumber() {
    return random.nextLong(config.num());
  }

  /** A uniformly random key number in {@code [0, bound)}. */
  long randomKeyNumber(long bound) {
    return random.nextLong(bound);
  }

  /** The next value. */
  byte[] value() {
    return values.next(config.valueSize());
  }

  /** Puts {@code value()} under key number {@code k} and counts it. */
  void put(long k) {
    byte[] key = key(k);
    byte[] value = value();
    engine.put(key, value);
    bytes += key.length + value.length;
    opDone();
  }

  /**
   * Counts one operation done and, if the configuration records latency, records it: the time
   * since the previous operation ended, or since the thread started for the first. One {@link
   * System#nanoTime()} per operation.
   */
  void opDone() {
    if (config.latency()) {
      long now = System.nanoTime();
      latency.recordValue(Math.min(now - lastOpNanos, OpLatency.HIGHEST_TRACKABLE_NANOS));
      lastOpNanos = now;
    }
    done++;
  }
}
