package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.env.FaultInjectionFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DbTransactionTest {
  @TempDir Path dir;

  private static List<String> scanAll(DbIterator it) {
    List<String> out = new ArrayList<>();
    try (it) {
      for (; it.isValid(); it.next()) {
        out.add(s(it.key()) + "=" + s(it.value()));
      }
    }
    return out;
  }

  @Test
  void readsItsOwnWritesOverItsSnapshotAndPublishesThemAtCommit() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("a"), b("1"));
      db.put(b("b"), b("1"));
      db.put(b("c"), b("1"));
      try (Transaction txn = db.beginTransaction()) {
        txn.put(b("b"), b("2"));
        txn.delete(b("c"));
        txn.put(b("d"), b(""));
        db.put(b("a"), b("later")); // after the snapshot: invisible to the transaction
        db.put(b("e"), b("later"));
        assertEquals("1", s(txn.get(b("a"))));
        assertEquals("2", s(txn.get(b("b"))));
        assertNull(txn.get(b("c")));
        assertEquals("", s(txn.get(b("d"))), "an empty value is a value");
        assertEquals(List.of("a=1", "b=2", "d="), scanAll(txn.scan(Bound.unbounded(), Bound.unbounded())));
        assertEquals(List.of("b=2", "d="), scanAll(txn.scan(Bound.exclusive(b("a")), Bound.inclusive(b("d")))));
        assertEquals("1", s(db.get(b("b"))), "nothing is visible before commit");
        txn.commit();
      }
      assertEquals("2", s(db.get(b("b"))));
      assertNull(db.get(b("c")));
      assertEquals("", s(db.get(b("d"))));
      assertEquals("later", s(db.get(b("a"))));
    }
  }

  @Test
  void transactionIteratorSeeksOverBothSourcesAndRejectsMisuse() {
    try (Db db = Db.open(dir, Options.defaults())) {
      for (String k : List.of("b", "d", "f", "h")) {
        db.put(b(k), b("db"));
      }
      try (Transaction txn = db.beginTransaction()) {
        txn.put(b("a"), b("txn"));
        txn.delete(b("d"));
        txn.put(b("e"), b("txn"));
        txn.put(b("f"), b("txn"));
        txn.delete(b("h"));
        txn.delete(b("z"));
        DbIterator it = txn.scan(Bound.unbounded(), Bound.unbounded());
        it.seek(b("c"));
        assertEquals("e", s(it.key()), "d is deleted by the transaction");
        it.next();
        assertEquals("f=txn", s(it.key()) + "=" + s(it.value()));
        it.next();
        assertTrue(!it.isValid(), "h and z are deleted");
        assertThrows(IllegalStateException.class, it::key);
        it.seekToFirst();
        assertEquals(List.of("a=txn", "b=db", "e=txn", "f=txn"), scanAll(it));
        assertThrows(IllegalStateException.class, it::isValid, "closed by scanAll");
        txn.put(b("c"), b("after the scan"));
        assertEquals(List.of("b=db", "c=after the scan"),
            scanAll(txn.scan(Bound.inclusive(b("b")), Bound.exclusive(b("d")))));
      }
    }
  }

  @Test
  void transactionIteratorWalksBothWaysLikeTheMergedModel() {
    for (int seed = 0; seed < 25; seed++) {
      Random random = new Random(seed);
      try (Db db = Db.open(dir.resolve("seed" + seed), TestKeys.smallOptions())) {
        TreeMap<String, String> model = new TreeMap<>();
        for (int i = 0; i < 60; i++) {
          String k = "k" + random.nextInt(40);
          if (random.nextInt(4) == 0) {
            db.delete(b(k));
            model.remove(k);
          } else {
            db.put(b(k), b("db" + i));
            model.put(k, "db" + i);
          }
          if (i == 30) {
            db.flush();
          }
        }
        try (Transaction txn = db.beginTransaction()) {
          for (int i = 0; i < 20; i++) {
            String k = "k" + random.nextInt(40);
            if (random.nextBoolean()) {
              txn.delete(b(k));
              model.remove(k);
            } else {
              txn.put(b(k), b("txn" + i));
              model.put(k, "txn" + i);
            }
          }
          db.put(b("k1"), b("invisible")); // after the snapshot
          String lo = "k" + random.nextInt(40);
          String hi = "k" + random.nextInt(40);
          if (lo.compareTo(hi) > 0) {
            String t = lo;
            lo = hi;
            hi = t;
          }
          NavigableMap<String, String> range = model.subMap(lo, true, hi, false);
          try (DbIterator it = txn.scan(Bound.inclusive(b(lo)), Bound.exclusive(b(hi)))) {
            List<String> backward = new ArrayList<>();
            for (it.seekToLast(); it.isValid(); it.prev()) {
              backward.add(s(it.key()) + "=" + s(it.value()));
            }
            List<String> expected = new ArrayList<>();
            range.descendingMap().forEach((k, v) -> expected.add(k + "=" + v));
            assertEquals(expected, backward, "seed " + seed);
            // A random walk of next/prev/seek/seekForPrev against the model.
            String at = null;
            for (int step = 0; step < 40; step++) {
              int move = random.nextInt(4);
              String target = "k" + random.nextInt(40);
              if (at == null || move == 2) {
                it.seek(b(target));
                at = range.ceilingKey(target);
              } else if (move == 3) {
                it.seekForPrev(b(target));
                at = range.floorKey(target);
              } else if (move == 0) {
                it.next();
                at = range.higherKey(at);
              } else {
                it.prev();
                at = range.lowerKey(at);
              }
              assertEquals(at != null, it.isValid(), "seed " + seed + " step " + step);
              if (at != null) {
                assertEquals(at + "=" + range.get(at), s(it.key()) + "=" + s(it.value()), "seed " + seed);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void rollbackAndCloseDiscardEverythingAndEndedTransactionsRefuseUse() {
    try (Db db = Db.open(dir, Options.defaults())) {
      Transaction rolledBack = db.beginTransaction();
      rolledBack.put(b("k"), b("v"));
      rolledBack.rollback();
      try (Transaction abandoned = db.beginTransaction()) {
        abandoned.put(b("k"), b("v"));
      }
      assertNull(db.get(b("k")));
      assertThrows(IllegalStateException.class, () -> rolledBack.put(b("k"), b("v")));
      assertThrows(IllegalStateException.class, rolledBack::commit);
      assertThrows(IllegalArgumentException.class, () -> db.beginTransaction().put(null, b("v")));
      assertThrows(IllegalArgumentException.class, () -> db.beginTransaction(null));
      assertEquals(0, db.stats().lastSequence());
    }
  }

  @ParameterizedTest
  @EnumSource(IsolationLevel.class)
  void lostUpdateIsPreventedAtBothLevels(IsolationLevel isolation) {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("counter"), b("0"));
      Transaction t1 = db.beginTransaction(TransactionOptions.of(isolation));
      Transaction t2 = db.beginTransaction(TransactionOptions.of(isolation));
      t1.put(b("counter"), b(String.valueOf(Integer.parseInt(s(t1.get(b("counter")))) + 1)));
      t2.put(b("counter"), b(String.valueOf(Integer.parseInt(s(t2.get(b("counter")))) + 1)));
      t1.commit();
      TransactionConflictException e = assertThrows(TransactionConflictException.class, t2::commit);
      assertTrue(e.getMessage().contains("write-write"), e.getMessage());
      assertEquals("1", s(db.get(b("counter"))));
      assertThrows(IllegalStateException.class, t2::commit, "a failed commit ends the transaction");
    }
  }

  /** Two doctors on call: each checks the other is on call, then goes off call. */
  private static boolean writeSkewCommitsBoth(Db db, IsolationLevel isolation) {
    db.put(b("alice"), b("on"));
    db.put(b("bob"), b("on"));
    Transaction t1 = db.beginTransaction(TransactionOptions.of(isolation));
    Transaction t2 = db.beginTransaction(TransactionOptions.of(isolation));
    if ("on".equals(s(t1.get(b("bob"))))) {
      t1.put(b("alice"), b("off"));
    }
    if ("on".equals(s(t2.get(b("alice"))))) {
      t2.put(b("bob"), b("off"));
    }
    t1.commit();
    try {
      t2.commit();
      return true;
    } catch (TransactionConflictException e) {
      return false;
    }
  }

  @Test
  void writeSkewIsAllowedAtSnapshotIsolationAndPreventedAtSerializable() {
    try (Db db = Db.open(dir.resolve("si"), Options.defaults())) {
      assertTrue(writeSkewCommitsBoth(db, IsolationLevel.SNAPSHOT));
      assertEquals("off", s(db.get(b("alice"))));
      assertEquals("off", s(db.get(b("bob"))), "both went off call: the documented SI anomaly");
    }
    try (Db db = Db.open(dir.resolve("ssi"), Options.defaults())) {
      assertTrue(!writeSkewCommitsBoth(db, IsolationLevel.SERIALIZABLE));
      assertEquals("on", s(db.get(b("bob"))));
    }
  }

  @Test
  void serializableScansDetectPhantoms() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("order/1"), b("10"));
      Transaction summer = db.beginTransaction(TransactionOptions.of(IsolationLevel.SERIALIZABLE));
      int total = 0;
      try (DbIterator it = summer.scan(Bound.inclusive(b("order/")), Bound.exclusive(b("order0")))) {
        for (; it.isValid(); it.next()) {
          total += Integer.parseInt(s(it.value()));
        }
      }
      summer.put(b("total"), b(String.valueOf(total)));
      db.put(b("other/1"), b("x")); // outside the scanned range: no conflict by itself
      try (Transaction inserter = db.beginTransaction()) {
        inserter.put(b("order/2"), b("5"));
        inserter.commit();
      }
      assertThrows(TransactionConflictException.class, summer::commit);
      assertNull(db.get(b("total")));
    }
  }

  @Test
  void serializableScanOfAnUnchangedRangeCommits() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("order/1"), b("10"));
      Transaction summer = db.beginTransaction(TransactionOptions.of(IsolationLevel.SERIALIZABLE));
      scanAll(summer.scan(Bound.inclusive(b("order/")), Bound.exclusive(b("order0"))));
      summer.put(b("total"), b("10"));
      db.put(b("other/1"), b("x"));
      db.put(b("order0"), b("x")); // just past the exclusive upper bound
      summer.commit();
      assertEquals("10", s(db.get(b("total"))));
    }
  }

  @Test
  void readOnlyTransactionsNeverAbort() {
    try (Db db = Db.open(dir, Options.defaults())) {
      db.put(b("k"), b("1"));
      Transaction reader = db.beginTransaction(TransactionOptions.of(IsolationLevel.SERIALIZABLE));
      assertEquals("1", s(reader.get(b("k"))));
      scanAll(reader.scan(Bound.unbounded(), Bound.unbounded()));
      db.put(b("k"), b("2"));
      db.put(b("j"), b("2"));
      assertEquals("1", s(reader.get(b("k"))), "still its snapshot");
      reader.commit();
    }
  }

  @Test
  void plainWritesAfterTheSnapshotConflictToo() {
    try (Db db = Db.open(dir, Options.defaults())) {
      Transaction txn = db.beginTransaction();
      txn.put(b("k"), b("txn"));
      db.delete(b("k")); // even a tombstone of a key that never existed is a newer write
      assertThrows(TransactionConflictException.class, txn::commit);
      assertNull(db.get(b("k")));
    }
  }

  @Test
  void conflictsAreFoundInSsTablesAfterFlushAndCompaction() {
    try (Db db = Db.open(dir, TestKeys.smallOptions())) {
      Transaction txn = db.beginTransaction();
      txn.put(b("k"), b("txn"));
      db.put(b("k"), b("plain"));
      db.flush();
      db.compactRange();
      assertThrows(TransactionConflictException.class, txn::commit);
      assertEquals("plain", s(db.get(b("k"))));
    }
  }

  @Test
  void committedTransactionsSurvivePowerLossAndAbortedOnesNeverAppear() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Options options = Options.defaults().toBuilder().fileSystem(fs).build();
    Path copy = dir.resolve("after-power-loss");
    try (Db db = Db.open(dir.resolve("db"), options)) {
      try (Transaction txn = db.beginTransaction(TransactionOptions.of(IsolationLevel.SNAPSHOT, true))) {
        for (int i = 0; i < 100; i++) {
          txn.put(b("committed" + i), b("v"));
        }
        txn.commit();
      }
      Transaction loser = db.beginTransaction(TransactionOptions.of(IsolationLevel.SNAPSHOT, true));
      loser.put(b("committed0"), b("overwritten"));
      loser.put(b("aborted"), b("v"));
      db.put(b("committed0"), b("v"), WriteOptions.syncWrites());
      assertThrows(TransactionConflictException.class, loser::commit);
      fs.copyAsAfterPowerLoss(dir.resolve("db"), copy);
    }
    try (Db db = Db.open(copy, Options.defaults())) {
      for (int i = 0; i < 100; i++) {
        assertEquals("v", s(db.get(b("committed" + i))));
      }
      assertNull(db.get(b("aborted")));
    }
  }
}
