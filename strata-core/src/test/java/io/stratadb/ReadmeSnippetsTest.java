package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java snippets, extracted from README.md as they stand, compiled with javac and run
 * twice in one working directory in a child JVM, so that they can never again drift from the API:
 * the imports of every snippet go to the top of one class, and each snippet becomes the body of
 * one method, run in README order.
 */
class ReadmeSnippetsTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");

  @TempDir Path tmp;

  /** The ```java blocks of the repository's README.md, in order. */
  static List<String> snippets() throws IOException {
    Path moduleDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    String readme = Files.readString(moduleDir.toAbsolutePath().getParent().resolve("README.md"));
    List<String> blocks = new ArrayList<>();
    Matcher m = JAVA_BLOCK.matcher(readme);
    while (m.find()) {
      blocks.add(m.group(1));
    }
    return blocks;
  }

  /** One compilation unit: every snippet's imports, then each snippet as a method, called in order. */
  static String program(List<String> snippets) {
    StringBuilder imports = new StringBuilder();
    StringBuilder body = new StringBuilder("public class ReadmeSnippets {\n");
    StringBuilder main = new StringBuilder("  public static void main(String[] args) throws Exception {\n");
    for (int i = 0; i < snippets.size(); i++) {
      body.append("  static void snippet").append(i).append("() throws Exception {\n");
      for (String line : snippets.get(i).split("\n")) {
        (line.startsWith("import ") ? imports : body).append(line).append('\n');
      }
      body.append("  }\n");
      main.append("    snippet").append(i).append("();\n");
    }
    return imports + body.toString() + main + "  }\n}\n";
  }

  @Test
  void theReadmeSnippetsCompileAndRunTwice() throws Exception {
    List<String> snippets = snippets();
    assertTrue(snippets.size() >= 2 && snippets.get(0).contains("Db.open"), "README's snippets not found: " + snippets);
    Path src = tmp.resolve("src");
    Files.createDirectories(src);
    Files.writeString(src.resolve("ReadmeSnippets.java"), program(snippets));
    Path classes = tmp.resolve("classes");
    String classPath = ChildJava.strataCore() + File.pathSeparator + String.join(File.pathSeparator, ChildJava.testPaths());
    ChildJava.javac(src, classes, List.of("-cp", classPath));

    Path work = Files.createDirectories(tmp.resolve("work"));
    List<String> java = List.of(ChildJava.tool("java"), "-Xmx256m", "-cp", classes + File.pathSeparator + classPath,
        "ReadmeSnippets");
    for (int run = 1; run <= 2; run++) {
      String out = ChildJava.run(work, java);
      assertTrue(out.contains("user:1 = alice"), "run " + run + ": " + out);
      Thread.sleep(2); // the checkpoint directory is named by the millisecond
    }

    try (Db db = Db.openReadOnly(work.resolve("my-data"), Options.defaults())) {
      assertEquals("80", new String(db.get("balance:alice".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8),
          "the transaction snippet ran twice from an absent account (100 - 10 - 10)");
    }
    try (Stream<Path> dirs = Files.list(work)) {
      List<String> backups = dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("backup-"))
          .collect(Collectors.toList());
      assertEquals(2, backups.size(), "one checkpoint per run: " + backups);
    }
  }
}
