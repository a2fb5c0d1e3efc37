package io.stratadb.statistics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.LatencyStats;
import io.stratadb.OperationStats;
import org.junit.jupiter.api.Test;

class StatisticsTest {

  @Test
  void tableLookupsSplitIntoBloomChecksUsefulProbesAndReads() {
    Statistics s = new Statistics(false);
    s.recordTableLookup(true, false);   // filter ruled the table out
    s.recordTableLookup(true, true);    // filter admitted: table read
    s.recordTableLookup(false, true);   // no filter: table read
    OperationStats o = s.snapshot();
    assertEquals(2, o.bloomChecks());
    assertEquals(1, o.bloomUseful());
    assertEquals(2, o.sstReads());
  }

  @Test
  void commitsCountPutsDeletesWalBytesAndSyncs() {
    Statistics s = new Statistics(false);
    s.recordCommit(2, 1, 100, true);
    s.recordCommit(1, 0, 30, false);
    s.recordWalSync();
    OperationStats o = s.snapshot();
    assertEquals(3, o.puts());
    assertEquals(1, o.deletes());
    assertEquals(130, o.walBytes());
    assertEquals(2, o.walSyncs());
  }

  @Test
  void withoutLatenciesNoClockIsReadAndHistogramsAreEmpty() {
    Statistics s = new Statistics(false);
    assertFalse(s.latenciesEnabled());
    assertEquals(0, s.startTimer());
    s.recordGet(s.startTimer(), new byte[3]);
    s.recordFlush(1_000_000);
    OperationStats o = s.snapshot();
    assertEquals(1, o.getHits());
    assertEquals(3, o.bytesRead());
    for (TimedOperation op : TimedOperation.values()) {
      assertEquals(LatencyStats.EMPTY, s.latency(op));
    }
  }

  @Test
  void eachRecordCallFeedsItsOwnHistogram() {
    Statistics s = new Statistics(true);
    assertTrue(s.latenciesEnabled());
    s.recordGet(s.startTimer(), null);
    s.recordPut(s.startTimer());
    s.recordPut(s.startTimer());
    s.recordDelete(s.startTimer());
    s.recordWrite(s.startTimer());
    s.recordIterator(s.startTimer());
    s.recordFlush(2_000_000);
    s.recordCompaction(3_000_000);
    OperationStats o = s.snapshot();
    assertEquals(1, o.getLatency().count());
    assertEquals(2, o.putLatency().count());
    assertEquals(1, o.deleteLatency().count());
    assertEquals(1, o.writeLatency().count());
    assertEquals(1, o.iteratorLatency().count());
    assertEquals(2000.0, o.flushLatency().maxMicros(), 20);
    assertEquals(3000.0, o.compactionLatency().maxMicros(), 30);
    assertEquals(1, o.getMisses());
    assertEquals(1, o.batchWrites());
    assertEquals(1, o.iterators());
    assertEquals(LatencyStats.EMPTY, s.snapshot(false).getLatency(), "counters only");

    s.reset();
    OperationStats r = s.snapshot();
    assertEquals(0, r.gets());
    assertEquals(0, r.batchWrites());
    assertEquals(LatencyStats.EMPTY, r.putLatency());
  }
}
