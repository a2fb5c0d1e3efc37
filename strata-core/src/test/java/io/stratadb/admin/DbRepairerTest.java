package io.stratadb.admin;

import static io.stratadb.TestKeys.b;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.CorruptionException;
import io.stratadb.Db;
import io.stratadb.FileLayouts;
import io.stratadb.PristineDb;
import io.stratadb.StrataIOException;
import io.stratadb.env.MemoryFileSystem;
import io.stratadb.iterator.InternalIterator;
import io.stratadb.key.InternalKey;
import io.stratadb.sstable.Block;
import io.stratadb.util.Coding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DbRepairer} on copies of the {@link PristineDb} with damage: the repaired database opens,
 * every key whose entries were all in intact blocks and records reads exactly as before, verify
 * finds it clean, and every replaced file is in {@code lost/}.
 */
class DbRepairerTest {
  private static final Path DIR = Path.of("/mem/repair");
  private static PristineDb pristine;

  private MemoryFileSystem fs;
  private Map<String, byte[]> files;

  @BeforeAll
  static void build() throws IOException {
    pristine = PristineDb.build(new MemoryFileSystem(), DIR);
  }

  @BeforeEach
  void copy() {
    fs = new MemoryFileSystem();
    files = new TreeMap<>(pristine.files);
  }

  private void restore() throws IOException {
    fs.restore(DIR, files);
  }

  private String name(String part) {
    return files.keySet().stream().filter(n -> n.endsWith(part) || n.startsWith(part)).findFirst().orElseThrow();
  }

  /** The pristine database's options, on this test's file system. */
  private io.stratadb.Options options() {
    return pristine.options.toBuilder().fileSystem(fs).build();
  }

  private RepairReport repair() {
    return DbRepairer.repair(DIR, options());
  }

  private Db open() {
    return Db.open(DIR, options());
  }

