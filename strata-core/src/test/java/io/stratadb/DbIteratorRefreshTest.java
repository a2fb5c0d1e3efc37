package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iterators with {@link ReadOptions#withAutoRefreshMillis(long)}: they let the tables they were
 * created on be deleted while they stay open, and still return exactly their point-in-time view.
 * A behavioural test, not a timing test: the interval is 1 ms and the test sleeps a few ms.
 */
class DbIteratorRefreshTest {
  private static final int KEYS = 400;

  @TempDir Path dir;

  private Set<String> tables() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst")).collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes "first" values, deleting every tenth key, and flushes them into tables. */
  private static List<String> writeFirstView(Db db) {
    List<String> view = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      db.put(key(i), b("first-" + i));
    }
    for (int i = 0; i < KEYS; i += 10) {
      db.delete(key(i));
    }
    for (int i = 0; i < KEYS; i++) {
      if (i % 10 != 0) {
        view.add(s(key(i)) + "=first-" + i);
      }
    }
    db.flush();
    return view;
  }

  /** Overwrites every key, brings the deleted ones back, adds new keys, then flushes and compacts all. */
  private static void overwriteFlushAndCompact(Db db) {
    for (int i = 0; i < KEYS; i++) {
      db.put(key(i), b("second-" + i));
      db.put(key(KEYS + i), b("new-" + i));
    }
    for (int i = 5; i < KEYS; i += 10) {
      db.delete(key(i));
    }
    db.flush();
    db.compactRange();
  }

  private static String entry(DbIterator it) {
    return s(it.key()) + "=" + s(it.value());
  }

  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static boolean disjoint(Set<String> a, Set<String> b) {
    return Collections.disjoint(a, b);
  }

  @Test
  void refreshingIteratorLetsItsOldTablesBeDeletedAndKeepsItsView() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      List<String> view = writeFirstView(db);
      Set<String> created = tables();
      assertFalse(created.isEmpty());
      try (DbIterator it = db.newIterator(ReadOptions.defaults().withAutoRefreshMillis(1))) {
        it.seekToFirst();
        List<String> seen = new ArrayList<>();
        seen.add(entry(it));
        overwriteFlushAndCompact(db);
        assertTrue(tables().containsAll(created), "until it refreshes, the iterator pins its tables");
        pause();
        it.next(); // the interval has passed: the iterator moves to the current tables
        DbApiTest.waitFor(() -> disjoint(tables(), created));
        // (b) the rest of the forward scan, refreshing on the way, is the old view
        for (; it.isValid(); it.next()) {
          seen.add(entry(it));
          if (seen.size() % 100 == 0) {
            pause();
          }
        }
        assertEquals(view, seen);
        // and so is a backward scan after more writes, flushes and compactions
        overwriteFlushAndCompact(db);
        pause();
        List<String> backward = new ArrayList<>();
        for (it.seekToLast(); it.isValid(); it.prev()) {
          backward.add(entry(it));
        }
        Collections.reverse(backward);
        assertEquals(view, backward);
        assertTrue(disjoint(tables(), created), "the iterator is still open, its first tables are gone");
      }
    }
  }

  @Test
  void withoutAutoRefreshTheOldTablesStayUntilClose() throws InterruptedException {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      List<String> view = writeFirstView(db);
      Set<String> created = tables();
      DbIterator it = db.newIterator();
      it.seekToFirst();
      List<String> seen = new ArrayList<>();
      seen.add(entry(it));
      overwriteFlushAndCompact(db);
      pause();
      it.next();
      Thread.sleep(50); // time for the background thread to delete anything it may delete
      assertTrue(tables().containsAll(created), "the iterator pins the tables it was created on");
      for (; it.isValid(); it.next()) {
        seen.add(entry(it));
      }
      assertEquals(view, seen);
      assertTrue(tables().containsAll(created));
      it.close();
      DbApiTest.waitFor(() -> disjoint(tables(), created));
    }
  }

  @Test
  void refreshingIteratorAtAClosedSnapshotKeepsTheVersionsItReads() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      List<String> view = writeFirstView(db);
      Snapshot snapshot = db.getSnapshot();
      db.put(key(1), b("after the snapshot"));
      try (DbIterator it = db.newIterator(ReadOptions.snapshot(snapshot).withAutoRefreshMillis(1))) {
        snapshot.close();
        // compaction could now drop every "first" version if nothing registered the iterator
        overwriteFlushAndCompact(db);
        pause();
        List<String> seen = new ArrayList<>();
        for (it.seekToFirst(); it.isValid(); it.next()) {
          seen.add(entry(it));
          pause();
          if (seen.size() == 50) {
            break;
          }
        }
        assertEquals(view.subList(0, 50), seen);
      }
    }
  }

  @Test
  void theRegistrationHoldsOldVersionsUntilTheIteratorCloses() {
    Options options = TestKeys.smallOptions().toBuilder().compression(Compression.NONE).build();
    try (Db db = Db.open(dir, options)) {
      byte[] value = new byte[200];
      for (int i = 0; i < 1000; i++) {
        db.put(key(i), value);
      }
      DbIterator it = db.newIterator(ReadOptions.defaults().withAutoRefreshMillis(1));
      for (int i = 0; i < 1000; i++) {
        db.put(key(i), value);
      }
      db.compactRange();
      long withIterator = db.stats().totalTableBytes();
      assertTrue(withIterator > 2 * 1000 * 200, "the iterator keeps a second version: " + withIterator);
      it.close();
      db.compactRange();
      long after = db.stats().totalTableBytes();
      assertTrue(after < 1.3 * 1000 * 220, "one version per key once it is closed: " + after);
    }
  }

  @Test
  void negativeIntervalIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ReadOptions.defaults().withAutoRefreshMillis(-1));
    assertEquals(0, ReadOptions.defaults().autoRefreshMillis());
    assertEquals(7, ReadOptions.defaults().withAutoRefreshMillis(7).autoRefreshMillis());
  }
}
