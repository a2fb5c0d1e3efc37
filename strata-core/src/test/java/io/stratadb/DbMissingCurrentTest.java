package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.admin.DbAdmin;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening never deletes what it did not create (issue: a directory that lost its {@code CURRENT}
 * was wiped on open): a loaded database on disk, put into each damaged state, must refuse to open
 * without touching a file, and {@code repair} must then get every key back; obsolete-file deletion
 * removes only files the manifest history accounts for, and the others are moved into {@code lost/}.
 */
class DbMissingCurrentTest {
  private static final int KEYS = 3000;

  @TempDir Path dir;

  /**
   * Two SSTables (one flush per 1000 keys) and an unflushed WAL tail. Fewer L0 tables than the
   * compaction trigger (4), so no background compaction merges them into one before the checks.
   */
  @BeforeEach
  void load() {
    try (Db db = Db.open(dir, Options.defaults())) {
      for (int i = 0; i < KEYS; i++) {
        db.put(key(i), b("v" + i));
        if (i % 1000 == 999 && i < KEYS - 500) {
          db.flush();
        }
      }
    }
  }

  private TreeMap<String, Long> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().equals("LOCK") && Files.isRegularFile(p))
          .collect(Collectors.toMap(p -> p.getFileName().toString(), p -> p.toFile().length(), (a, c) -> a,
              TreeMap::new));
    }
  }

  private String manifestName() throws IOException {
    return files().keySet().stream().filter(n -> n.startsWith("MANIFEST-")).findFirst().orElseThrow();
  }

  private void assertRefusedKeepingEveryFile(String expectedInMessage) throws IOException {
    TreeMap<String, Long> before = files();
    assertTrue(before.keySet().stream().filter(n -> n.endsWith(".sst")).count() >= 2, before.toString());
    CorruptionException e = assertThrows(CorruptionException.class, () -> Db.open(dir, Options.defaults()).close());
    assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    assertTrue(e.file().endsWith("CURRENT"), e.file());
    Map<String, Long> after = files();
    after.remove("CURRENT");
    before.remove("CURRENT");
    assertEquals(before, after, "a refused open changes no file");
  }

  private void assertRepairRecoversEveryKey() {
    DbAdmin.repair(dir, Options.defaults());
    try (Db db = Db.open(dir, Options.defaults())) {
      for (int i = 0; i < KEYS; i++) {
        assertEquals("v" + i, s(db.get(key(i))), "key " + i);
      }
    }
  }

  @Test
  void missingCurrentIsRefusedEvenWithCreateIfMissing() throws IOException {
    Files.delete(dir.resolve("CURRENT"));
    assertRefusedKeepingEveryFile("strata repair");
    CorruptionException e = assertThrows(CorruptionException.class,
        () -> Db.open(dir, Options.defaults().toBuilder().createIfMissing(true).build()).close());
    assertTrue(e.getMessage().contains(".sst") && e.getMessage().contains(".log"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("CURRENT")), "no new database was created");
    assertRepairRecoversEveryKey();
  }

  @Test
  void emptyCurrentIsRefused() throws IOException {
    Files.write(dir.resolve("CURRENT"), new byte[0]);
    assertRefusedKeepingEveryFile("newline");
    assertRepairRecoversEveryKey();
  }

  @Test
  void currentNamingAMissingManifestIsRefused() throws IOException {
    Files.writeString(dir.resolve("CURRENT"), "MANIFEST-999999\n", StandardCharsets.UTF_8);
    assertRefusedKeepingEveryFile("does not exist");
    assertRepairRecoversEveryKey();
  }

  @Test
  void strayManifestBeyondTheHistoryIsKept() throws IOException {
    Path stray = dir.resolve("MANIFEST-900000");
    Files.copy(dir.resolve(manifestName()), stray);
    try (Db db = Db.open(dir, Options.defaults())) {
      assertEquals("v7", s(db.get(key(7))));
      db.put(b("more"), b("x"));
      db.flush();
    }
    assertTrue(Files.exists(dir.resolve("lost").resolve("MANIFEST-900000")),
        "a manifest the history never named is moved aside, not deleted");
  }

  @Test
  void tablesOfANewerStateSurviveACurrentRolledBack() throws IOException {
    // A backup of the state as it is now.
    Map<String, byte[]> backup = new TreeMap<>();
    for (String name : files().keySet()) {
      backup.put(name, Files.readAllBytes(dir.resolve(name)));
    }
    // A newer state: new tables, a new manifest (each open writes one).
    try (Db db = Db.open(dir, Options.defaults())) {
      for (int i = 0; i < 500; i++) {
        db.put(b("newer" + i), b("n" + i));
      }
      db.flush();
    }
    TreeSet<String> newerTables = files().keySet().stream().filter(n -> n.endsWith(".sst"))
        .filter(n -> !backup.containsKey(n)).collect(Collectors.toCollection(TreeSet::new));
    assertFalse(newerTables.isEmpty());
    // A partial restore writes the backup over the directory, leaving the newer files in place.
    for (Map.Entry<String, byte[]> e : backup.entrySet()) {
      Path temp = dir.resolve(e.getKey() + ".restore");
      Files.write(temp, e.getValue());
      Files.move(temp, dir.resolve(e.getKey()), StandardCopyOption.REPLACE_EXISTING);
    }
    try (Db db = Db.open(dir, Options.defaults())) {
      assertEquals("v" + (KEYS - 1), s(db.get(key(KEYS - 1))));
      db.put(b("after"), b("rollback"));
      db.flush();
    }
    for (String table : newerTables) {
      assertTrue(Files.exists(dir.resolve("lost").resolve(table)),
          "a table the restored manifest never handed out is moved aside, not deleted: " + table);
    }
  }

  @Test
  void orphanTableInsideTheHistoryIsDeletedOneBeyondItIsKept() throws IOException {
    long highest = files().keySet().stream().filter(n -> n.endsWith(".sst") || n.endsWith(".log"))
        .mapToLong(n -> Long.parseLong(n.substring(0, n.indexOf('.')))).max().orElseThrow();
    // A flush that crashed before its manifest edit leaves an output the manifest reserved.
    Path orphan = dir.resolve(String.format("%06d.sst", highest + 3));
    // A table copied in by hand, beyond every number the history reserved.
    Path foreign = dir.resolve(String.format("%06d.sst", highest + 50_000));
    Files.write(orphan, new byte[] {1, 2, 3});
    Files.write(foreign, new byte[] {4, 5, 6});
    try (Db db = Db.open(dir, Options.defaults())) {
      for (int i = 0; i < 200; i++) {
        db.put(b("later" + i), b("x"));
      }
      db.flush();
      assertEquals("v1", s(db.get(key(1))));
    }
    assertFalse(Files.exists(orphan), "an orphan output of this history is obsolete");
    Path moved = dir.resolve("lost").resolve(foreign.getFileName());
    assertTrue(Files.exists(moved), "a file the history never handed out is moved aside");
    assertEquals(3, Files.size(moved), "and never overwritten by a new file");
  }
}
