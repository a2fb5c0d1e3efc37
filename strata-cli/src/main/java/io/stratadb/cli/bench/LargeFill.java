package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The fill phase of {@code strata bench --larger-than-memory} on one engine, in this JVM: puts
 * every key of {@code [0, num)} exactly once in a random order (a shuffled permutation, so every
 * later random read is a hit), one thread, each put timed; then checks for deleted files the
 * open engine still holds, closes it (waiting for its background work), checks again and
 * measures the directory. Stateless.
 */
final class LargeFill {
  /** Seed of the values, as db_bench's RandomGenerator. */
  private static final long VALUE_SEED = 301;

  private LargeFill() {}

  /**
   * What a fill gave.
   *
   * @param result the fill's measurements (the read bytes are -1: not measured)
   * @param writeStalls writes the engine delayed or stopped, or -1 where unknown
   * @param shape the engine's level shape after the fill
   * @param heldOpen deleted files the engine still held just after the last put
   * @param heldClosed deleted files this process still held after the engine closed
   * @param diskBytes bytes of the engine's directory after it closed
   */
  record Outcome(LargePhaseResult result, long writeStalls, String shape, DeletedFiles.Held heldOpen,
      DeletedFiles.Held heldClosed, long diskBytes) {}

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
   * @throws RuntimeException whatever the engine throws for a put (the engine is closed first)
   */
  static Outcome run(BenchEngine engine, Path dir, int[] order, int keySize, int valueSize, boolean compressible)
      throws IOException {
    ValueGenerator values = new ValueGenerator(VALUE_SEED, valueSize, compressible);
    Histogram latency = LargePhaseResult.histogram();
    long pid = ProcessHandle.current().pid();
    long stalls;
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
      shape = engine.shape();
      heldOpen = DeletedFiles.scan(pid, dir);
    }
    LargePhaseResult result = LargePhaseResult.of("fillrandom", engine.kind().label(), 1, order.length,
        order.length, (now - start) / 1e9, latency, -1, -1);
    return new Outcome(result, stalls, shape, heldOpen, DeletedFiles.scan(pid, dir), BenchDirectory.sizeOf(dir));
  }
}
