package io.stratadb.cli.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The JVM's stop-the-world garbage collection pauses so far, read before and after a workload: the
 * count and summed time of the collectors' {@link GarbageCollectorMXBean}s that count pauses. The
 * beans of concurrent work are left out: ZGC's and Shenandoah's "... Cycles" (their pauses have
 * their own "... Pauses" bean) and G1's "G1 Concurrent GC" (JDK 21 on). G1's "G1 Young
 * Generation" and "G1 Old Generation" count pauses only, as do Parallel's and Serial's. A
 * pause of another thread's engine or of the whole JVM counts alike: these are process-wide.
 * Immutable.
 *
 * @param count pauses
 * @param millis their summed length, in ms (each bean rounds to whole ms)
 */
record GcPauses(long count, long millis) {

  /** No pause. */
  static final GcPauses NONE = new GcPauses(0, 0);

  /** The pauses so far. */
  static GcPauses now() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (countsPauses(gc.getName())) {
        count += Math.max(0, gc.getCollectionCount());
        millis += Math.max(0, gc.getCollectionTime());
      }
    }
    return new GcPauses(count, millis);
  }

  /** Whether the collector bean named {@code name} counts pauses rather than concurrent work. */
  static boolean countsPauses(String name) {
    return !name.contains("Cycles") && !name.contains("Concurrent");
  }

  /** The pauses from {@code before} to this. */
  GcPauses since(GcPauses before) {
    return new GcPauses(count - before.count, millis - before.millis);
  }

  /** A report fragment, e.g. {@code GC pauses: 3, 41 ms}. */
  String line() {
    return String.format(Locale.ROOT, "GC pauses: %d, %d ms", count, millis);
  }
}
