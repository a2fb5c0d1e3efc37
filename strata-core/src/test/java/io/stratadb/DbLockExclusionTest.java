package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@link Db#open}s of one directory never both succeed, in one JVM or two (the {@code LOCK}
 * file): a child JVM tries to open the directory this JVM holds open, also after this JVM's own
 * second open of it failed. A POSIX ({@code fcntl}) lock belongs to the process and is dropped
 * when the process closes any descriptor of the file, so a failed second open must not open and
 * close the {@code LOCK} file that the first open holds locked.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DbLockExclusionTest {
  private static final String PROBE = """
      import io.stratadb.Db;
      import io.stratadb.Options;
      import java.nio.file.Path;

      public class Probe {
        public static void main(String[] args) {
          try (Db db = Db.open(Path.of(args[0]), Options.defaults())) {
            System.out.println("opened");
          } catch (RuntimeException e) {
            System.out.println("refused: " + e);
          }
        }
      }
      """;

  @TempDir Path tmp;

  /** strata-core and the jars on this JVM's paths, for a class-path child. */
  private static String classPath(Path classes) {
    List<String> path = new ArrayList<>(List.of(classes.toString(), ChildJava.strataCore()));
    ChildJava.testPaths().stream().filter(e -> e.endsWith(".jar")).forEach(path::add);
    return String.join(File.pathSeparator, path);
  }

  /** What the child JVM's {@code Db.open(dir)} did: a line starting "opened" or "refused". */
  private String openInChild(Path classes, Path dir) throws Exception {
    return ChildJava.run(tmp, List.of(ChildJava.tool("java"), "-cp", classPath(classes), "Probe", dir.toString()))
        .lines().filter(l -> l.startsWith("opened") || l.startsWith("refused")).findFirst().orElse("no answer");
  }

  @Test
  void aChildJvmCannotOpenADirectoryThisJvmHoldsEvenAfterASecondOpenHereFailed() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    Files.writeString(src.resolve("Probe.java"), PROBE);
    Path classes = tmp.resolve("classes");
    ChildJava.javac(src, classes, List.of("-cp", ChildJava.strataCore()));
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("k"), b("v"), WriteOptions.syncWrites());
      String first = openInChild(classes, dir);
      assertTrue(first.startsWith("refused"), first);
      StrataException second = assertThrows(StrataException.class, () -> Db.open(dir, Options.defaults()));
      assertTrue(second.getMessage().contains("LOCK") || String.valueOf(second.getCause()).contains("LOCK"),
          String.valueOf(second));
      String afterSecond = openInChild(classes, dir);
      assertTrue(afterSecond.startsWith("refused"), "the failed second open released this JVM's lock: " + afterSecond);
      db.put(b("k"), b("w"), WriteOptions.syncWrites()); // still the only writer
      assertEquals("w", s(db.get(b("k"))));
    }
    assertTrue(openInChild(classes, dir).startsWith("opened"), "closed: the lock is free");
  }
}
