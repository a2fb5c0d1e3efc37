package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.DbIterator;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fill's wait for the engine to settle, and the backlog StrataDB reports for it. */
class LargeFillTest {
  @TempDir Path tmp;

  @Test
  void settleWaitsUntilTheEngineSaysNothingIsPending() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    BenchEngine busyThrice = new FakeEngine() {
      @Override
      public FillBacklog backlog() {
        return new FillBacklog(polls.incrementAndGet() <= 3, 1 << 20, 5);
      }
    };
    double seconds = LargeFill.settle(busyThrice, System.nanoTime());
    assertEquals(4, polls.get(), "polled until the first idle answer");
    assertTrue(seconds >= 0.2, "three waits of 100 ms, got " + seconds);
  }

  @Test
  void anEngineThatDoesNotSayIsNotWaitedFor() throws Exception {
    assertTrue(LargeFill.settle(new FakeEngine(), System.nanoTime()) < 1);
  }

  @Test
  void strataDbIsIdleOnceSettledAfterAFillThatCompacted() throws Exception {
    BenchSettings settings = new BenchSettings(64 << 10, 4096, 10, 8 << 20, io.stratadb.Compression.NONE,
        io.stratadb.CompactionStrategy.leveled(), io.stratadb.MemtableRep.BPLUS_TREE, false, false, false, 0);
    int[] order = LargeFill.permutation(20_000, 7);
    LargeFill.Outcome fill = LargeFill.run(BenchEngine.Kind.STRATADB.open(tmp, settings), tmp, order, 16, 100, false);
    assertTrue(fill.settleSeconds() >= 0, "settled within the limit");
    assertTrue(fill.backlogAtEnd().l0Files() >= 0 && fill.backlogAtEnd().pendingBytes() >= 0);
    assertTrue(fill.stallMillis() >= 0);
    assertTrue(fill.shape().contains(", 0 immutable;"), "settled: every full memtable flushed: " + fill.shape());
    assertTrue(fill.shape().contains(" compactions"), fill.shape());
  }

  @Test
  void theFillLeavesNoWriteAheadLogForTheReadersToReplay() throws Exception {
    BenchSettings settings = new BenchSettings(64 << 10, 4096, 10, 8 << 20, io.stratadb.Compression.NONE,
        io.stratadb.CompactionStrategy.leveled(), io.stratadb.MemtableRep.BPLUS_TREE, false, false, false, 0);
    LargeFill.run(BenchEngine.Kind.STRATADB.open(tmp, settings), tmp, LargeFill.permutation(5_000, 3), 16, 100, false);
    try (var files = java.nio.file.Files.list(tmp)) {
      long walBytes = files.filter(p -> p.toString().endsWith(".log")).mapToLong(p -> p.toFile().length()).sum();
      assertEquals(0, walBytes, "the last memtable flushed: a reader opening this replays nothing into L0");
    }
  }

  @Test
  void theReaderCutsItsCompactionOutputsAtTheFillsTargetFileSize() {
    BenchSettings settings = new BenchSettings(64 << 10, 4096, 10, 8 << 20, io.stratadb.Compression.NONE,
        io.stratadb.CompactionStrategy.leveled(), io.stratadb.MemtableRep.BPLUS_TREE, false, false, false, 64 << 20);
    LargeReadChild child = new LargeReadChild();
    new picocli.CommandLine(child).parseArgs(LargeReadChild.arguments(BenchEngine.Kind.STRATADB, tmp, "readrandom",
        10, 16, 1, 1000, 1, settings, null).toArray(new String[0]));
    assertEquals(64 << 20, child.targetFileSize, "not StrataDB's 2 MiB default, which rewrote the tree in small tables");
  }

  /** An engine that stores nothing and reports no backlog. */
  private static class FakeEngine implements BenchEngine {
    @Override
    public Kind kind() {
      return Kind.STRATADB;
    }

    @Override
    public void put(byte[] key, byte[] value) {}

    @Override
    public byte[] get(byte[] key) {
      return null;
    }

    @Override
    public void delete(byte[] key) {}

    @Override
    public DbIterator newCursor() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }
}
