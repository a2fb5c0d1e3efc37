package io.stratadb.manifest;

import static io.stratadb.manifest.VersionEditTest.file;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class VersionTest {

  private static List<Long> numbers(List<FileMetadata> files) {
    List<Long> out = new ArrayList<>();
    for (FileMetadata f : files) {
      out.add(f.number());
    }
    return out;
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /**
   * A level's table search (fingerprints of the largest keys) agrees with asking every table:
   * tables with gaps between them, keys sharing long prefixes, probes before, between, inside and
   * after the tables.
   */
  @Property(tries = 200)
  void levelSearchMatchesAScanOfTheTables(@ForAll long seed, @ForAll @IntRange(min = 0, max = 40) int tables) {
    java.util.Random random = new java.util.Random(seed);
    String prefix = random.nextBoolean() ? "" : "user0000";
    java.util.TreeSet<String> bounds = new java.util.TreeSet<>();
    while (bounds.size() < 2 * tables) {
      bounds.add(prefix + Integer.toString(random.nextInt(1_000_000), 36));
    }
    List<String> sorted = new ArrayList<>(bounds);
    VersionEdit edit = new VersionEdit();
    for (int t = 0; t < tables; t++) {
      edit.addFile(2, file(100 + t, sorted.get(2 * t), sorted.get(2 * t + 1)));
    }
    Version v = Version.empty(x -> { }).apply(edit);
    for (int probe = 0; probe < 200; probe++) {
      byte[] key = b(random.nextInt(8) == 0 ? "" : prefix + Integer.toString(random.nextInt(1_000_000), 36));
      if (random.nextInt(4) == 0 && tables > 0) {
        key = b(sorted.get(random.nextInt(sorted.size()))); // exactly a table's first or last key
      }
      boolean expected = false;
      for (FileMetadata f : v.files(2)) {
        expected |= f.mayHold(key);
      }
      assertEquals(expected, v.levelMayHold(2, key), new String(key, UTF_8));
    }
  }

  @Test
  void applyAddsFilesKeepingL0NewestFirstAndDeeperLevelsSortedByKey() {
    Version empty = Version.empty(v -> { });
    Version v = empty.apply(new VersionEdit()
        .addFile(0, file(5, "a", "z")).addFile(0, file(9, "c", "d")).addFile(0, file(7, "b", "y"))
        .addFile(1, file(11, "m", "p")).addFile(1, file(10, "a", "c")).addFile(1, file(12, "d", "f"))
        .addFile(3, file(13, "q", "r")));
    assertEquals(List.of(9L, 7L, 5L), numbers(v.files(0)));
    assertEquals(List.of(10L, 12L, 11L), numbers(v.files(1)));
    assertEquals(List.of(13L), numbers(v.files(3)));
    assertTrue(v.files(2).isEmpty());
    assertTrue(empty.files(0).isEmpty(), "the base version is unchanged");
  }

  @Test
  void applyRemovesFilesOnlyFromTheirLevel() {
    Version v = Version.empty(x -> { }).apply(new VersionEdit()
        .addFile(0, file(1, "a", "b")).addFile(0, file(2, "a", "b")).addFile(1, file(3, "c", "d")));
    Version next = v.apply(new VersionEdit().deleteFile(0, 1).deleteFile(1, 2).addFile(0, file(4, "e", "f")));
    assertEquals(List.of(4L, 2L), numbers(next.files(0)), "file 2 is in L0, not L1: kept");
    assertEquals(List.of(3L), numbers(next.files(1)));
    assertEquals(List.of(2L, 1L), numbers(v.files(0)), "the old version is unchanged");
  }

  @Test
  void moveBetweenLevelsInOneEdit() {
    Version v = Version.empty(x -> { }).apply(new VersionEdit().addFile(0, file(1, "a", "b")));
    Version moved = v.apply(new VersionEdit().deleteFile(0, 1).addFile(1, file(1, "a", "b")));
    assertTrue(moved.files(0).isEmpty());
    assertEquals(List.of(1L), numbers(moved.files(1)));
  }

  @Test
  void levelListsAreUnmodifiable() {
    Version v = Version.empty(x -> { }).apply(new VersionEdit().addFile(1, file(1, "a", "b")));
    assertThrows(UnsupportedOperationException.class, () -> v.files(1).clear());
  }

  @Test
  void levelBytesAndOverlapping() {
    Version v = Version.empty(x -> { }).apply(new VersionEdit()
        .addFile(1, file(1, "a", "c")).addFile(1, file(2, "e", "g")).addFile(1, file(3, "i", "k")));
    assertEquals(1007 + 2007 + 3007, v.levelBytes(1));
    assertEquals(0, v.levelBytes(2));
    assertEquals(List.of(2L), numbers(v.overlapping(1, b("d"), b("f"))));
    assertEquals(List.of(1L, 2L), numbers(v.overlapping(1, b("c"), b("e"))), "range ends are inclusive");
    assertEquals(List.of(), numbers(v.overlapping(1, b("cc"), b("d"))));
    assertEquals(List.of(1L, 2L, 3L), numbers(v.overlapping(1, b(""), b("z"))));
    assertTrue(v.levelMayHold(1, b("f")));
    assertFalse(v.levelMayHold(1, b("h")));
    assertFalse(v.levelMayHold(1, b("z")));
  }

  @Test
  void detachedVersionSortsItsLevels() {
    Version v = Version.detached(List.of(List.of(file(1, "a", "b"), file(3, "a", "b")),
        List.of(file(5, "x", "y"), file(4, "a", "b"))));
    assertEquals(List.of(3L, 1L), numbers(v.files(0)));
    assertEquals(List.of(4L, 5L), numbers(v.files(1)));
  }

  @Test
  void lastReleaseNotifiesAndRetainAfterThatFails() {
    AtomicInteger dropped = new AtomicInteger();
    Version v = Version.empty(x -> dropped.incrementAndGet());
    assertTrue(v.tryRetain());
    v.release();
    assertEquals(0, dropped.get());
    v.release();
    assertEquals(1, dropped.get());
    assertFalse(v.tryRetain(), "a dead version cannot be revived");
    assertThrows(IllegalStateException.class, v::release);
  }
}
