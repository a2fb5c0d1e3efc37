package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stratadb.CompactionStrategy;
import io.stratadb.Compression;
import io.stratadb.MemtableRep;
import io.stratadb.Options;
import org.junit.jupiter.api.Test;

/** The target file size reaches StrataDB's options only when given (0 keeps its default). */
class BenchSettingsTest {
  private static BenchSettings withTargetFileSize(long bytes) {
    return new BenchSettings(64L << 20, 4096, 10, 8 << 20, Compression.NONE, CompactionStrategy.leveled(),
        MemtableRep.BPLUS_TREE, false, false, false, bytes);
  }

  @Test
  void aGivenTargetFileSizeIsStrataDbs() {
    assertEquals(16L << 20, withTargetFileSize(16L << 20).strataOptions().targetFileSize());
  }

  @Test
  void zeroKeepsStrataDbsDefault() {
    assertEquals(Options.defaults().targetFileSize(), withTargetFileSize(0).strataOptions().targetFileSize());
  }
}
