package io.stratadb.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A {@link CountByKeyApp} in a child JVM started with this JVM's class path, for
 * {@link KafkaClusterFailoverTest}. It can be started, killed with SIGKILL and started again on
 * the same state directory. The child's standard error goes to {@code <stateDir>.log}; its
 * standard output is read here for its reports. {@link #close()} kills the child; the child also
 * halts by itself when this JVM dies (its standard input closes). Not thread-safe: one test thread
 * drives it.
 */
final class AppInstance implements AutoCloseable {
  private final String name;
  private final List<String> args;
  private final Path log;
  private final List<String> errors = new CopyOnWriteArrayList<>();
  private volatile Set<String> tasks = Set.of();
  private volatile String state = "";
  private Process process;

  AppInstance(String name, String bootstrap, Path stateDir, String applicationId, String input, String output) {
    this.name = name;
    this.args = List.of(bootstrap, stateDir.toString(), applicationId, input, output);
    this.log = stateDir.resolveSibling(stateDir.getFileName() + ".log");
  }

  /** Starts the child JVM; its active tasks read as empty until it reports them. */
  void start() {
    tasks = Set.of();
    state = "";
    process = ChildJvm.start(CountByKeyApp.class.getName(), args, log, false);
    Process started = process;
    Thread reader = new Thread(() -> read(started), name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  private void read(Process child) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (child != process) {
          return;
        }
        if (line.startsWith("TASKS ")) {
          String ids = line.substring(6);
          tasks = ids.isEmpty() ? Set.of() : new TreeSet<>(List.of(ids.split(",")));
        } else if (line.startsWith("STATE ")) {
          state = line.substring(6);
        } else if (line.startsWith("ERROR ")) {
          errors.add(line);
        }
      }
    } catch (IOException e) {
      // The child died; its last report stands until it starts again.
    }
  }

  /** Kills the child with SIGKILL and waits for it to die; its state directory stays. */
  void kill() throws InterruptedException {
    Process victim = process;
    victim.destroyForcibly();
    if (!victim.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " did not die after SIGKILL");
    }
    tasks = Set.of();
    state = "";
  }

  /**
   * Waits until the child's active tasks satisfy {@code condition}.
   *
   * @throws AssertionError after {@code timeoutMs} ms, or if the child died
   */
  void awaitTasks(Predicate<Set<String>> condition, String what, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!(condition.test(tasks) && state.equals("RUNNING"))) {
      if (!process.isAlive()) {
        throw new AssertionError(name + " died (exit " + process.exitValue() + "), see " + log);
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(name + ": " + what + " not reached in " + timeoutMs + " ms; state " + state + ", tasks " + tasks + ", see " + log);
      }
      Thread.sleep(50);
    }
  }

  /** The active task ids last reported, e.g. {@code [0_1, 0_3]}. */
  Set<String> tasks() {
    return tasks;
  }

  /** The stream-thread errors the child reported, in order. */
  List<String> errors() {
    return errors;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      kill();
    }
  }
}
