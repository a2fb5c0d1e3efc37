package io.stratadb.admin;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.env.LocalFileSystem;
import io.stratadb.manifest.FileNames;
import io.stratadb.sstable.TableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SstFileDumper}: properties match what was written, and the bloom estimate matches a measurement. */
class SstFileDumperTest {
  private static final int KEYS = 20_000;

  @TempDir Path dir;

  /** One table: KEYS puts, then every 10th key deleted, flushed together. */
  private Path table(int bloomBitsPerKey) throws IOException {
    try (Db db = Db.open(dir, Options.builder().writeBufferSize(64 << 20).bloomBitsPerKey(bloomBitsPerKey)
        .compression(Compression.LZ4).build())) {
      for (int i = 0; i < KEYS; i++) {
        db.put(key(i), b("value-" + i));
      }
      for (int i = 0; i < KEYS; i += 10) {
        db.delete(key(i));
      }
      db.flush();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
  }

  @Test
  void propertiesCountWhatWasWritten() throws IOException {
    Path table = table(10);
    try (SstFileDumper dumper = SstFileDumper.open(table)) {
      TableProperties p = dumper.properties();
      assertEquals(KEYS + KEYS / 10, p.entries(), "the memtable keeps a key's put under its tombstone");
      assertEquals(KEYS, p.puts());
      assertEquals(KEYS / 10, p.deletes());
      assertEquals(KEYS, p.userKeys());
      assertEquals(Files.size(table), p.fileSize());
      assertEquals(1, p.formatVersion());
      assertEquals(new ParsedInternalKey(key(0), KEYS + 1, EntryType.DELETE), p.smallest(), "newest first");
      assertEquals(new ParsedInternalKey(key(KEYS - 1), KEYS, EntryType.PUT), p.largest());
      assertEquals(1, p.minSequence());
      assertEquals(KEYS + KEYS / 10, p.maxSequence());
      assertEquals(p.dataBlocks(), p.blocksByCompression().values().stream().mapToInt(Integer::intValue).sum());
      assertTrue(p.blocksByCompression().containsKey(Compression.LZ4), p.blocksByCompression().toString());
      assertTrue(p.dataRawBytes() > p.dataStoredBytes(), "LZ4 shrank the blocks");
      assertEquals(7, p.filterProbes());
      assertEquals(10.0, p.bitsPerKey(), 0.01);
      List<ParsedInternalKey> first = new ArrayList<>();
      dumper.entries(3, (k, v) -> first.add(k));
      assertEquals(3, first.size());
      assertEquals(p.smallest(), first.get(0));
      assertThrows(IllegalArgumentException.class, () -> dumper.entries(-1, (k, v) -> { }));
    }
  }

  @Test
  void theEstimatedFalsePositiveRateMatchesAMeasurement() throws IOException {
    Path table = table(10);
    double estimate;
    try (SstFileDumper dumper = SstFileDumper.open(table)) {
      estimate = dumper.properties().estimatedFalsePositiveRate();
    }
    long number = FileNames.parse(table.getFileName().toString()).number();
    TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, table, number);
    int probes = 200_000;
    int falsePositives = 0;
    try {
      for (int i = 0; i < probes; i++) {
        if (reader.mayContain(b("absent" + i))) {
          falsePositives++;
        }
      }
    } finally {
      reader.release();
    }
    double measured = (double) falsePositives / probes;
    assertEquals(0.0082, estimate, 0.0002, "10 bits/key, 7 probes");
    assertTrue(measured > estimate * 0.6 && measured < estimate * 1.6, "measured " + measured + " vs " + estimate);
  }

  @Test
  void aTableWithoutFilterReportsNone() throws IOException {
    try (SstFileDumper dumper = SstFileDumper.open(table(0))) {
      TableProperties p = dumper.properties();
      assertEquals(0, p.filterBytes());
      assertEquals(0, p.filterBits());
      assertEquals(1.0, p.estimatedFalsePositiveRate());
    }
  }

  @Test
  void aDamagedBlockIsReportedWithFileAndOffset() throws IOException {
    Path table = table(10);
    byte[] bytes = Files.readAllBytes(table);
    bytes[10] ^= 0x01;
    Files.write(table, bytes);
    try (SstFileDumper dumper = SstFileDumper.open(table)) {
      CorruptionException e = assertThrows(CorruptionException.class, dumper::properties);
      assertEquals(table.toString(), e.file());
      assertEquals(0, e.offset());
    }
    assertThrows(IllegalArgumentException.class, () -> SstFileDumper.open(dir.resolve("000999.sst")));
  }
}
