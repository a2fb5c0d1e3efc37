package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchResultTest {

  @Test
  void writeLineInDbBenchFormat() {
    // 1,000,000 puts of 116 bytes in 2 s on one thread.
    BenchResult r = new BenchResult(BenchWorkload.FILLSEQ, 1_000_000, 0, 116_000_000L, 0, 2.0, 2.0);
    assertEquals("fillseq      :       2.000 micros/op;    500000 ops/sec;   55.3 MB/s", r.line());
  }

  @Test
  void readLineReportsFound() {
    BenchResult r = new BenchResult(BenchWorkload.READRANDOM, 1000, 863, 863 * 116L, 0, 0.004, 0.004);
    assertEquals("readrandom   :       4.000 micros/op;    250000 ops/sec;   23.9 MB/s (863 of 1000 found)", r.line());
  }

  @Test
  void threadTimeGivesMicrosPerOpAndWallTimeGivesThroughput() {
    // Two threads, 1 s each, overlapping fully: 2 s of thread time, 1 s of wall time.
    BenchResult r = new BenchResult(BenchWorkload.DELETERANDOM, 100_000, 0, 0, 0, 2.0, 1.0);
    assertEquals("deleterandom :      20.000 micros/op;    100000 ops/sec", r.line());
  }

  @Test
  void transactionLineReportsAbortsAndTheirShareOfAttempts() {
    BenchResult r = new BenchResult(BenchWorkload.TXN, 1000, 0, 116_000, 250, 0.01, 0.005);
    assertEquals("txn          :      10.000 micros/op;    200000 ops/sec;   22.1 MB/s"
        + " (250 aborts, 20.0% of 1250 attempts)", r.line());
  }
}
