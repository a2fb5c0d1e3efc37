package io.stratadb.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Linux memory cgroup made for one child process of {@code strata bench --larger-than-memory}:
 * a new group under this process's own memory cgroup, with a hard limit on everything the child
 * is charged for (heap, off-heap memory and the page cache it faults in). Cgroup v1 ({@code
 * /sys/fs/cgroup/memory}, {@code memory.limit_in_bytes}) is tried first, then cgroup v2 ({@code
 * /sys/fs/cgroup/unified} or {@code /sys/fs/cgroup}, {@code memory.max}). The child enters the
 * group before its JVM starts: {@link #wrap(List)} prefixes the command with a shell that writes
 * its own pid into {@code cgroup.procs} and then {@code exec}s it, so nothing the JVM allocates
 * is charged elsewhere. {@link #close()} removes the group once the child has exited. Not
 * thread-safe; one child per group.
 */
final class MemoryCgroup implements AutoCloseable {
  private static final Path PROC_CGROUP = Path.of("/proc/self/cgroup");
  private static final Path V1_ROOT = Path.of("/sys/fs/cgroup/memory");
  private static final List<Path> V2_ROOTS = List.of(Path.of("/sys/fs/cgroup/unified"), Path.of("/sys/fs/cgroup"));

  /**
   * What {@link #create} achieved: a group, or the reason there is none.
   *
   * @param cgroup the group, or null
   * @param reason why there is no group ({@code ""} when there is one)
   */
  record Attempt(MemoryCgroup cgroup, String reason) {}

  private final Path dir;
  private final int version;
  private final long limitBytes;

  private MemoryCgroup(Path dir, int version, long limitBytes) {
    this.dir = dir;
    this.version = version;
    this.limitBytes = limitBytes;
  }

  /**
   * Makes a group named {@code name} limited to {@code limitBytes}. Never throws: without a
   * memory controller, without the right to make a group (not root), or when the limit is
   * refused, the attempt carries no group and says why.
   */
  static Attempt create(String name, long limitBytes) {
    List<String> reasons = new ArrayList<>();
    String v1 = ownPath(true);
    if (Files.isRegularFile(V1_ROOT.resolve("memory.limit_in_bytes")) && v1 != null) {
      Path dir = V1_ROOT.resolve(v1.substring(1)).resolve(name);
      String why = make(dir, "memory.limit_in_bytes", limitBytes);
      if (why.isEmpty()) {
        return new Attempt(new MemoryCgroup(dir, 1, limitBytes), "");
      }
      reasons.add("cgroup v1: " + why);
    }
    String v2 = ownPath(false);
    for (Path root : V2_ROOTS) {
      Path controllers = root.resolve("cgroup.controllers");
      if (v2 == null || !Files.isRegularFile(controllers) || !read(controllers).contains("memory")) {
        continue;
      }
      Path parent = root.resolve(v2.substring(1));
      if (!read(parent.resolve("cgroup.subtree_control")).contains("memory")) {
        try {
          Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory");
        } catch (IOException e) {
          reasons.add("cgroup v2: cannot enable the memory controller below " + parent + ": " + e.getMessage());
          continue;
        }
      }
      String why = make(parent.resolve(name), "memory.max", limitBytes);
      if (why.isEmpty()) {
        return new Attempt(new MemoryCgroup(parent.resolve(name), 2, limitBytes), "");
      }
      reasons.add("cgroup v2: " + why);
    }
    if (reasons.isEmpty()) {
      reasons.add("no memory cgroup controller is mounted (neither " + V1_ROOT + " nor a cgroup v2 memory controller)");
    }
    return new Attempt(null, String.join("; ", reasons));
  }

  /** Creates {@code dir} and writes the limit into {@code limitFile}; "" on success, else the reason. */
  private static String make(Path dir, String limitFile, long limitBytes) {
    try {
      Files.createDirectory(dir);
    } catch (IOException e) {
      return "cannot create " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
          + "; making a cgroup needs root)";
    }
    try {
      Files.writeString(dir.resolve(limitFile), Long.toString(limitBytes));
      return "";
    } catch (IOException e) {
      String why = "cannot write " + limitFile + " in " + dir + ": " + e.getMessage();
      try {
        Files.deleteIfExists(dir);
      } catch (IOException d) {
        why += "; cannot remove it either: " + d.getMessage();
      }
      return why;
    }
  }

  /** This process's cgroup path (starting with '/') in the v1 memory hierarchy or in v2, or null. */
  private static String ownPath(boolean v1) {
    return ownPath(read(PROC_CGROUP), v1);
  }

  /**
   * The cgroup path (starting with '/') that a {@code /proc/<pid>/cgroup} text gives for the v1
   * memory hierarchy ({@code 4:memory:/a/b}) or for v2 ({@code 0::/a/b}), or null if it has none.
   */
  static String ownPath(String procCgroup, boolean v1) {
    for (String line : procCgroup.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length < 3) {
        continue;
      }
      boolean memory = List.of(f[1].split(",")).contains("memory");
      if (v1 ? memory : f[0].equals("0") && f[1].isEmpty()) {
        return f[2].startsWith("/") ? f[2] : null;
      }
    }
    return null;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * {@code command} run so that its process is in this group from its start: {@code sh -c 'echo
   * $$ > procs && exec "$@"'}.
   */
  List<String> wrap(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
        dir.resolve("cgroup.procs").toString()));
    wrapped.addAll(command);
    return wrapped;
  }

  /** The limit in bytes. */
  long limitBytes() {
    return limitBytes;
  }

  /** The largest usage the group saw, in bytes, or -1 where the kernel does not report it. */
  long peakBytes() {
    String peak = read(dir.resolve(version == 1 ? "memory.max_usage_in_bytes" : "memory.peak")).strip();
    return peak.isEmpty() ? -1 : Long.parseLong(peak);
  }

  /** Processes the kernel's OOM killer killed in the group, or -1 where it does not say. */
  long oomKills() {
    for (String line : read(dir.resolve(version == 1 ? "memory.oom_control" : "memory.events")).split("\n")) {
      if (line.startsWith("oom_kill ")) {
        return Long.parseLong(line.substring("oom_kill ".length()).strip());
      }
    }
    return -1;
  }

  /** E.g. {@code cgroup v1 /sys/fs/cgroup/memory/x/strata-bench-1 (limit 1536 MiB)}. */
  String describe() {
    return String.format(Locale.ROOT, "cgroup v%d %s (limit %d MiB)", version, dir, limitBytes >> 20);
  }

  /**
   * Removes the group; its child must have exited. Page cache still charged to it moves to the
   * parent group.
   *
   * @throws IOException if the group cannot be removed after a few tries
   */
  @Override
  public void close() throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (IOException e) {
        if (attempt >= 20) {
          throw new IOException("cannot remove the memory cgroup " + dir + ": " + e.getMessage(), e);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while removing the memory cgroup " + dir, ie);
        }
      }
    }
  }
}
