package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regressions found by {@link DbCorruptionSweepTest}: a manifest whose newest edit is lost (cut
 * off, or damaged and so dropped as a torn tail) must fail the open, not roll the database back
 * over files that edit made obsolete and that are gone.
 */
class DbManifestDamageTest {
  @TempDir Path dir;
  private Path manifest;
  private byte[] pristine;

  /** Two sessions: the second open replays the first WAL into a table and records it in a second manifest edit. */
  @BeforeEach
  void build() throws IOException {
    try (Db db = Db.open(dir, Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("v" + i));
      }
    }
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("late"), b("x"));
    }
    try (Stream<Path> files = Files.list(dir)) {
      manifest = files.filter(p -> p.getFileName().toString().startsWith("MANIFEST-")).findFirst().orElseThrow();
    }
    pristine = Files.readAllBytes(manifest);
  }

  private List<FileLayouts.Span> records() {
    List<FileLayouts.Span> records = FileLayouts.logRecords(pristine);
    assertTrue(records.size() >= 2, "snapshot and recovery edit");
    return records;
  }

  private void assertOpenFailsNamingTheManifest() {
    CorruptionException e = assertThrows(CorruptionException.class, () -> Db.open(dir, Options.defaults()).close());
    assertEquals(manifest.toString(), e.file());
    assertTrue(e.offset() >= 0 && e.offset() <= pristine.length, e.getMessage());
  }

  @Test
  void manifestCutBeforeItsLastEditFailsTheOpen() throws IOException {
    List<FileLayouts.Span> records = records();
    Files.write(manifest, Arrays.copyOf(pristine, (int) records.get(records.size() - 1).start()));
    assertOpenFailsNamingTheManifest(); // was: opened without keys 0..99 (their WAL had been deleted)
  }

  @Test
  void damagedLastEditFailsTheOpen() throws IOException {
    List<FileLayouts.Span> records = records();
    byte[] damaged = pristine.clone();
    damaged[(int) records.get(records.size() - 1).start() + 9] ^= 0x20; // a payload byte
    Files.write(manifest, damaged);
    assertOpenFailsNamingTheManifest();
  }

  @Test
  void intactManifestOpens() throws IOException {
    try (Db db = Db.open(dir, Options.defaults())) {
      assertEquals("v42", TestKeys.s(db.get(key(42))));
      assertEquals("x", TestKeys.s(db.get(b("late"))));
    }
  }
}
