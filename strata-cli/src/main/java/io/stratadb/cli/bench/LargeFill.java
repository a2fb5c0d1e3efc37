package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The fill phase of {@code strata bench --larger-than-memory} on one engine, in this JVM: puts
 * every key of {@code [0, num)} exactly once in a random order (a shuffled permutation, so every
 * later random read is a hit), one thread, each put timed; then reads the engine's backlog, flushes
 * the memtable and waits (untimed in the fill's figures) until no flush or compaction is pending or
 * running, so that the read phases read a settled tree and their JVMs neither replay a WAL nor
 * compact while measured; then checks for deleted files the open engine still holds, closes it,
 * checks again and measures the directory.
 * Stateless.
 */
final class LargeFill {
  /** Seed of the values, as db_bench's RandomGenerator. */
  private static final long VALUE_SEED = 301;
  /** How often the settle wait reads the backlog, in ms. */
  private static final long SETTLE_POLL_MS = 100;
  /** The longest the settle wait waits, in ms (an hour). */
  static final long SETTLE_LIMIT_MS = 3_600_000;

  private LargeFill() {}

  /**
   * What a fill gave.
   *
   * @param result the fill's measurements (the read bytes are -1: not measured)
   * @param writeStalls writes the engine delayed or stopped, or -1 where unknown
   * @param stallMillis time writers spent delayed or stopped during the puts, in ms, or -1 where unknown
   * @param backlogAtEnd the engine's backlog just after the last put
   * @param settleSeconds from the last put until no flush or compaction was pending or running, in
   *     seconds; -1 if that took longer than {@link #SETTLE_LIMIT_MS}
   * @param shape the engine's level shape once settled
   * @param heldOpen deleted files the engine still held once settled
   * @param heldClosed deleted files this process still held after the engine closed
   * @param diskBytes bytes of the engine's directory after it closed
   */
  record Outcome(LargePhaseResult result, long writeStalls, long stallMillis, FillBacklog backlogAtEnd,
      double settleSeconds, String shape, DeletedFiles.Held heldOpen, DeletedFiles.Held heldClosed, long diskBytes) {}

  /**
   * The keys {@code 0..num-1} in a random order fixed by {@code seed} (Fisher-Yates).
   *
   * @throws IllegalArgumentException if {@code num} does not fit an int array
   */
  static int[] permutation(long num, long seed) {
    if (num < 0 || num > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("--num must be at most " + (Integer.MAX_VALUE - 8) + ", got " + num);
    }
    int[] keys = new int[(int) num];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = keys.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int k = keys[i];
      keys[i] = keys[j];
      keys[j] = k;
    }
    return keys;
  }

  /**
   * Fills {@code engine} (open on {@code dir}, empty) with {@code order}'s keys and closes it.
   *
   * @param compressible whether values compress to half (db_bench's text) or not at all (random bytes)
   * @throws IOException if {@code /proc} cannot be read for the deleted-file check or the directory measured
   * @throws InterruptedException if interrupted while waiting for the engine to settle (it is closed first)
   * @throws RuntimeException whatever the engine throws for a put (the engine is closed first)
   */
  static Outcome run(BenchEngine engine, Path dir, int[] order, int keySize, int valueSize, boolean compressible)
      throws IOException, InterruptedException {
    ValueGenerator values = new ValueGenerator(VALUE_SEED, valueSize, compressible);
    Histogram latency = LargePhaseResult.histogram();
    long pid = ProcessHandle.current().pid();
    long stalls;
    long stallMillis;
    FillBacklog backlog;
    double settleSeconds;
    String shape;
    DeletedFiles.Held heldOpen;
    long start;
    long now;
    try (engine) {
      start = System.nanoTime();
      now = start;
      for (int k : order) {
        byte[] key = BenchKeys.key(k, keySize);
        engine.put(key, values.next(valueSize));
        long after = System.nanoTime();
        latency.recordValue(after - now);
        now = after;
      }
      stalls = engine.writeStalls();
      stallMillis = engine.stallMillis();
      backlog = engine.backlog();
      engine.flush(); // else each reader replays the WAL into an L0 table and may compact while it reads
      settleSeconds = settle(engine, now);
      shape = engine.shape();
      heldOpen = DeletedFiles.scan(pid, dir);
    }
    LargePhaseResult result = LargePhaseResult.of("fillrandom", engine.kind().label(), 1, order.length,
        order.length, (now - start) / 1e9, latency, -1, -1);
    return new Outcome(result, stalls, stallMillis, backlog, settleSeconds, shape, heldOpen,
        DeletedFiles.scan(pid, dir), BenchDirectory.sizeOf(dir));
  }

  /**
   * Waits until {@code engine} has no flush or compaction pending or running, or {@link
   * #SETTLE_LIMIT_MS} passed, and returns the seconds since {@code since} (nanoTime), or -1 past
   * the limit.
   */
  static double settle(BenchEngine engine, long since) throws InterruptedException {
    long deadline = since + SETTLE_LIMIT_MS * 1_000_000;
    while (engine.backlog().pending()) {
      if (System.nanoTime() - deadline >= 0) {
        return -1;
      }
      Thread.sleep(SETTLE_POLL_MS);
    }
    return (System.nanoTime() - since) / 1e9;
  }
}
