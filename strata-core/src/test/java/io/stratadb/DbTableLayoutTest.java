package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.LocalFileSystem;
import io.stratadb.sstable.TableReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Options#tableLayout()}: flushes and compactions write aligned data blocks when asked. */
class DbTableLayoutTest {
  @TempDir Path dir;

  private static byte[] key(int i) {
    return String.format("%016d", i).getBytes(StandardCharsets.US_ASCII);
  }

  /** Offsets of every data block of every table in {@code dir}. */
  private static List<Long> blockOffsets(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> tables = files.filter(p -> p.toString().endsWith(".sst")).toList();
      assertFalse(tables.isEmpty());
      return tables.stream().flatMap(p -> {
        TableReader reader = TableReader.open(LocalFileSystem.INSTANCE, p, 1);
        try {
          return reader.indexEntries().stream().map(e -> e.handle().offset()).toList().stream();
        } finally {
          reader.release();
        }
      }).toList();
    }
  }

  @Test
  void flushAndCompactionWriteAlignedBlocksAndEveryKeyReadsBack() throws IOException {
    Options options = Options.builder().compression(Compression.NONE).writeBufferSize(256 << 10).jmx(false)
        .tableLayout(TableLayout.builder().alignDataBlocks(true).build()).build();
    Random random = new Random(1);
    byte[][] values = new byte[3000][400];
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < values.length; i++) {
        random.nextBytes(values[i]);
        db.put(key(i), values[i]);
      }
      db.flush();
      db.compactRange();
      for (int i = 0; i < values.length; i++) {
        assertArrayEquals(values[i], db.get(key(i)), "key " + i);
      }
    }
    List<Long> offsets = blockOffsets(dir);
    assertTrue(offsets.size() > 100, offsets.size() + " blocks");
    assertTrue(offsets.stream().allMatch(o -> o % 4096 == 0), "every data block starts on a page: " + offsets);
  }

  @Test
  void theDefaultIsUnalignedAndNullIsRefused() throws IOException {
    assertFalse(Options.defaults().tableLayout().alignDataBlocks());
    assertThrows(IllegalArgumentException.class, () -> Options.builder().tableLayout(null));
    assertEquals(4096, TableLayout.alignment(16384));
    assertEquals(2048, TableLayout.alignment(3000));
    assertThrows(IllegalArgumentException.class, () -> TableLayout.alignment(0));
    try (Db db = Db.open(dir, Options.builder().compression(Compression.NONE).jmx(false).build())) {
      for (int i = 0; i < 200; i++) {
        db.put(key(i), new byte[400]);
      }
      db.flush();
    }
    assertTrue(blockOffsets(dir).stream().anyMatch(o -> o % 4096 != 0), "unaligned blocks by default");
  }
}
