package io.stratadb.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one read phase of {@code strata bench --larger-than-memory} on one engine: drops the page
 * cache (when allowed), makes a {@link MemoryCgroup} with the limit (when allowed), starts a
 * {@link LargeReadChild} JVM with the reader heap inside it, and collects its result with the
 * group's peak memory. Every refusal (not root, no memory controller) is printed and the phase
 * runs without it, marked in its result. Stateless; one phase at a time.
 */
final class LargeReadPhase {
  private LargeReadPhase() {}

  /**
   * What one phase gave.
   *
   * @param result the measurements (with the memory limit, peak and cache state)
   * @param heldFiles deleted database files the reader still held at its end
   * @param heldBytes bytes those files held
   */
  record Outcome(LargePhaseResult result, long heldFiles, long heldBytes) {}

  /**
   * Runs the child {@code java -Xmx<readerHeap> ... LargeReadChild args}.
   *
   * @param args the child's arguments ({@link LargeReadChild#arguments})
   * @param jvmOptions options for the child's JVM, before its heap size (e.g. a flight recording)
   * @param readerHeapBytes the child's maximum heap, in bytes
   * @param memoryLimitBytes the cgroup limit, in bytes
   * @param dropCaches whether to drop the page cache first (done only when allowed)
   * @param scratch directory for the child's stderr
   * @param out where progress and refusals are printed
   * @throws IOException if the child cannot be started, fails, or prints no result (its stderr
   *     tail and, if the kernel killed it for memory, that fact are in the message)
   * @throws InterruptedException if interrupted while waiting for it (it is killed first)
   */
  static Outcome run(List<String> args, List<String> jvmOptions, long readerHeapBytes, long memoryLimitBytes, boolean dropCaches, Path scratch,
      PrintWriter out) throws IOException, InterruptedException {
    String dropped = dropCaches ? PageCache.drop() : "not asked to (--no-drop-caches)";
    if (!dropped.isEmpty()) {
      out.println("  page cache NOT dropped: " + dropped);
    }
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-Xmx" + readerHeapBytes, "-Xms" + readerHeapBytes,
        "-cp", System.getProperty("java.class.path"), LargeReadChild.class.getName()));
    command.addAll(args);
    MemoryCgroup.Attempt attempt = MemoryCgroup.create("strata-bench-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime(), memoryLimitBytes);
    MemoryCgroup cgroup = attempt.cgroup();
    if (cgroup == null) {
      out.println("  memory NOT limited (the reader runs without a cgroup): " + attempt.reason());
    } else {
      out.println("  reader in " + cgroup.describe());
      command = cgroup.wrap(command);
    }
    out.flush();
    Path stderr = Files.createTempFile(scratch, "reader-", ".err");
    try {
      Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
      child.getOutputStream().close();
      String stdout;
      try {
        stdout = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        child.waitFor();
      } finally {
        if (child.isAlive()) {
          child.destroyForcibly().waitFor();
        }
      }
      long peak = cgroup == null ? -1 : cgroup.peakBytes();
      long oomKills = cgroup == null ? -1 : cgroup.oomKills();
      LargePhaseResult result = null;
      long heldFiles = -1;
      long heldBytes = -1;
      for (String line : stdout.split("\n")) {
        if (line.startsWith(LargeReadChild.RESULT)) {
          result = new ObjectMapper().readValue(line.substring(LargeReadChild.RESULT.length()),
              LargePhaseResult.class);
        } else if (line.startsWith(LargeReadChild.HELD)) {
          String[] f = line.substring(LargeReadChild.HELD.length()).strip().split(" ");
          heldFiles = Long.parseLong(f[0]);
          heldBytes = Long.parseLong(f[1]);
        }
      }
      if (child.exitValue() != 0 || result == null) {
        throw new IOException("the reading JVM exited with " + child.exitValue()
            + (oomKills > 0 ? " after the kernel's OOM killer killed it in its memory cgroup (" + oomKills
                + " kill(s); raise --memory-limit or lower --reader-heap)" : "")
            + "; its stderr ends:\n" + tail(stderr));
      }
      return new Outcome(result.withMemory(cgroup == null ? -1 : cgroup.limitBytes(), peak, dropped.isEmpty()),
          heldFiles, heldBytes);
    } finally {
      Files.deleteIfExists(stderr);
      if (cgroup != null) {
        cgroup.close();
      }
    }
  }

  /** The running JVM's {@code java} binary. */
  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The last 20 lines of {@code file}. */
  private static String tail(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
