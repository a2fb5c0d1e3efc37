package io.stratadb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    Options o = Options.defaults();
    assertEquals(4L << 20, o.writeBufferSize());
    assertEquals(4096, o.blockSize());
    assertEquals(16, o.blockRestartInterval());
    assertEquals(10, o.bloomBitsPerKey());
    assertEquals(1000, o.maxOpenFiles());
    assertEquals(8L << 20, o.blockCacheSize());
    assertEquals(Compression.LZ4, o.compression());
    assertTrue(o.compressionPerLevel().isEmpty());
    assertEquals(2, o.maxBackgroundJobs());
    assertEquals(20, o.l0SlowdownWritesTrigger());
    assertEquals(36, o.l0StopWritesTrigger());
    assertEquals(16L << 20, o.backgroundTuning().delayedWriteRate());
    assertTrue(o.createIfMissing() && !o.errorIfExists() && o.jmx() && o.seekCompaction() && !o.statistics());
    assertNull(o.compactionFilter());
    assertEquals(ReadMode.AUTO, o.readPath().readMode());
    assertEquals(256 << 10, o.readPath().maxAutoReadaheadSize());
    assertEquals(2 << 20, o.readPath().compactionReadaheadSize());
    assertTrue(!o.readPath().useDirectReads());
    assertEquals(io.stratadb.util.MemoryBudget.DEFAULT_MMAP_BUDGET, o.readPath().mmapBudgetBytes());
  }

  @Test
  void theDefaultMmapBudgetIsHalfTheMemoryBesideTheHeap() {
    assertEquals(3L << 30, io.stratadb.util.MemoryBudget.mmapBudget(8L << 30, 2L << 30));
    assertEquals(0, io.stratadb.util.MemoryBudget.mmapBudget(1L << 30, 2L << 30), "a heap larger than memory leaves none");
    long budget = io.stratadb.util.MemoryBudget.DEFAULT_MMAP_BUDGET;
    assertTrue(budget >= 0 && budget < Runtime.getRuntime().maxMemory() + (1L << 42), "budget " + budget);
  }

  @Test
  void readModeDecidesPerTableOpen() {
    assertTrue(ReadMode.MMAP.maps(() -> Long.MAX_VALUE, 0));
    assertTrue(!ReadMode.PREAD.maps(() -> 0, Long.MAX_VALUE));
    assertTrue(ReadMode.AUTO.maps(() -> 100, 100));
    assertTrue(!ReadMode.AUTO.maps(() -> 101, 100));
    Options o = Options.builder().readPath(ReadPathOptions.builder().readMode(ReadMode.PREAD).mmapBudgetBytes(5)
        .maxAutoReadaheadSize(0).compactionReadaheadSize(1 << 20).build()).build().toBuilder().build();
    assertEquals(ReadMode.PREAD, o.readPath().readMode());
    assertEquals(5, o.readPath().mmapBudgetBytes());
    assertEquals(0, o.readPath().maxAutoReadaheadSize());
    assertEquals(1 << 20, o.readPath().compactionReadaheadSize());
  }

  @Test
  void builtOptionsDoNotChangeWithTheirBuilderAndToBuilderCopiesEveryValue() {
    CompactionFilter filter = (level, key, value) -> CompactionFilter.Decision.KEEP;
    Options.Builder b = Options.builder().writeBufferSize(1 << 20).blockSize(8192).maxKeySize(100)
        .compressionPerLevel(List.of(Compression.NONE, Compression.LZ4)).compactionFilter(filter)
        .l0SlowdownWritesTrigger(3).l0StopWritesTrigger(5).statistics(true).jmx(false);
    Options built = b.build();
    b.writeBufferSize(2 << 20).blockSize(256).compactionFilter(null).jmx(true);
    assertEquals(1 << 20, built.writeBufferSize(), "the builder's later changes do not reach it");
    assertEquals(8192, built.blockSize());
    assertSame(filter, built.compactionFilter());

    Options copy = built.toBuilder().build();
    assertEquals(built.writeBufferSize(), copy.writeBufferSize());
    assertEquals(built.blockSize(), copy.blockSize());
    assertEquals(100, copy.maxKeySize());
    assertEquals(Compression.LZ4, copy.compressionForLevel(6));
    assertEquals(Compression.NONE, copy.compressionForLevel(0));
    assertSame(filter, copy.compactionFilter());
    assertEquals(5, copy.l0StopWritesTrigger());
    assertTrue(copy.statistics() && !copy.jmx());

    Options changed = built.toBuilder().blockSize(1024).build();
    assertEquals(1024, changed.blockSize());
    assertEquals(8192, built.blockSize(), "a builder from toBuilder is a copy");
  }

  @Test
  void outOfRangeValuesAreRejectedWithTheirName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Options.builder().blockSize(100));
    assertEquals("blockSize must be between 256 and 4194304, got 100", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Options.builder().memtableBloomSizeRatio(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().compression(null));
    assertThrows(IllegalArgumentException.class, () -> ReadPathOptions.builder().readMode(null));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().readPath(null));
    IllegalArgumentException mmapDirect = assertThrows(IllegalArgumentException.class,
        () -> ReadPathOptions.builder().readMode(ReadMode.MMAP).useDirectReads(true).build());
    assertEquals("useDirectReads cannot be combined with readMode MMAP", mmapDirect.getMessage());
    assertTrue(ReadPathOptions.builder().useDirectReads(true).build().useDirectReads(), "AUTO with direct reads");
    assertThrows(IllegalArgumentException.class, () -> ReadPathOptions.builder().mmapBudgetBytes(-1));
    assertThrows(IllegalArgumentException.class, () -> ReadPathOptions.builder().maxAutoReadaheadSize(-1));
    assertThrows(IllegalArgumentException.class, () -> ReadPathOptions.builder().compactionReadaheadSize(65 << 20));
    assertThrows(IllegalArgumentException.class,
        () -> Options.builder().l0SlowdownWritesTrigger(10).l0StopWritesTrigger(9).build());
  }
}
