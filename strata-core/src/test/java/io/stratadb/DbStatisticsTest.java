package io.stratadb;

import static io.stratadb.TestKeys.b;
import static io.stratadb.TestKeys.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operation counters and latency histograms of {@link Db#stats()} move by exact amounts. */
class DbStatisticsTest {
  @TempDir Path dir;

  private static Options options(boolean statistics) {
    return Options.builder().statistics(statistics).jmx(false).build();
  }

  private static OperationStats ops(Db db) {
    return db.stats().operations();
  }

  @Test
  void putsGetsAndDeletesAreCountedExactly() {
    try (Db db = Db.open(dir, options(false))) {
      for (int i = 0; i < 10; i++) {
        db.put(key(i), b("value" + i));
      }
      for (int i = 0; i < 3; i++) {
        assertNull(db.get(b("missing")));
      }
      db.get(key(1));
      db.get(key(2));
      db.delete(key(3));
      db.delete(key(4));
      OperationStats o = ops(db);
      assertEquals(10, o.puts());
      assertEquals(2, o.deletes());
      assertEquals(0, o.batchWrites());
      assertEquals(5, o.gets());
      assertEquals(3, o.getMisses());
      assertEquals(2, o.getHits());
      assertEquals(2, o.memtableHits());
      assertEquals(b("value1").length + b("value2").length, o.bytesRead());
      assertEquals(0, o.walSyncs());
      assertTrue(o.walBytes() > 10 * (key(0).length + 6), "WAL bytes " + o.walBytes());
      assertEquals(0, o.sstReads());
      assertEquals(0, o.bloomChecks());
    }
  }

  @Test
  void batchesAndTransactionsCountTheirEntries() {
    try (Db db = Db.open(dir, options(false))) {
      db.write(new WriteBatch().put(b("a"), b("1")).put(b("b"), b("2")).put(b("c"), b("3")).delete(b("d")));
      db.write(new WriteBatch());
      try (Transaction txn = db.beginTransaction()) {
        txn.put(b("t"), b("x"));
        txn.delete(b("a"));
        txn.commit();
      }
      db.put(b("s"), b("synced"), WriteOptions.syncWrites());
      OperationStats o = ops(db);
      assertEquals(3 + 1 + 1, o.puts());
      assertEquals(1 + 1, o.deletes());
      assertEquals(1, o.batchWrites(), "the empty batch is not counted");
      assertEquals(1, o.walSyncs());
    }
  }

  @Test
  void tableReadsAndBloomProbesAreCounted() {
    try (Db db = Db.open(dir, options(false))) {
      for (int i = 0; i < 100; i += 2) {
        db.put(key(i), b("v"));
      }
      db.flush();
      OperationStats before = ops(db);
      assertEquals(b("v").length, db.get(key(10)).length);
      assertNull(db.get(key(11)));       // inside the table's key range: the bloom filter decides
      assertNull(db.get(key(1000)));     // outside it: no probe at all
      OperationStats o = ops(db);
      assertEquals(3, o.gets() - before.gets());
      assertEquals(0, o.memtableHits() - before.memtableHits());
      assertEquals(2, o.bloomChecks() - before.bloomChecks());
      assertEquals(1, o.bloomUseful() - before.bloomUseful());
      assertEquals(1, o.sstReads() - before.sstReads());
    }
  }

  @Test
  void multiGetCountsEachKeyAsAGet() {
    try (Db db = Db.open(dir, options(true))) {
      for (int i = 0; i < 100; i += 2) {
        db.put(key(i), b("v"));
      }
      db.flush();
      db.put(key(200), b("memtable"));
      db.delete(key(20));
      OperationStats before = ops(db);
      List<byte[]> values = db.multiGet(List.of(key(10), key(11), key(1000), key(200), key(20)));
      assertEquals(b("v").length, values.get(0).length);
      assertNull(values.get(1));
      assertNull(values.get(2));
      OperationStats o = ops(db);
      assertEquals(5, o.gets() - before.gets());
      assertEquals(2, o.getHits() - before.getHits());
      assertEquals(3, o.getMisses() - before.getMisses());
      assertEquals(2, o.memtableHits() - before.memtableHits(), "a value and a tombstone decided there");
      assertEquals(b("v").length + b("memtable").length, o.bytesRead() - before.bytesRead());
      assertEquals(2, o.bloomChecks() - before.bloomChecks(), "key 1000 is past the table's range");
      assertEquals(1, o.bloomUseful() - before.bloomUseful());
      assertEquals(1, o.sstReads() - before.sstReads());
    }
  }

  @Test
  void tablesWithoutBloomFilterAreReadWithoutProbes() {
    try (Db db = Db.open(dir, Options.builder().bloomBitsPerKey(0).jmx(false).build())) {
      db.put(key(0), b("v"));
      db.put(key(2), b("v"));
      db.flush();
      assertNull(db.get(key(1)));
      OperationStats o = ops(db);
      assertEquals(0, o.bloomChecks());
      assertEquals(1, o.sstReads());
    }
  }

  @Test
  void iteratorsAndSnapshotsAreCounted() {
    try (Db db = Db.open(dir, options(false))) {
      db.put(b("a"), b("1"));
      try (DbIterator it = db.newIterator(); DbIterator scan = db.scan(Bound.unbounded(), Bound.unbounded());
          Snapshot snapshot = db.getSnapshot()) {
        assertTrue(scan.isValid());
        assertEquals(2, ops(db).iterators());
        assertEquals(1, db.stats().snapshotsOpen());
      }
      assertEquals(0, db.stats().snapshotsOpen());
    }
  }

  @Test
  void histogramsCountExactlyTheOperationsDoneWhenStatisticsAreOn() {
    try (Db db = Db.open(dir, options(true))) {
      for (int i = 0; i < 10; i++) {
        db.put(key(i), b("v"));
      }
      for (int i = 0; i < 3; i++) {
        db.get(b("missing"));
      }
      db.delete(key(0));
      db.delete(key(1));
      db.write(new WriteBatch().put(b("x"), b("y")));
      db.newIterator().close();
      db.flush();
      OperationStats o = ops(db);
      assertTrue(o.statisticsEnabled());
      assertEquals(3, o.getLatency().count());
      assertEquals(10, o.putLatency().count());
      assertEquals(2, o.deleteLatency().count());
      assertEquals(1, o.writeLatency().count());
      assertEquals(1, o.iteratorLatency().count());
      assertEquals(1, o.flushLatency().count());
      assertEquals(0, o.compactionLatency().count());
      LatencyStats get = o.getLatency();
      assertTrue(get.p50Micros() <= get.p99Micros() && get.p99Micros() <= get.maxMicros(), get.line());
      db.compactRange();
      DbStats stats = db.stats();
      assertEquals(stats.compactionCount(), stats.operations().compactionLatency().count());
      assertTrue(stats.compactionCount() > 0);
      assertTrue(stats.operationsReport().contains("get "), stats.operationsReport());
    }
  }

  @Test
  void histogramsStayEmptyWhenStatisticsAreOff() {
    try (Db db = Db.open(dir, options(false))) {
      db.put(b("a"), b("1"));
      db.get(b("a"));
      db.newIterator().close();
      db.flush();
      OperationStats o = ops(db);
      assertFalse(o.statisticsEnabled());
      for (LatencyStats l : List.of(o.getLatency(), o.putLatency(), o.deleteLatency(), o.writeLatency(),
          o.iteratorLatency(), o.flushLatency(), o.compactionLatency())) {
        assertEquals(LatencyStats.EMPTY, l);
      }
      assertEquals(1, o.gets());
      assertFalse(db.stats().operationsReport().contains("Latency"));
    }
  }

  @Test
  void failedOperationsAreNotCounted() {
    try (Db db = Db.open(dir, options(true))) {
      assertThrows(IllegalArgumentException.class, () -> db.get(null));
      assertThrows(IllegalArgumentException.class, () -> db.put(b("k"), null));
      OperationStats o = ops(db);
      assertEquals(0, o.gets());
      assertEquals(0, o.puts());
      assertEquals(0, o.getLatency().count());
      assertEquals(0, o.putLatency().count());
    }
  }
}
