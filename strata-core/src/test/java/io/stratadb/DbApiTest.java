package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbApiTest {
  @TempDir Path dir;

  private static List<String> keys(DbIterator it) {
    List<String> out = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      out.add(s(it.key()));
    }
    return out;
  }

  @Test
  void putGetDeleteAndOverwrite() {
    try (Db db = Db.open(dir, Options.defaults())) {
      assertNull(db.get(b("a")));
      db.put(b("a"), b("1"));
      db.put(b("a"), b("2"));
      assertEquals("2", s(db.get(b("a"))));
      db.delete(b("a"));
      assertNull(db.get(b("a")));
      db.delete(b("never-written"));
      assertNull(db.get(b("never-written")));
    }
  }

  @Test
  void emptyValueIsAValueNotADeletion() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      db.put(b("k"), new byte[0]);
      assertArrayEquals(new byte[0], db.get(b("k")));
      db.flush();
      assertArrayEquals(new byte[0], db.get(b("k")));
      try (DbIterator it = db.scan(Bound.unbounded(), Bound.unbounded())) {
        assertTrue(it.isValid());
        assertArrayEquals(new byte[0], it.value());
      }
    }
  }

  @Test
  void keysOrderAsUnsignedBytes() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(new byte[] {(byte) 0xff}, b("high"));
      db.put(new byte[] {0x01}, b("low"));
      db.put(new byte[] {}, b("empty key"));
      try (DbIterator it = db.newIterator()) {
        it.seekToFirst();
        assertArrayEquals(new byte[] {}, it.key());
        it.next();
        assertArrayEquals(new byte[] {0x01}, it.key());
        it.next();
        assertArrayEquals(new byte[] {(byte) 0xff}, it.key());
        it.next();
        assertFalse(it.isValid());
      }
    }
  }

  @Test
  void callerMayReuseArraysAfterPutAndGet() {
    try (Db db = Db.open(dir, Options.defaults())) {
      byte[] k = b("k");
      byte[] v = b("value");
      db.put(k, v);
      v[0] = 'X';
      k[0] = 'z';
      byte[] read = db.get(b("k"));
      assertEquals("value", s(read));
      read[0] = 'Y';
      assertEquals("value", s(db.get(b("k"))));
    }
  }

  @Test
  void badArgumentsAreRejectedAndNothingIsWritten() {
    Options options = Options.builder().maxKeySize(8).maxValueSize(16).build();
    try (Db db = Db.open(dir, options)) {
      assertThrows(IllegalArgumentException.class, () -> db.put(null, b("v")));
      assertThrows(IllegalArgumentException.class, () -> db.put(b("k"), null));
      assertThrows(IllegalArgumentException.class, () -> db.get(null));
      assertThrows(IllegalArgumentException.class, () -> db.delete(null));
      assertThrows(IllegalArgumentException.class, () -> db.write(null));
      assertThrows(IllegalArgumentException.class, () -> db.put(b("123456789"), b("v")));
      assertThrows(IllegalArgumentException.class, () -> db.put(b("k"), new byte[17]));
      assertThrows(IllegalArgumentException.class, () -> db.scan(null, Bound.unbounded()));
      WriteBatch batch = new WriteBatch().put(b("ok"), b("v")).put(b("toolongkey"), b("v"));
      assertThrows(IllegalArgumentException.class, () -> db.write(batch));
      assertNull(db.get(b("ok")), "a rejected batch applies nothing");
      assertEquals(0, db.stats().lastSequence());
    }
  }

  @Test
  void aPutThatFailsLeavesNothingInTheThreadsReusedBatch() {
    try (Db db = Db.open(dir, Options.defaults())) {
      assertThrows(IllegalArgumentException.class, () -> db.put(b("a"), b("1"), null));
      assertThrows(IllegalArgumentException.class, () -> db.delete(b("c"), null));
      db.put(b("b"), b("2"));
      assertNull(db.get(b("a")));
      assertEquals("2", s(db.get(b("b"))));
      assertEquals(1, db.stats().lastSequence(), "only the second put was written");
    }
  }

  @Test
  void largeAndSmallPutsAlternateOnOneThread() {
    try (Db db = Db.open(dir, Options.defaults())) {
      byte[] large = new byte[200_000];
      large[199_999] = 7;
      for (int i = 0; i < 3; i++) {
        db.put(b("large" + i), large);
        db.put(b("small" + i), b("v" + i));
        db.delete(b("large" + (i - 1)));
      }
      assertArrayEquals(large, db.get(b("large2")));
      assertNull(db.get(b("large1")));
      assertEquals("v1", s(db.get(b("small1"))));
      assertEquals(9, db.stats().lastSequence());
    }
  }

  @Test
  void eitherMemtableRepServesReadsAcrossFlushesAndReopen() {
    assertEquals(MemtableRep.BPLUS_TREE, Options.defaults().memtableRep());
    for (MemtableRep rep : MemtableRep.values()) {
      Path at = dir.resolve(rep.name());
      // A 64 KiB write buffer: 3,000 entries of ~60 bytes fill several memtables.
      Options options = Options.builder().writeBufferSize(64 << 10).memtableRep(rep).build();
      assertEquals(rep, options.toBuilder().build().memtableRep());
      try (Db db = Db.open(at, options)) {
        for (int i = 0; i < 3000; i++) {
          db.put(key(i * 7919 % 3000), b("value-" + i + "-" + rep));
        }
        db.delete(key(5));
        assertNull(db.get(key(5)));
        assertTrue(db.stats().flushCount() > 0, rep + ": some memtables were flushed");
        try (DbIterator it = db.newIterator()) {
          it.seekToLast();
          assertEquals(s(key(2999)), s(it.key()), rep.name());
          it.prev();
          assertEquals(s(key(2998)), s(it.key()), rep.name());
        }
      }
      try (Db db = Db.open(at, options)) {
        assertNull(db.get(key(5)));
        try (DbIterator it = db.newIterator()) {
          it.seekToFirst();
          assertEquals(2999, keys(it).size(), rep.name());
        }
      }
    }
  }

  @Test
  void invalidOptionsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> Options.builder().writeBufferSize(10));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().blockRestartInterval(0));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().bloomBitsPerKey(-1));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().memtableBloomSizeRatio(-0.01));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().memtableBloomSizeRatio(0.3));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().memtableBloomSizeRatio(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Options.builder().memtableRep(null));
    assertThrows(IllegalArgumentException.class,
        () -> Options.builder().l0SlowdownWritesTrigger(8).l0StopWritesTrigger(4).build());
  }

  @Test
  void everyCallOnAClosedDbThrows() {
    Db db = Db.open(dir, Options.defaults());
    db.put(b("k"), b("v"));
    DbIterator open = db.newIterator();
    db.close();
    db.close(); // idempotent
    assertThrows(DbClosedException.class, () -> db.put(b("k"), b("v")));
    assertThrows(DbClosedException.class, () -> db.get(b("k")));
    assertThrows(DbClosedException.class, () -> db.delete(b("k")));
    assertThrows(DbClosedException.class, () -> db.write(new WriteBatch().put(b("a"), b("b"))));
    assertThrows(DbClosedException.class, db::flush);
    assertThrows(DbClosedException.class, db::newIterator);
    assertThrows(DbClosedException.class, () -> db.scan(Bound.unbounded(), Bound.unbounded()));
    assertThrows(DbClosedException.class, db::stats);
    assertThrows(DbClosedException.class, db::getSnapshot);
    assertThrows(DbClosedException.class, db::beginTransaction);
    assertThrows(DbClosedException.class, () -> db.compactRange());
    assertThrows(DbClosedException.class, () -> db.get(b("k"), ReadOptions.defaults()));
    assertThrows(DbClosedException.class, open::seekToFirst);
    assertThrows(DbClosedException.class, open::seekToLast);
    assertThrows(DbClosedException.class, () -> open.seekForPrev(b("k")));
    open.close();
  }

  @Test
  void aTransactionOutlivingItsDbFailsClearly() {
    Db db = Db.open(dir, Options.defaults());
    Transaction txn = db.beginTransaction();
    txn.put(b("k"), b("v"));
    db.close();
    assertThrows(DbClosedException.class, () -> txn.get(b("other")));
    assertThrows(DbClosedException.class, txn::commit);
    assertThrows(IllegalStateException.class, txn::commit, "the failed commit ended it");
    txn.close();
    try (Db reopened = Db.open(dir, Options.defaults())) {
      assertNull(reopened.get(b("k")), "nothing of it was written");
    }
  }

  @Test
  void badArgumentsToIteratorsTransactionsAndSnapshotsAreRejected() {
    try (Db db = Db.open(dir, Options.builder().maxKeySize(8).build())) {
      try (DbIterator it = db.newIterator()) {
        assertThrows(IllegalArgumentException.class, () -> it.seek(null));
        assertThrows(IllegalArgumentException.class, () -> it.seekForPrev(null));
      }
      assertThrows(IllegalArgumentException.class, () -> db.newIterator(null));
      assertThrows(IllegalArgumentException.class, () -> db.get(b("k"), null));
      assertThrows(IllegalArgumentException.class, () -> ReadOptions.snapshot(null));
      try (Transaction txn = db.beginTransaction()) {
        assertThrows(IllegalArgumentException.class, () -> txn.put(b("123456789"), b("v")));
        assertThrows(IllegalArgumentException.class, () -> txn.put(b("k"), null));
        assertThrows(IllegalArgumentException.class, () -> txn.delete(null));
        assertThrows(IllegalArgumentException.class, () -> txn.get(null));
        assertThrows(IllegalArgumentException.class, () -> txn.scan(null, Bound.unbounded()));
        txn.put(b("empty"), new byte[0]);
        txn.commit();
      }
      assertEquals(0, db.get(b("empty")).length, "an empty value committed as a value");
      assertThrows(IllegalArgumentException.class, () -> TransactionOptions.of(null));
    }
  }

  @Test
  void secondOpenOfTheSameDirectoryIsRefused() {
    try (Db db = Db.open(dir, Options.defaults())) {
      assertThrows(StrataIOException.class, () -> Db.open(dir, Options.defaults()));
    }
    try (Db again = Db.open(dir, Options.defaults())) {
      assertNull(again.get(b("x")));
    }
  }

  @Test
  void createIfMissingAndErrorIfExistsAreHonoured() {
    Path missing = dir.resolve("missing");
    assertThrows(IllegalArgumentException.class,
        () -> Db.open(missing, Options.builder().createIfMissing(false).build()));
    Db.open(dir, Options.defaults()).close();
    assertThrows(IllegalArgumentException.class,
        () -> Db.open(dir, Options.builder().errorIfExists(true).build()));
  }

  @Test
  void iteratorMisuseThrowsIllegalState() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("a"), b("1"));
      DbIterator it = db.newIterator();
      assertFalse(it.isValid(), "a new iterator is unpositioned");
      assertThrows(IllegalStateException.class, it::key);
      assertThrows(IllegalStateException.class, it::value);
      assertThrows(IllegalStateException.class, it::next);
      it.seek(b("b"));
      assertFalse(it.isValid(), "seek past the end");
      assertThrows(IllegalStateException.class, it::key);
      it.close();
      it.close();
      assertThrows(IllegalStateException.class, it::isValid);
      assertThrows(IllegalStateException.class, it::seekToFirst);
      assertThrows(IllegalStateException.class, () -> it.seek(b("a")));
    }
  }

  @Test
  void iteratorSeesOnePointInTime() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      for (int i = 0; i < 100; i++) {
        db.put(key(i), b("old"));
      }
      try (DbIterator it = db.newIterator()) {
        for (int i = 0; i < 100; i++) {
          db.put(key(i), b("new"));
        }
        db.delete(key(0));
        db.put(key(1000), b("added later"));
        db.flush();
        int count = 0;
        for (it.seekToFirst(); it.isValid(); it.next()) {
          assertEquals("old", s(it.value()));
          count++;
        }
        assertEquals(100, count);
      }
      try (DbIterator it = db.newIterator()) {
        it.seekToFirst();
        assertArrayEquals(key(1), it.key());
        assertEquals("new", s(it.value()));
      }
    }
  }

  @Test
  void scanBoundsInclusiveExclusiveAndUnbounded() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      for (String k : new String[] {"a", "b", "c", "d", "e"}) {
        db.put(b(k), b(k));
      }
      db.flush();
      db.put(b("c"), b("c2"));
      try (DbIterator it = db.scan(Bound.inclusive(b("b")), Bound.inclusive(b("d")))) {
        assertEquals(List.of("b", "c", "d"), keys(it));
      }
      try (DbIterator it = db.scan(Bound.exclusive(b("b")), Bound.exclusive(b("d")))) {
        assertEquals(List.of("c"), keys(it));
      }
      try (DbIterator it = db.scan(Bound.unbounded(), Bound.exclusive(b("c")))) {
        assertEquals(List.of("a", "b"), keys(it));
      }
      try (DbIterator it = db.scan(Bound.exclusive(b("c")), Bound.unbounded())) {
        assertEquals(List.of("d", "e"), keys(it));
      }
      try (DbIterator it = db.scan(Bound.inclusive(b("d")), Bound.exclusive(b("b")))) {
        assertEquals(List.of(), keys(it), "an empty range");
      }
      try (DbIterator it = db.scan(Bound.exclusive(b("b")), Bound.unbounded())) {
        it.seek(b("a"));
        assertEquals("c", s(it.key()), "seek below the lower bound is clamped to it");
        it.seek(b("d"));
        assertEquals("d", s(it.key()));
        it.seek(b("zzz"));
        assertFalse(it.isValid());
      }
    }
  }

  @Test
  void writeBatchIsAppliedInOrderAndAtomically() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("gone"), b("x"));
      WriteBatch batch = new WriteBatch()
          .put(b("a"), b("1"))
          .put(b("a"), b("2"))
          .delete(b("gone"))
          .put(b("b"), b("3"))
          .delete(b("b"));
      assertEquals(5, batch.count());
      db.write(batch, WriteOptions.syncWrites());
      assertEquals("2", s(db.get(b("a"))));
      assertNull(db.get(b("gone")));
      assertNull(db.get(b("b")));
      assertEquals(6, db.stats().lastSequence());
    }
  }

  @Test
  void flushMovesTheMemtableToL0AndStatsShowIt() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.flush(); // empty memtable: nothing to do
      assertEquals(0, db.stats().flushCount());
      db.put(b("k"), b("v"));
      assertTrue(db.stats().memtableBytes() > 0);
      db.flush();
      DbStats stats = db.stats();
      assertEquals(1, stats.flushCount());
      assertEquals(1, stats.levels().get(0).files());
      assertTrue(stats.levels().get(0).bytes() > 0);
      assertEquals(0, stats.memtableBytes());
      assertEquals("v", s(db.get(b("k"))));
    }
  }

  @Test
  void l0IsCompactedIntoOneSortedRunWithTombstonesDropped() {
    Options options = TestKeys.smallOptions().toBuilder().compactionStrategy(TestKeys.leveled(3)).build();
    try (Db db = Db.open(dir, options)) {
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 200; i++) {
          db.put(key(i), b("r" + round));
        }
        db.delete(key(round));
        db.flush();
      }
      waitFor(() -> db.stats().levels().get(0).files() < 3);
      assertTrue(db.stats().compactionCount() > 0);
      assertTrue(db.stats().levels().stream().skip(1).anyMatch(l -> l.files() > 0));
      for (int i = 0; i < 200; i++) {
        if (i == 5) {
          assertNull(db.get(key(i)));
        } else {
          assertEquals("r5", s(db.get(key(i))), "key " + i);
        }
      }
    }
  }

  @Test
  void anInterruptedCallerDoesNotBreakTheDatabase() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      for (int i = 0; i < 2000; i++) {
        db.put(key(i), b("v" + i));
      }
      db.flush();
      Thread.currentThread().interrupt();
      try {
        db.put(b("while interrupted"), b("1"), WriteOptions.syncWrites());
        assertEquals("v5", s(db.get(key(5))), "a read from an SSTable while interrupted");
        db.flush();
      } finally {
        assertTrue(Thread.interrupted(), "the interrupt status is preserved");
      }
      db.put(b("after"), b("2"), WriteOptions.syncWrites());
      assertEquals("1", s(db.get(b("while interrupted"))));
      assertEquals("v1999", s(db.get(key(1999))));
    }
  }

  @Test
  void blockCacheServesRepeatedReadsAndCanBeDisabled() {
    for (long cacheSize : new long[] {8 << 20, 0}) {
      Path db0 = dir.resolve("cache" + cacheSize);
      try (Db db = Db.open(db0, TestKeys.smallOptions().toBuilder().blockCacheSize(cacheSize).build())) {
        for (int i = 0; i < 500; i++) {
          db.put(key(i), b("v" + i));
        }
        db.flush();
        for (int round = 0; round < 3; round++) {
          assertEquals("v42", s(db.get(key(42))));
        }
        DbStats stats = db.stats();
        if (cacheSize > 0) {
          assertTrue(stats.blockCacheHits() >= 2, stats.report());
          assertTrue(stats.blockCacheMisses() >= 1, stats.report());
        } else {
          assertEquals(0, stats.blockCacheHits() + stats.blockCacheMisses());
        }
      }
    }
  }

  static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached in 30 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
