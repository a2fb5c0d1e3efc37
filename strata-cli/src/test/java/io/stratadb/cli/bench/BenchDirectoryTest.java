package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDirectoryTest {

  @TempDir Path tmp;

  @Test
  void destroyEmptiesADatabaseDirectory() throws IOException {
    Path dir = tmp.resolve("db");
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(new byte[] {1}, new byte[] {2});
      db.flush();
    }
    BenchDirectory.destroy(dir);
    assertTrue(Files.isDirectory(dir));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void destroyRefusesForeignFilesAndDeletesNothing() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("db"));
    Files.writeString(dir.resolve("CURRENT"), "MANIFEST-000001\n");
    Files.writeString(dir.resolve("thesis.tex"), "precious");
    assertThrows(IllegalArgumentException.class, () -> BenchDirectory.destroy(dir));
    assertTrue(Files.exists(dir.resolve("CURRENT")));
    assertTrue(Files.exists(dir.resolve("thesis.tex")));
  }

  @Test
  void destroyOfMissingDirectoryIsANoOp() throws IOException {
    BenchDirectory.destroy(tmp.resolve("none"));
    assertFalse(Files.exists(tmp.resolve("none")));
  }

  @Test
  void tempDirectoryIsRemovedWithItsEmptyParent() throws IOException {
    Path base = tmp.resolve("strata-data-bench");
    Path a = BenchDirectory.createTemp(base);
    Path b = BenchDirectory.createTemp(base);
    try (Db db = Db.open(a, Options.defaults())) {
      db.put(new byte[] {1}, new byte[] {2});
    }
    BenchDirectory.remove(a);
    assertFalse(Files.exists(a));
    assertTrue(Files.exists(base), "b is still there");
    BenchDirectory.remove(b);
    assertFalse(Files.exists(base));
  }
}
