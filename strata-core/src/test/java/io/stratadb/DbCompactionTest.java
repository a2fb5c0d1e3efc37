package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.db.DbTestHooks;
import io.stratadb.env.FaultInjectionFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Compaction through the DB, for every strategy. */
class DbCompactionTest {
  @TempDir Path tmp;

  static Stream<CompactionStrategy> strategies() {
    return Stream.of(TestKeys.leveled(2), new CompactionStrategy.Leveled(2, 1L << 20, 4, false),
        new CompactionStrategy.Tiered(3, 200, 1, 2), new CompactionStrategy.SimpleLeveled(200, 2, 4));
  }

  private static Options options(CompactionStrategy strategy) {
    return TestKeys.smallOptions().toBuilder().compactionStrategy(strategy).build();
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void deletedKeysStayDeletedAndOverwrittenKeysReadTheirLastValue(CompactionStrategy strategy) {
    try (Db db = Db.open(tmp, options(strategy))) {
      for (int i = 0; i < 3000; i++) {
        db.put(key(i), b("old" + i));
      }
      db.flush();
      for (int i = 0; i < 3000; i += 2) {
        db.delete(key(i));
      }
      for (int round = 0; round < 1000; round++) {
        db.put(b("hot"), b("v" + round));
        if (round % 100 == 0) {
          db.flush();
        }
      }
      for (int i = 3000; i < 6000; i++) {
        db.put(key(i), b("filler" + i)); // more flushes and compactions on top of the tombstones
      }
      db.flush();
      DbApiTest.waitFor(() -> db.stats().compactionCount() > 0);
      check(db);
      db.compactRange();
      check(db);
      assertEquals(0, db.stats().levels().get(0).files(), "compactRange empties L0");
    }
    try (Db db = Db.open(tmp, options(strategy))) {
      check(db);
    }
  }

  @Test
  void tieredMergesIntoL0KeepNewestFirstOrderWhileFlushesRun() throws Exception {
    // Few runs allowed and space amplification almost never reached: once L1..L6 hold runs, the
    // newest runs can only merge into L0, concurrently with flushes of newer data.
    Options options = options(new CompactionStrategy.Tiered(2, 10_000, 0, 2));
    Map<String, String> model = new HashMap<>();
    Random random = new Random(7);
    try (Db db = Db.open(tmp, options)) {
      for (int i = 0; i < 60_000; i++) {
        String k = "k" + random.nextInt(5000);
        if (random.nextInt(10) == 0) {
          db.delete(b(k));
          model.remove(k);
        } else {
          String v = "v" + i;
          db.put(b(k), b(v));
          model.put(k, v);
        }
      }
      db.flush();
      DbStats stats = db.stats();
      assertTrue(stats.levels().get(0).writtenBytes() > stats.flushBytesWritten(),
          "some merges wrote L0:\n" + stats.report());
      checkModel(db, model);
    }
    try (Db db = Db.open(tmp, options)) {
      checkModel(db, model);
    }
  }

  private static void checkModel(Db db, Map<String, String> model) {
    for (int i = 0; i < 5000; i++) {
      assertEquals(model.get("k" + i), s(db.get(b("k" + i))), "k" + i);
    }
    int count = 0;
    try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
      for (; it.isValid(); it.next()) {
        assertEquals(model.get(s(it.key())), s(it.value()));
        count++;
      }
    }
    assertEquals(model.size(), count);
  }

  private static void check(Db db) {
    assertEquals("v999", s(db.get(b("hot"))));
    for (int i = 0; i < 3000; i++) {
      if (i % 2 == 0) {
        assertNull(db.get(key(i)), "deleted key " + i);
      } else {
        assertEquals("old" + i, s(db.get(key(i))));
      }
    }
    int count = 0;
    try (DbIterator it = db.scan(Bound.inclusive(key(0)), Bound.exclusive(key(3000)))) {
      for (; it.isValid(); it.next()) {
        count++;
      }
    }
    assertEquals(1500, count);
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void compactRangeDropsTombstonesAndOldVersions(CompactionStrategy strategy) {
    try (Db db = Db.open(tmp, options(strategy))) {
      byte[] value = new byte[100];
      for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 2000; i++) {
          db.put(key(i), value);
        }
        db.flush();
      }
      for (int i = 0; i < 2000; i++) {
        db.delete(key(i));
      }
      db.put(key(5000), b("survivor"));
      db.compactRange();
      DbStats stats = db.stats();
      assertTrue(stats.totalTableBytes() < 10_000, "everything but one key is gone: " + stats.totalTableBytes());
      assertEquals("survivor", s(db.get(key(5000))));
      assertTrue(stats.compactionBytesWritten() > 0);
      assertTrue(stats.report().contains("Compaction Stats [" + strategy.name() + "]"), stats.report());
    }
  }

  @ParameterizedTest
  @MethodSource("strategies")
  void crashBetweenWritingOutputsAndInstallingThemLeavesAConsistentDb(CompactionStrategy strategy)
      throws IOException {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path dir = tmp.resolve("db");
    Path crashed = tmp.resolve("crashed");
    AtomicBoolean copied = new AtomicBoolean();
    Options options = options(strategy).toBuilder().fileSystem(fs).build();
    try (Db db = Db.open(dir, options)) {
      DbTestHooks.TEST_setBeforeCompactionInstall(db, () -> {
        if (copied.compareAndSet(false, true)) {
          try {
            fs.copyAsAfterPowerLoss(dir, crashed);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      });
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 500; i++) {
          db.put(key(i), b("r" + round), WriteOptions.syncWrites());
        }
        db.flush();
      }
      db.compactRange();
    }
    assertTrue(copied.get(), "a compaction ran");
    Set<String> before = names(crashed);
    Options quiet = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(1000))
        .l0SlowdownWritesTrigger(1000).l0StopWritesTrigger(1000).build();
    try (Db db = Db.open(crashed, quiet)) {
      for (int i = 0; i < 500; i++) {
        String value = s(db.get(key(i)));
        assertTrue(value != null && value.startsWith("r"), "key " + i + " = " + value);
      }
      long listed = db.stats().levels().stream().mapToLong(DbStats.LevelStats::files).sum();
      long onDisk = names(crashed).stream().filter(n -> n.endsWith(".sst")).count();
      assertEquals(listed, onDisk, "orphan compaction outputs are deleted on open");
    }
    assertFalse(before.isEmpty());
  }

  private static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
