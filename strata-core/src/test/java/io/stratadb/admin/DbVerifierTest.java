package io.stratadb.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.PristineDb;
import io.stratadb.env.MemoryFileSystem;
import io.stratadb.util.Coding;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DbVerifier} on the {@link PristineDb} and on copies with one kind of damage each: it
 * reports every damaged block and record with the file and offset, keeps checking after the first,
 * and tells torn tails (warnings) from damage. The corruption sweep cross-checks it against opening
 * and reading on thousands more damaged copies.
 */
class DbVerifierTest {
  private static final Path DIR = Path.of("/mem/verify");
  private static PristineDb pristine;
  private static MemoryFileSystem buildFs;

  private MemoryFileSystem fs;
  private Map<String, byte[]> files;

  @BeforeAll
  static void build() throws IOException {
    buildFs = new MemoryFileSystem();
    pristine = PristineDb.build(buildFs, DIR);
  }

  @BeforeEach
  void copy() throws IOException {
    fs = new MemoryFileSystem();
    files = new TreeMap<>(pristine.files);
  }

  private VerifyReport verify() throws IOException {
    fs.restore(DIR, files);
    return DbVerifier.verify(fs, DIR);
  }

  private String name(String suffix) {
    return files.keySet().stream().filter(n -> n.endsWith(suffix) || n.startsWith(suffix)).findFirst().orElseThrow();
  }

  /** {offset, size} of each data block of a table, from its index (parsed independently). */
  private static List<long[]> dataBlocks(byte[] table) {
    List<Long> bounds = io.stratadb.FileLayouts.tableBoundaries(table);
    List<long[]> blocks = new ArrayList<>();
    int footer = table.length - 48;
    long filter = Coding.getFixed64(table, footer + 16);
    long index = Coding.getFixed64(table, footer);
    for (int i = 0; i + 1 < bounds.size(); i++) {
      long start = bounds.get(i);
      if (start == filter || start == index || start >= footer) {
        break;
      }
      blocks.add(new long[] {start, bounds.get(i + 1) - start - 5});
    }
    return blocks;
  }

  @Test
  void pristineDatabaseIsClean() throws IOException {
    VerifyReport report = verify();
    assertTrue(report.isClean(), report.damage().toString());
    assertTrue(report.warnings().isEmpty(), report.warnings().toString());
    assertEquals(pristine.files.keySet().stream().filter(n -> n.endsWith(".sst")).count(), report.tables());
    assertEquals(1, report.wals());
    assertEquals(pristine.walStates.size() - 1, report.walRecords());
    assertTrue(report.manifestRecords() >= 2);
    long blocks = 0;
    for (String n : files.keySet()) {
      if (n.endsWith(".sst")) {
        blocks += dataBlocks(files.get(n)).size();
      }
    }
    assertEquals(blocks, report.dataBlocks(), "every data block is checked");
  }

  @Test
  void everyDamagedDataBlockIsReportedAtItsOffset() throws IOException {
    String table = name(".sst");
    byte[] damaged = files.get(table).clone();
    List<long[]> blocks = dataBlocks(damaged);
    assertTrue(blocks.size() >= 3);
    long[] a = blocks.get(0);
    long[] b = blocks.get(blocks.size() - 1);
    damaged[(int) (a[0] + 3)] ^= 0x10;
    damaged[(int) (b[0] + b[1])] ^= 0x01; // b's compression type byte
    files.put(table, damaged);
    VerifyReport report = verify();
    assertEquals(2, report.damage().size(), report.damage().toString());
    assertEquals(a[0], report.damage().get(0).offset());
    assertEquals(b[0], report.damage().get(1).offset());
    assertTrue(report.damage().get(0).file().endsWith(table));
    assertTrue(report.damage().get(0).reason().contains("checksum"), report.damage().get(0).reason());
  }

  @Test
  void damagedWalRecordsAreAllReportedAndTheRestRead() throws IOException {
    String wal = name(".log");
    byte[] damaged = files.get(wal).clone();
    List<io.stratadb.FileLayouts.Span> records = io.stratadb.FileLayouts.logRecords(damaged);
    damaged[(int) records.get(2).start() + 12] ^= 0x01;
    damaged[(int) records.get(5).start() + 2] ^= 0x01; // checksum byte
    files.put(wal, damaged);
    VerifyReport report = verify();
    assertEquals(List.of(records.get(2).start(), records.get(5).start()),
        report.damage().stream().map(Finding::offset).toList());
    assertEquals(records.size() - 2, report.walRecords(), "the records after the damage are read too");
  }

  @Test
  void tornWalTailIsAWarningNotDamage() throws IOException {
    String wal = name(".log");
    byte[] log = files.get(wal);
    List<io.stratadb.FileLayouts.Span> records = io.stratadb.FileLayouts.logRecords(log);
    long last = records.get(records.size() - 1).start();
    files.put(wal, java.util.Arrays.copyOf(log, (int) last + 10));
    VerifyReport report = verify();
    assertTrue(report.isClean(), report.damage().toString());
    assertEquals(1, report.warnings().size());
    assertEquals(last, report.warnings().get(0).offset());
    assertTrue(report.warnings().get(0).reason().contains("torn tail"));
  }

  @Test
  void damagedManifestIsReportedAndEveryTableStillChecked() throws IOException {
    String manifest = name("MANIFEST-");
    byte[] damaged = files.get(manifest).clone();
    damaged[10] ^= 0x01; // the first record, followed by others
    files.put(manifest, damaged);
    String table = name(".sst");
    byte[] t = files.get(table).clone();
    t[5] ^= 0x01;
    files.put(table, t);
    VerifyReport report = verify();
    assertEquals(0, report.damage().get(0).offset());
    assertTrue(report.damage().get(0).file().endsWith(manifest));
    assertTrue(report.damage().stream().anyMatch(f -> f.file().endsWith(table)), report.damage().toString());
    assertTrue(report.warnings().stream().anyMatch(w -> w.reason().contains("live set is unknown")));
  }

  @Test
  void missingTableAndBadCurrentAreDamage() throws IOException {
    String table = name(".sst");
    files.remove(table);
    VerifyReport report = verify();
    assertFalse(report.isClean());
    assertTrue(report.damage().get(0).reason().contains(table), report.damage().toString());
    assertTrue(report.damage().get(0).file().contains("MANIFEST-"));

    files = new TreeMap<>(pristine.files);
    files.put("CURRENT", "MANIFEST-999999\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    report = verify();
    assertTrue(report.damage().get(0).file().endsWith("CURRENT"));
    assertTrue(report.damage().get(0).reason().contains("does not exist"));
  }

  @Test
  void missingDirectoryIsAnArgumentError() {
    assertThrows(IllegalArgumentException.class, () -> DbVerifier.verify(fs, Path.of("/mem/none")));
  }
}
