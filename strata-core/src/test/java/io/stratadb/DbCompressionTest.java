package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DbCompressionTest {
  @TempDir Path tmp;

  private static byte[] compressibleValue(int i) {
    return b(("value-" + i + "-").repeat(10));
  }

  private static long fill(Db db) {
    for (int i = 0; i < 5000; i++) {
      db.put(key(i), compressibleValue(i));
    }
    db.flush();
    return db.stats().totalTableBytes();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void everyCodecRoundTripsAndCompressibleDataShrinks(Compression compression) {
    long raw;
    try (Db db = Db.open(tmp.resolve("raw"), Options.builder().compression(Compression.NONE).build())) {
      raw = fill(db);
    }
    Path dir = tmp.resolve(compression.name());
    Options options = Options.builder().compression(compression).build();
    long stored;
    try (Db db = Db.open(dir, options)) {
      stored = fill(db);
      db.compactRange();
    }
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < 5000; i += 7) {
        assertEquals(s(compressibleValue(i)), s(db.get(key(i))));
      }
    }
    if (compression == Compression.NONE) {
      assertEquals(raw, stored);
    } else {
      assertTrue(stored < raw / 2, compression + ": " + stored + " vs raw " + raw);
    }
  }

  @Test
  void compressionIsChosenPerLevel() {
    Options options = Options.builder()
        .compressionPerLevel(List.of(Compression.NONE, Compression.LZ4, Compression.ZSTD)).build();
    assertEquals(Compression.NONE, options.compressionForLevel(0));
    assertEquals(Compression.LZ4, options.compressionForLevel(1));
    assertEquals(Compression.ZSTD, options.compressionForLevel(6), "deeper levels use the last entry");
    try (Db db = Db.open(tmp, options)) {
      long l0 = fill(db);
      db.compactRange();
      assertTrue(db.stats().totalTableBytes() < l0 / 2, "L6 is zstd-compressed, L0 was raw");
      assertEquals(s(compressibleValue(4999)), s(db.get(key(4999))));
    }
  }

  @Test
  void aDamagedCompressedBlockIsACorruptionNotWrongData() throws IOException {
    Options options = Options.builder().compression(Compression.LZ4).build();
    try (Db db = Db.open(tmp, options)) {
      fill(db);
    }
    Path table;
    try (Stream<Path> files = Files.list(tmp)) {
      table = files.filter(p -> p.toString().endsWith(".sst")).collect(Collectors.toList()).get(0);
    }
    DbRecoveryTest.flipByte(table, 20);
    try (Db db = Db.open(tmp, options)) {
      CorruptionException e = assertThrows(CorruptionException.class, () -> db.get(key(0)));
      assertTrue(e.file().endsWith(table.getFileName().toString()));
    }
  }
}
