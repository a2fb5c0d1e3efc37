package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.db.DbTestHooks;
import io.stratadb.env.FaultInjectionFileSystem;
import io.stratadb.env.ForwardingFileSystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Db#checkpoint}: the copy opens, holds exactly the writes acknowledged before the call (a
 * prefix of history, whole batches), survives the source's compactions deleting the tables it
 * links, and the source keeps working.
 */
@Timeout(300) // seconds; a hang prints every thread's stack (junit-platform.properties)
class DbCheckpointTest {

  @TempDir Path tmp;

  private static Options options() {
    return TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(2)).build();
  }

  /** Every key and value of {@code db}, in order, as strings. */
  private static Map<String, String> contents(Db db) {
    Map<String, String> out = new TreeMap<>();
    try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
      for (; it.isValid(); it.next()) {
        out.put(s(it.key()), s(it.value()));
      }
    }
    return out;
  }

  private static Set<String> tables(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst"))
          .collect(java.util.stream.Collectors.toCollection(TreeSet::new));
    }
  }

  @Test
  void checkpointOpensWithExactlyTheWritesBeforeIt() throws IOException {
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copies/one"); // the parent is created
    Map<String, String> model = new TreeMap<>();
    Random random = new Random(42);
    try (Db db = Db.open(dir, options())) {
      for (int i = 0; i < 6000; i++) {
        String k = s(key(random.nextInt(2000)));
        if (random.nextInt(5) == 0) {
          db.delete(b(k));
          model.remove(k);
        } else {
          String v = "v" + i + "-" + "x".repeat(random.nextInt(100));
          db.put(b(k), b(v));
          model.put(k, v);
        }
        if (i == 3000) {
          db.flush(); // tables on disk and writes in the WAL both
        }
      }
      assertFalse(tables(dir).isEmpty(), "the test needs SSTables");
      db.checkpoint(copy);
      Map<String, String> atCheckpoint = new TreeMap<>(model);
      db.put(b("after"), b("not in the copy"));
      db.delete(key(0));
      model.put("after", "not in the copy");
      model.remove(s(key(0)));
      Set<String> linked = tables(copy);
      assertFalse(linked.isEmpty());
      for (String table : linked) {
        try {
          assertTrue(Files.isSameFile(dir.resolve(table), copy.resolve(table)), table + " is a hard link");
        } catch (NoSuchFileException compactedAwayMeanwhile) {
          // a background compaction deleted the source's table after the checkpoint: nothing to compare
        }
      }
      assertFalse(Files.exists(tmp.resolve("copies/one.tmp")), "the staging directory is renamed");
      try (Db c = Db.open(copy, options().toBuilder().createIfMissing(false).build())) {
        assertEquals(atCheckpoint, contents(c));
        c.put(b("only-in-copy"), b("1")); // the copy is a database of its own
      }
      assertEquals(model, contents(db), "the source keeps working");
      assertEquals(null, db.get(b("only-in-copy")));
    }
    try (Db c = Db.open(copy, options())) {
      assertEquals("1", s(c.get(b("only-in-copy"))));
    }
  }

  @Test
  void writesAcknowledgedBeforeTheCallAreInTheCopyAndNoBatchIsTorn() throws Exception {
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    int threads = 4;
    AtomicLong[] acknowledged = new AtomicLong[threads];
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long[] before = new long[threads];
    try (Db db = Db.open(dir, options())) {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        acknowledged[t] = new AtomicLong();
        writers.add(pool.submit(() -> {
          for (long i = 0; !stop.get(); i++) {
            WriteBatch batch = new WriteBatch();
            for (char part = 'a'; part <= 'c'; part++) {
              batch.put(b(String.format("t%d-%08d-%c", thread, i, part)), b("x".repeat(150)));
            }
            db.write(batch);
            acknowledged[thread].set(i + 1);
          }
          return null;
        }));
      }
      for (int t = 0; t < threads; t++) {
        while (acknowledged[t].get() < 500) {
          Thread.onSpinWait(); // wait for progress: memtables rotate and flush meanwhile
        }
      }
      for (int t = 0; t < threads; t++) {
        before[t] = acknowledged[t].get();
      }
      db.checkpoint(copy);
      long[] afterCall = new long[threads];
      for (int t = 0; t < threads; t++) {
        afterCall[t] = acknowledged[t].get();
      }
      while (acknowledged[0].get() < afterCall[0] + 200) {
        Thread.onSpinWait(); // writes go on after the checkpoint
      }
      stop.set(true);
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertTrue(db.stats().flushCount() > 0, "flushes ran during the test");
    } finally {
      pool.shutdownNow();
    }
    try (Db c = Db.open(copy, options())) {
      Map<String, String> content = contents(c);
      for (int t = 0; t < threads; t++) {
        for (long i = 0; i < before[t]; i++) {
          assertNotNull(c.get(b(String.format("t%d-%08d-a", t, i))), "acknowledged write " + t + "/" + i);
        }
      }
      Map<String, Integer> parts = new TreeMap<>();
      for (String k : content.keySet()) {
        parts.merge(k.substring(0, k.length() - 2), 1, Integer::sum);
      }
      for (Map.Entry<String, Integer> e : parts.entrySet()) {
        assertEquals(3, e.getValue(), "batch " + e.getKey() + " is whole");
      }
    }
  }

  @Test
  void tablesACompactionDeletesFromTheSourceStayInTheCopy() throws IOException {
    Path dir = tmp.resolve("db");
    Path during = tmp.resolve("during");
    Path after = tmp.resolve("after");
    Map<String, String> model = new TreeMap<>();
    AtomicInteger checkpoints = new AtomicInteger();
    Map<String, String> atDuring = new TreeMap<>();
    try (Db db = Db.open(dir, options())) {
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 800; i++) {
          String v = "r" + round + "-" + "y".repeat(40);
          db.put(key(i), b(v));
          model.put(s(key(i)), v);
        }
        db.flush();
      }
      DbTestHooks.TEST_setBeforeCompactionInstall(db, () -> {
        // A compaction wrote its outputs and is about to delete its inputs.
        if (checkpoints.getAndIncrement() == 0) {
          db.checkpoint(during);
        }
      });
      atDuring.putAll(model);
      db.checkpoint(after);
      Set<String> linked = tables(after);
      db.compactRange();
      DbTestHooks.TEST_setBeforeCompactionInstall(db, null);
      Set<String> gone = new TreeSet<>(linked);
      gone.removeAll(tables(dir));
      assertFalse(gone.isEmpty(), "the compaction deleted tables the checkpoint links: " + linked);
    }
    assertTrue(checkpoints.get() > 0, "a checkpoint ran inside a compaction");
    try (Db c = Db.open(after, options())) {
      assertEquals(model, contents(c));
    }
    try (Db c = Db.open(during, options())) {
      assertEquals(atDuring, contents(c));
    }
  }

  @Test
  void copiesWhenTheFileSystemCannotLink() throws IOException {
    Path dir = tmp.resolve("db");
    Path copy = tmp.resolve("copy");
    AtomicInteger linkAttempts = new AtomicInteger();
    ForwardingFileSystem noLinks = new ForwardingFileSystem() {
      @Override
      public void link(Path existing, Path link) throws IOException {
        linkAttempts.incrementAndGet();
        throw new IOException("Invalid cross-device link (injected)");
      }
    };
    Options options = options().toBuilder().fileSystem(noLinks).build();
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < 1000; i++) {
        db.put(key(i), b("v" + i));
      }
      db.flush();
      db.put(b("in-wal"), b("yes"));
      db.checkpoint(copy);
    }
    assertTrue(linkAttempts.get() > 0);
    assertFalse(tables(copy).isEmpty());
    for (String table : tables(copy)) {
      assertFalse(Files.exists(dir.resolve(table)) && Files.isSameFile(dir.resolve(table), copy.resolve(table)),
          "copied, not linked");
    }
    try (Db c = Db.open(copy, options)) {
      assertEquals(1001, contents(c).size());
      assertEquals("yes", s(c.get(b("in-wal"))));
    }
  }

  @Test
  void worksThroughAnyFileSystemThatLinks() {
    io.stratadb.env.MemoryFileSystem fs = new io.stratadb.env.MemoryFileSystem();
    Path dir = Path.of("/mem/db");
    Path copy = Path.of("/mem/backups/copy");
    Options options = options().toBuilder().fileSystem(fs).build();
    Map<String, String> model = new TreeMap<>();
    try (Db db = Db.open(dir, options)) {
      for (int i = 0; i < 3000; i++) {
        db.put(key(i % 1000), b("v" + i));
        model.put(s(key(i % 1000)), "v" + i);
      }
      db.checkpoint(copy);
      db.compactRange(); // deletes the source's names of the tables the copy links
      db.put(key(1), b("after"));
    }
    assertFalse(fs.exists(Path.of("/mem/backups/copy.tmp")));
    try (Db c = Db.open(copy, options)) {
      assertEquals(model, contents(c));
    }
  }

  @Test
  void anExistingTargetIsRejectedAndLeftAlone() throws IOException {
    Path dir = tmp.resolve("db");
    Path target = tmp.resolve("taken");
    Files.createDirectories(target);
    Files.writeString(target.resolve("keep.txt"), "mine");
    try (Db db = Db.open(dir, options())) {
      db.put(b("k"), b("v"));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> db.checkpoint(target));
      assertTrue(e.getMessage().contains("already exists"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> db.checkpoint(null));
      Files.createDirectories(tmp.resolve("stale.tmp"));
      assertThrows(IllegalArgumentException.class, () -> db.checkpoint(tmp.resolve("stale")));
      assertEquals("v", s(db.get(b("k"))));
    }
    assertEquals(List.of("keep.txt"), Files.list(target).map(p -> p.getFileName().toString()).toList());
    assertFalse(Files.exists(tmp.resolve("stale")));
  }

  @Test
  void aClosedDatabaseThrows() {
    Db db = Db.open(tmp.resolve("db"), options());
    db.close();
    assertThrows(DbClosedException.class, () -> db.checkpoint(tmp.resolve("copy")));
    assertFalse(Files.exists(tmp.resolve("copy")));
  }

  @Test
  void aFailedCheckpointRemovesItsPartialCopy() throws IOException {
    Path dir = tmp.resolve("db");
    ForwardingFileSystem failingManifest = new ForwardingFileSystem() {
      @Override
      public io.stratadb.env.WritableFile newWritableFile(Path path) throws IOException {
        if (path.getParent().getFileName().toString().equals("copy.tmp")
            && path.getFileName().toString().startsWith("MANIFEST")) {
          throw new IOException("No space left on device (injected)");
        }
        return super.newWritableFile(path);
      }
    };
    try (Db db = Db.open(dir, options().toBuilder().fileSystem(failingManifest).build())) {
      db.put(b("k"), b("v"));
      db.flush();
      assertThrows(StrataIOException.class, () -> db.checkpoint(tmp.resolve("copy")));
      assertFalse(Files.exists(tmp.resolve("copy.tmp")));
      assertFalse(Files.exists(tmp.resolve("copy")));
      db.put(b("k2"), b("v2")); // the source is unaffected
      assertEquals("v", s(db.get(b("k"))));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Test
  void checkpointAfterAFailedWalWriteThrowsAndCreatesNothing() {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Path copy = tmp.resolve("copy");
    try (Db db = Db.open(tmp.resolve("db"), options().toBuilder().fileSystem(fs).build())) {
      db.put(b("a"), b("1"));
      fs.failWrites(true);
      assertThrows(StrataIOException.class, () -> db.put(b("b"), b("2")));
      fs.failWrites(false);
      // The WAL may end mid-record now: copying it would give a checkpoint that fails to open.
      assertThrows(StrataIOException.class, () -> db.checkpoint(copy));
      assertFalse(Files.exists(copy), "no checkpoint directory");
      assertFalse(Files.exists(tmp.resolve("copy.tmp")), "no staging directory");
    }
  }
}
