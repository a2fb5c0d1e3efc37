package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Compiles small Java programs with this JDK's javac and runs them in a child JVM, for the tests
 * that use strata-core as an application would (from the module path, or the README's snippets).
 */
final class ChildJava {
  private ChildJava() {}

  /** This JDK's {@code bin/NAME}. */
  static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  /** The built strata-core: its classes directory (an exploded module) or jar. */
  static String strataCore() {
    return Path.of(Db.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
  }

  /** Every entry of this test JVM's module path and class path. */
  static List<String> testPaths() {
    String given = System.getProperty("jdk.module.path", "") + File.pathSeparator
        + System.getProperty("java.class.path", "");
    return Arrays.stream(given.split(File.pathSeparator)).filter(e -> !e.isEmpty()).distinct()
        .collect(Collectors.toList());
  }

  /**
   * Compiles every {@code .java} file under {@code src} into {@code out} for Java 17.
   *
   * @param pathOptions e.g. {@code --module-path P} or {@code -cp P}
   * @throws AssertionError if javac fails (with its output)
   */
  static void javac(Path src, Path out, List<String> pathOptions) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(tool("javac"), "--release", "17", "-d", out.toString()));
    command.addAll(pathOptions);
    try (Stream<Path> files = Files.walk(src)) {
      files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).forEach(command::add);
    }
    run(src, command);
  }

  /**
   * Runs {@code command} in {@code workDir} and returns its output (stdout and stderr).
   *
   * @throws AssertionError if it does not end within 2 minutes or exits with a status other than 0
   */
  static String run(Path workDir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out: " + command);
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
    return out;
  }
}
