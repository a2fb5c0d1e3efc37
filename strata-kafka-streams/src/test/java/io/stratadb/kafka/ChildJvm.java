package io.stratadb.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts a class's {@code main} in a child JVM with this JVM's class path, for the real-cluster
 * test. The child runs {@link #main} first, which halts the child as soon as its standard input
 * reaches end of file: the launching JVM is gone, even if it was killed, so no child outlives it.
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * In the child: {@code args[0]} is the class whose {@code main} runs with the other arguments,
   * under the standard-input watch described in the class comment.
   *
   * @throws Exception whatever that {@code main} throws
   */
  public static void main(String[] args) throws Exception {
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Nothing is sent; end of file means the launching JVM is gone.
        }
      } catch (IOException e) {
        // Same as end of file.
      }
      Runtime.getRuntime().halt(3);
    }, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
    Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }

  /**
   * Starts {@code mainClass} with {@code args}; the child's standard error (and, when
   * {@code outputToLog}, its standard output) is appended to {@code log}.
   *
   * @throws UncheckedIOException if the process cannot be started
   */
  static Process start(String mainClass, List<String> args, Path log, boolean outputToLog) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), ChildJvm.class.getName(), mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    if (outputToLog) {
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
