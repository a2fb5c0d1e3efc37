package io.stratadb.cli.stress;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@link StressChild} in its own JVM and kills it (db_crashtest.py's {@code
 * execute_cmd} with a kill timeout): same {@code java} binary ({@code
 * ProcessHandle.current().info().command()}) and class path ({@code java.class.path}) as this
 * process, stderr to a file, stdout read for the {@code ready} line; once ready, the child runs for
 * the given delay and is then killed with SIGKILL ({@link Process#destroyForcibly()} on Linux and
 * macOS). The child's stdin stays open while it runs, and is closed after: it stops by itself if
 * this process dies.
 * Stateless; thread-safe.
 */
final class StressChildProcess {
  private StressChildProcess() {}

  /** How long a child may take to open the database and print {@code ready}, in milliseconds. */
  static final long READY_TIMEOUT_MS = 120_000;

  /** Heap of the child JVM. */
  private static final String CHILD_HEAP = "-Xmx256m";

  /**
   * What happened to the child.
   *
   * @param killed whether it was killed by us after running (the normal end of a cycle)
   * @param ranMs how long it ran after printing {@code ready}, in milliseconds (0 if never ready)
   * @param exitCode its exit code (137 when killed by SIGKILL on Linux)
   * @param stderrTail the last lines of its stderr, for a report when it was not killed
   */
  record Outcome(boolean killed, long ranMs, int exitCode, String stderrTail) {}

  /**
   * Starts the child with {@code args}, waits for {@code ready}, lets it run {@code killAfterMs}
   * ms, then kills it with SIGKILL and waits for its death.
   *
   * @param args the child's arguments (see {@link StressChild})
   * @param stderr where its stderr goes (replaced)
   * @param killAfterMs how long it runs once ready, in milliseconds
   * @return what happened; {@code killed == false} when it exited by itself or never became ready
   * @throws IOException if it cannot be started
   * @throws InterruptedException if interrupted while waiting (the child is killed first)
   */
  static Outcome run(List<String> args, Path stderr, long killAfterMs) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.add(CHILD_HEAP);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(StressChild.class.getName());
    command.addAll(args);
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    try {
      CountDownLatch ready = new CountDownLatch(1);
      Thread reader = new Thread(() -> watchStdout(process, ready), "stress-child-stdout");
      reader.setDaemon(true);
      reader.start();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
      while (!ready.await(10, TimeUnit.MILLISECONDS)) {
        if (!process.isAlive()) {
          return new Outcome(false, 0, process.exitValue(), tail(stderr));
        }
        if (System.nanoTime() > deadline) {
          kill(process);
          return new Outcome(false, 0, process.exitValue(), "not ready within " + READY_TIMEOUT_MS + " ms\n"
              + tail(stderr));
        }
      }
      long start = System.nanoTime();
      if (process.waitFor(killAfterMs, TimeUnit.MILLISECONDS)) {
        return new Outcome(false, elapsedMs(start), process.exitValue(), tail(stderr));
      }
      kill(process);
      return new Outcome(true, elapsedMs(start), process.exitValue(), "");
    } finally {
      if (process.isAlive()) {
        kill(process);
      }
      process.getOutputStream().close();
    }
  }

  /** Sends SIGKILL and waits until the process is gone (its file locks are then released). */
  private static void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Reads the child's stdout, counting {@code ready} down when it comes; drains the rest. */
  private static void watchStdout(Process process, CountDownLatch ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.strip().equals(StressChild.READY)) {
          ready.countDown();
        }
      }
    } catch (IOException e) {
      // The child died: isAlive() tells the waiting thread.
    }
  }

  /** The running JVM's {@code java} binary. */
  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** The last 30 lines of {@code file}, or a note if it cannot be read. */
  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  /** Milliseconds since {@code startNanos}. */
  private static long elapsedMs(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
