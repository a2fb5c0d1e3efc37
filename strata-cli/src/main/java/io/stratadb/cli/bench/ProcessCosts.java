package io.stratadb.cli.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the whole process spent, read before and after a workload so a slow round can be
 * explained: minor page faults (Linux {@code /proc/self/stat}, field {@code minflt}: pages the
 * kernel had to map, for a heap that just grew or a file mapped for the first time), garbage
 * collections and their total time ({@link GarbageCollectorMXBean}; for G1 the pauses, plus any
 * concurrent cycles the collector counts), and CPU time over all threads ({@link
 * OperatingSystemMXBean#getProcessCpuTime()}). Every engine in one JVM shares these counters, so
 * a delta belongs to the engine that ran, with whatever the previous engine left behind. Immutable.
 *
 * @param minorFaults minor page faults so far, or -1 where {@code /proc/self/stat} is not readable
 * @param collections garbage collections so far, over all collectors
 * @param gcMillis time the collectors report, in ms
 * @param cpuNanos CPU time of the process, in ns, or -1 if the JVM does not report it
 */
record ProcessCosts(long minorFaults, long collections, long gcMillis, long cpuNanos) {
  private static final Path PROC_STAT = Path.of("/proc/self/stat");
  /** {@code minflt}'s position among the fields after the command name's closing parenthesis. */
  private static final int MINFLT_AFTER_NAME = 7;

  /** The counters now. */
  static ProcessCosts now() {
    long collections = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      collections += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    long cpu = ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
    return new ProcessCosts(readMinorFaults(), collections, gcMillis, cpu);
  }

  /** This process's minor page faults from {@code /proc/self/stat}, or -1. */
  private static long readMinorFaults() {
    try {
      return parseMinorFaults(Files.readString(PROC_STAT));
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The {@code minflt} field of a {@code /proc/[pid]/stat} line (proc(5)): the tenth field,
   * counted after the command name, which is in parentheses and may itself hold spaces.
   *
   * @throws IllegalArgumentException if the line is not in that format
   */
  static long parseMinorFaults(String stat) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("no command name in /proc stat line: " + stat);
    }
    String[] fields = stat.substring(close + 1).strip().split(" +");
    if (fields.length <= MINFLT_AFTER_NAME) {
      throw new IllegalArgumentException("too few fields in /proc stat line: " + stat);
    }
    return Long.parseLong(fields[MINFLT_AFTER_NAME]);
  }

  /** What was spent from {@code before} to this; a counter unknown at either end stays -1. */
  ProcessCosts since(ProcessCosts before) {
    return new ProcessCosts(
        minorFaults < 0 || before.minorFaults < 0 ? -1 : minorFaults - before.minorFaults,
        collections - before.collections, gcMillis - before.gcMillis,
        cpuNanos < 0 || before.cpuNanos < 0 ? -1 : cpuNanos - before.cpuNanos);
  }

  /** A report line, e.g. {@code 132,421 page faults; 6 GCs, 150 ms; CPU 9.02 s}. */
  String line() {
    return String.format(Locale.ROOT, "%s page faults; %d GCs, %d ms; CPU %s",
        minorFaults < 0 ? "n/a" : String.format(Locale.ROOT, "%,d", minorFaults), collections, gcMillis,
        cpuNanos < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f s", cpuNanos / 1e9));
  }
}