  /** The user keys stored in the data block at {@code offset} of {@code table}. */
  private static Set<String> userKeysOfBlock(byte[] table, long offset, long size) {
    Set<String> keys = new HashSet<>();
    byte[] contents = Arrays.copyOfRange(table, (int) offset, (int) (offset + size));
    if (table[(int) (offset + size)] != 0) {
      throw new IllegalStateException("pick an uncompressed block");
    }
    try (InternalIterator it = new Block(contents, "t", offset).iterator(InternalKey::compare)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        keys.add(new String(InternalKey.userKey(it.key()), StandardCharsets.UTF_8));
      }
    }
    return keys;
  }

  /**
   * Asserts every key outside {@code affected} reads as in {@code expected}: each probe key by get,
   * and every key by a scan.
   */
  private static void assertContent(Db db, TreeMap<String, String> expected, Set<String> affected) {
    TreeMap<String, String> byGets = pristine.readByGets(db);
    TreeMap<String, String> byScan = PristineDb.readByScan(db);
    int checked = 0;
    for (String k : pristine.probeKeys) {
      if (!affected.contains(k)) {
        assertEquals(expected.get(k), byGets.get(k), "get " + k);
        checked++;
      }
    }
    Set<String> all = new HashSet<>(byScan.keySet());
    all.addAll(expected.keySet());
    for (String k : all) {
      if (!affected.contains(k)) {
        assertEquals(expected.get(k), byScan.get(k), "scan at " + k);
      }
    }
    assertTrue(checked > 250, "checked " + checked + " keys");
  }

  /** The brief's case: one damaged data block in one table, and a damaged manifest. */
  @Test
  void damagedBlockAndManifestRepairToEveryKeyOutsideTheBlock() throws IOException {
    String table = largestUncompressedTable();
    byte[] t = files.get(table).clone();
    List<Long> bounds = FileLayouts.tableBoundaries(t);
    long blockStart = bounds.get(2);
    long blockSize = bounds.get(3) - blockStart - 5;
    Set<String> affected = userKeysOfBlock(t, blockStart, blockSize);
    assertTrue(!affected.isEmpty());
    t[(int) (blockStart + blockSize / 2)] ^= 0x08;
    files.put(table, t);
    String manifest = name("MANIFEST-");
    byte[] m = files.get(manifest).clone();
    m[12] ^= 0x01; // the snapshot record, followed by other records
    files.put(manifest, m);
    restore();
    assertThrows(CorruptionException.class, this::open, "the damaged database does not open");

    RepairReport report = repair();
    assertEquals(1, report.blocksDropped());
    assertEquals(1, report.tablesDamaged());
    assertTrue(report.damage().stream().anyMatch(f -> f.file().endsWith(table) && f.offset() == blockStart),
        report.damage().toString());
    assertEquals(pristine.walStates.size() - 1, report.walBatches());
    assertTrue(report.movedToLost().contains(manifest));
    assertTrue(report.movedToLost().contains(table));
    assertTrue(report.movedToLost().contains("CURRENT"));
    assertNotNull(fs.read(DIR.resolve("lost").resolve(table)), "the damaged table is kept in lost/");
    assertTrue(Arrays.equals(m, fs.read(DIR.resolve("lost").resolve(manifest))), "the old manifest, unchanged");

    try (Db db = open()) {
      assertContent(db, pristine.content(), affected);
    }
    assertTrue(DbVerifier.verify(fs, DIR).isClean());
  }

  private String largestUncompressedTable() {
    String best = null;
    for (Map.Entry<String, byte[]> e : files.entrySet()) {
      byte[] t = e.getValue();
      if (e.getKey().endsWith(".sst") && FileLayouts.tableBoundaries(t).size() > 6
          && t[(int) (long) FileLayouts.tableBoundaries(t).get(3) - 5] == 0
          && (best == null || t.length > files.get(best).length)) {
        best = e.getKey();
      }
    }
    return Objects.requireNonNull(best);
  }

  @Test
  void intactDatabaseRepairsToTheSameContent() throws IOException {
    restore();
    RepairReport report = repair();
    assertTrue(report.damage().isEmpty(), report.damage().toString());
    assertEquals(0, report.blocksDropped());
    assertEquals(pristine.content().size(), report.entriesWritten());
    try (Db db = open()) {
      assertContent(db, pristine.content(), Set.of());
      db.put(b("after"), b("repair")); // sequence numbers continue above every recovered one
      assertEquals("repair", new String(db.get(b("after")), StandardCharsets.UTF_8));
    }
    try (Db db = open()) {
      assertEquals("repair", new String(db.get(b("after")), StandardCharsets.UTF_8));
      assertContent(db, withAfter(pristine.content()), Set.of());
    }
  }

  private static TreeMap<String, String> withAfter(TreeMap<String, String> content) {
    TreeMap<String, String> out = new TreeMap<>(content);
    out.put("after", "repair");
    return out;
  }

  @Test
  void damagedWalRecordDropsOnlyThatBatch() throws IOException {
    String wal = name(".log");
    byte[] log = files.get(wal).clone();
    List<FileLayouts.Span> records = FileLayouts.logRecords(log);
    int victim = 7;
    log[(int) records.get(victim).start() + 10] ^= 0x02;
    files.put(wal, log);
    restore();
    RepairReport report = repair();
    assertEquals(records.size() - 1, report.walBatches());
    assertEquals(records.get(victim).start(), report.damage().get(0).offset());
    // the content is the history with batch `victim` left out
    List<TreeMap<String, String>> states = pristine.walStates;
    TreeMap<String, String> expected = new TreeMap<>(states.get(0));
    for (int j = 0; j < states.size() - 1; j++) {
      if (j == victim) {
        continue;
      }
      Set<String> keys = new HashSet<>(states.get(j).keySet());
      keys.addAll(states.get(j + 1).keySet());
      for (String k : keys) {
        String before = states.get(j).get(k);
        String after = states.get(j + 1).get(k);
        if (!Objects.equals(before, after)) {
          if (after == null) {
            expected.remove(k);
          } else {
            expected.put(k, after);
          }
        }
      }
    }
    try (Db db = open()) {
      assertContent(db, expected, Set.of());
    }
  }

  @Test
  void tableWithADamagedFooterIsDroppedWhole() throws IOException {
    String table = name(".sst");
    byte[] t = files.get(table).clone();
    Coding.putFixed64(t, t.length - 8, 42); // magic
    files.put(table, t);
    restore();
    RepairReport report = repair();
    assertEquals(1, report.tablesDamaged());
    assertTrue(report.damage().get(0).reason().contains("magic"), report.damage().toString());
    try (Db db = open()) {
      assertNotNull(PristineDb.readByScan(db)); // opens and reads; what that table held is gone
    }
    assertTrue(DbVerifier.verify(fs, DIR).isClean());
  }

  @Test
  void repairingTwiceKeepsEveryOldFileUnderAFreshName() throws IOException {
    restore();
    repair();
    RepairReport second = repair();
    assertTrue(second.movedToLost().contains("CURRENT.1"), second.movedToLost().toString());
    try (Db db = open()) {
      assertContent(db, pristine.content(), Set.of());
    }
    List<String> lost = new ArrayList<>(fs.listFileNames(DIR.resolve("lost")));
    assertTrue(lost.containsAll(pristine.files.keySet().stream().filter(n -> !n.equals("LOCK")).toList()), lost.toString());
  }

  @Test
  void openDatabaseCannotBeRepaired() throws IOException {
    restore();
    try (Db db = open()) {
      assertThrows(StrataIOException.class, this::repair);
      assertEquals(pristine.content(), pristine.readByGets(db));
    }
  }

  @Test
  void directoryWithoutADatabaseIsAnArgumentError() throws IOException {
    fs.createDirectories(DIR);
    assertThrows(IllegalArgumentException.class, this::repair);
    assertTrue(fs.listFileNames(DIR).isEmpty(), "no LOCK file left in a directory without a database");
    assertThrows(IllegalArgumentException.class, () -> DbRepairer.repair(Path.of("/mem/missing"), options()));
  }
}
