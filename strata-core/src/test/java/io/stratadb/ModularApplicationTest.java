package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * strata-core from a modular application, as a user's service would run it: a small module that
 * {@code requires io.stratadb} is compiled with javac against the built module and its runtime
 * dependencies, all on the module path, and run in a child JVM with {@code --module-path}. It
 * opens a database, writes, flushes (LZ4, the default codec), reopens and reads. SLF4J and
 * Caffeine must resolve as named modules; zstd-jni is left off the module path, so choosing
 * {@link Compression#ZSTD} must give {@link CompressionUnavailableException} and touch nothing, and
 * so must reading a table that this JVM wrote with Zstd.
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
          try (Db db = Db.open(Path.of(args[2]), Options.defaults())) {
            System.out.println("zstd table read: " + new String(db.get("zstd-key".getBytes(UTF_8)), UTF_8));
          } catch (CompressionUnavailableException e) {
            System.out.println("zstd table read: " + e.getClass().getSimpleName() + " " + e.compression());
          }
        }
      }
      """;

  @TempDir Path tmp;

  /**
   * The built module and strata-core's runtime dependencies but the optional zstd-jni and
   * snappy-java, from the paths surefire gives this JVM.
   */
  private static List<String> modulePath() {
    List<String> path = new ArrayList<>(List.of(ChildJava.strataCore()));
    for (String entry : ChildJava.testPaths()) {
      Path name = Path.of(entry).getFileName();
      if (name != null && name.toString().matches(
          "(caffeine|jspecify|error_prone_annotations|slf4j-api|lz4-java|HdrHistogram)-\\d.*\\.jar")) {
        path.add(entry);
      }
    }
    return path;
  }

  @Test
  void aModularApplicationOpensWritesAndReads() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("app/Main.java"), MAIN);
    Path classes = tmp.resolve("classes");
    List<String> path = modulePath();
    String modulePath = String.join(File.pathSeparator, path);
    assertTrue(path.stream().anyMatch(e -> e.contains("slf4j-api")) && path.stream().anyMatch(e -> e.contains("caffeine")),
        "dependencies not found on the test JVM's paths: " + path);
    ChildJava.javac(src, classes, List.of("--module-path", modulePath));

    Path zstdWritten = tmp.resolve("zstd-written");
    try (Db db = Db.open(zstdWritten, Options.builder().compression(Compression.ZSTD).build())) {
      db.put("zstd-key".getBytes(StandardCharsets.UTF_8), "zstd-value".repeat(50).getBytes(StandardCharsets.UTF_8));
      db.flush();
    }

    String out = ChildJava.run(tmp, List.of(ChildJava.tool("java"), "-Xmx256m",
        "--module-path", classes + File.pathSeparator + modulePath, "-m", "app/app.Main",
        tmp.resolve("db").toString(), tmp.resolve("zstd-db").toString(), zstdWritten.toString()));
    assertTrue(out.contains("read back: " + "value7".repeat(8)), out);
    assertTrue(out.contains("module org.slf4j: true"), out);
    assertTrue(out.contains("module com.github.benmanes.caffeine: true"), out);
    assertTrue(out.contains("zstd: CompressionUnavailableException com.github.luben:zstd-jni:"), out);
    assertTrue(out.contains("directory created: false"), out);
    assertTrue(out.contains("zstd table read: CompressionUnavailableException ZSTD"), out);
    assertFalse(out.contains("Exception in thread"), out);
  }
}
