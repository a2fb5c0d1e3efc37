package io.stratadb.util;

import java.lang.management.ManagementFactory;

/**
 * The memory this JVM may use, for option defaults that depend on it. The values are read once,
 * when first needed. Thread-safe (immutable).
 */
public final class MemoryBudget {
  private MemoryBudget() {}

  /**
   * Default {@link io.stratadb.ReadPathOptions#mmapBudgetBytes()}: half of the memory beside the maximum heap, in
   * bytes. The total is what {@link com.sun.management.OperatingSystemMXBean#getTotalMemorySize()}
   * reports: the machine's memory, or a container's limit (cgroup v1 or v2), which HotSpot reads
   * since JDK 14. 0 when the heap may take all of it.
   */
  public static final long DEFAULT_MMAP_BUDGET = mmapBudget(totalMemory(), Runtime.getRuntime().maxMemory());

  /** Half of {@code total - maxHeap} (both in bytes), at least 0. */
  public static long mmapBudget(long total, long maxHeap) {
    return Math.max(0, (total - maxHeap) / 2);
  }

  private static long totalMemory() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
    }
    return 0; // unknown: AUTO then reads with pread, the choice that is never badly wrong
  }
}
