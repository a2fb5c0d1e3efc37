package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * strata-core from a modular application, as a user's service would run it: a small module that
 * {@code requires io.stratadb} is compiled with javac against the built module and its runtime
 * dependencies, all on the module path, and run in a child JVM with {@code --module-path}. It
 * opens a database, writes, flushes (LZ4, the default codec), reopens and reads. SLF4J and
 * Caffeine must resolve as named modules; zstd-jni is left off the module path, so choosing
 * {@link Compression#ZSTD} must give {@link CompressionUnavailableException} and touch nothing.
 */
class ModularApplicationTest {
  private static final String MODULE_INFO = """
      module app {
        requires io.stratadb;
      }
      """;

  private static final String MAIN = """
      package app;

      import io.stratadb.*;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import static java.nio.charset.StandardCharsets.UTF_8;

      public class Main {
        public static void main(String[] args) {
          Path dir = Path.of(args[0]);
          try (Db db = Db.open(dir, Options.defaults())) {
            for (int i = 0; i < 1000; i++) {
              db.put(("key" + i).getBytes(UTF_8), ("value" + i).repeat(8).getBytes(UTF_8));
            }
            db.flush();
          }
          try (Db db = Db.open(dir, Options.defaults())) {
            System.out.println("read back: " + new String(db.get("key7".getBytes(UTF_8)), UTF_8));
          }
          for (String name : new String[] {"org.slf4j", "com.github.benmanes.caffeine", "io.stratadb"}) {
            System.out.println("module " + name + ": " + ModuleLayer.boot().findModule(name).isPresent());
          }
          Path zstdDir = Path.of(args[1]);
          try (Db db = Db.open(zstdDir, Options.builder().compression(Compression.ZSTD).build())) {
            System.out.println("zstd: opened");
          } catch (CompressionUnavailableException e) {
            System.out.println("zstd: " + e.getClass().getSimpleName() + " " + e.dependency()
                + ", directory created: " + Files.exists(zstdDir));
          }
        }
      }
      """;

  @TempDir Path tmp;

  /**
   * The built module (target/classes) and strata-core's runtime dependencies but the optional
   * zstd-jni and snappy-java, from the module path surefire gives this JVM.
   */
  private static List<String> modulePath() {
    String strataCore = Path.of(Db.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    List<String> path = new ArrayList<>(List.of(strataCore));
    String given = System.getProperty("jdk.module.path", "") + File.pathSeparator + System.getProperty("java.class.path", "");
    for (String entry : given.split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName() == null ? "" : Path.of(entry).getFileName().toString();
      if (name.matches("(caffeine|jspecify|error_prone_annotations|slf4j-api|lz4-java|HdrHistogram)-\\d.*\\.jar")
          && !path.contains(entry)) {
        path.add(entry);
      }
    }
    return path;
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(2, TimeUnit.MINUTES), "timed out: " + command);
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
    return out;
  }

  @Test
  void aModularApplicationOpensWritesAndReads() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("app/Main.java"), MAIN);
    Path classes = tmp.resolve("classes");
    String bin = Path.of(System.getProperty("java.home"), "bin").toString();
    List<String> path = modulePath();
    String modulePath = String.join(File.pathSeparator, path);
    assertTrue(path.stream().anyMatch(e -> e.contains("slf4j-api")) && path.stream().anyMatch(e -> e.contains("caffeine")),
        "dependencies not found on the test JVM's paths: " + path);

    List<String> javac = new ArrayList<>(List.of(Path.of(bin, "javac").toString(), "--release", "17",
        "--module-path", modulePath, "-d", classes.toString()));
    try (Stream<Path> files = Files.walk(src)) {
      javac.addAll(files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).collect(Collectors.toList()));
    }
    run(javac);

    String out = run(List.of(Path.of(bin, "java").toString(), "-Xmx256m",
        "--module-path", classes + File.pathSeparator + modulePath,
        "-m", "app/app.Main", tmp.resolve("db").toString(), tmp.resolve("zstd-db").toString()));
    assertTrue(out.contains("read back: " + "value7".repeat(8)), out);
    assertTrue(out.contains("module org.slf4j: true"), out);
    assertTrue(out.contains("module com.github.benmanes.caffeine: true"), out);
    assertTrue(out.contains("zstd: CompressionUnavailableException com.github.luben:zstd-jni:"), out);
    assertTrue(out.contains("directory created: false"), out);
    assertFalse(out.contains("Exception in thread"), out);
  }
}
