package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.Db;
import io.stratadb.Options;
import io.stratadb.cli.CliRunner;
import io.stratadb.cli.StrataVersion;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

  private static final Pattern LINE = Pattern.compile(
      "^(\\w+) +: +([0-9.]+) micros/op; +(\\d+) ops/sec(; +[0-9.]+ MB/s)?( \\((\\d+) of (\\d+) found\\))?$");

  @TempDir Path tmp;

  @Test
  void everyWorkloadPrintsADbBenchLine() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "2000");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("StrataDB:   version " + StrataVersion.version()), r.out());
    assertTrue(r.out().contains("Keys:       16 bytes each"), r.out());
    assertTrue(r.out().contains("Values:     100 bytes each"), r.out());
    assertTrue(r.out().contains("Entries:    2000"), r.out());
    assertTrue(r.out().contains("RawSize:    0.2 MB (estimated)"), r.out());

    List<String> names = new ArrayList<>();
    for (String line : r.outLines()) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      names.add(m.group(1));
      assertTrue(Double.parseDouble(m.group(2)) > 0, line);
      switch (m.group(1)) {
        case "readrandom", "seekrandom" -> {
          long found = Long.parseLong(m.group(6));
          assertEquals(2000, Long.parseLong(m.group(7)), line);
          // fillrandom then overwrite draw 2 x 2000 random keys of 2000: about 86% exist.
          assertTrue(found > 1000 && found < 2000, line);
        }
        case "readseq" -> assertTrue(m.group(4) != null, "readseq reads bytes: " + line);
        default -> { }
      }
    }
    assertEquals(List.of(BenchCommand.DEFAULT_BENCHMARKS.split(",")), names, r.out());
    assertTrue(r.out().contains("memtable"), "level shape after the fills: " + r.out());
  }

  @Test
  void statisticsFlagPrintsLatencies() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--benchmarks", "fillrandom,readrandom",
        "--num", "1000", "--statistics");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("statistics=true"), r.out());
    assertTrue(r.out().contains("Writes: 1000 puts"), r.out());
    assertTrue(r.out().contains("Latency (us):"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  get +count=1000 .*"), r.out());
    assertTrue(r.out().matches("(?s).*\\n  put +count=1000 .*"), r.out());
  }

  /** The seekrandom line of a run: "seekrandom : ... (found of num found)". */
  private static String seekRandomFound(CliRunner.Result r) {
    for (String line : r.outLines()) {
      Matcher m = LINE.matcher(line);
      if (m.matches() && m.group(1).equals("seekrandom")) {
        return m.group(6) + " of " + m.group(7);
      }
    }
    throw new AssertionError("no seekrandom line: " + r.out());
  }

  @Test
  void parallelSeekFlagSeeksAlikeAndSaysSo() {
    CliRunner.Result sequential = CliRunner.runOn(tmp.resolve("a"), "bench", "--benchmarks", "fillrandom,seekrandom",
        "--num", "2000", "--write-buffer-size", "65536");
    CliRunner.Result parallel = CliRunner.runOn(tmp.resolve("b"), "bench", "--benchmarks", "fillrandom,seekrandom",
        "--num", "2000", "--write-buffer-size", "65536", "--parallel-seek");
    assertEquals(0, sequential.exitCode(), sequential.err());
    assertEquals(0, parallel.exitCode(), parallel.err());
    assertTrue(sequential.out().contains("parallel_seek=false"), sequential.out());
    assertTrue(parallel.out().contains("parallel_seek=true"), parallel.out());
    assertEquals(seekRandomFound(sequential), seekRandomFound(parallel));
  }

  @Test
  void anUnknownMemtableRepIsAUsageError() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--memtable-rep", "hash", "--num", "10");
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(r.err().contains("expected bplus-tree or skiplist but was 'hash'"), r.err());
  }

  @Test
  void selectedBenchmarksWithThreadsAndOptions() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--benchmarks", "fillseq,readseq",
        "--num", "1000", "--threads", "2", "--value-size", "10", "--key-size", "8", "--bloom-bits", "0",
        "--block-size", "1024", "--write-buffer-size", "65536", "--compression", "ZSTD", "--sync",
        "--memtable-rep", "SkipList");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("\nfillseq      : "), r.out());
    assertTrue(r.out().contains("\nreadseq      : "), r.out());
    assertTrue(r.out().contains("block_size=1024 bloom_bits=0 cache_size=8388608 compression=zstd compaction=leveled memtable=skiplist sync=true"),
        r.out());
    // Two threads each write their own 500 keys of fillseq; readseq has 1000 entries to read.
    assertEquals("1000\n", CliRunner.runOn(tmp.resolve("db"), "stats").out().lines()
        .filter(l -> l.startsWith("Last sequence:")).map(l -> l.replaceAll("\\D", "") + "\n").findFirst()
        .orElse(""));
    CliRunner.Result scan = CliRunner.runOn(tmp.resolve("db"), "scan");
    assertEquals(1000, scan.outLines().length);
    assertTrue(scan.out().startsWith("00000000\t"), scan.out().substring(0, 20));
  }

  @Test
  void txnWorkloadCommitsEveryIncrementExactlyOnceDespiteAborts() {
    Path db = tmp.resolve("db");
    CliRunner.Result r = CliRunner.runOn(db, "bench", "--benchmarks", "txn", "--num", "2000",
        "--threads", "4", "--txn-keys", "5", "--isolation", "serializable", "--no-report");
    assertEquals(0, r.exitCode(), r.err());
    Matcher m = Pattern.compile("\ntxn +: +[0-9.]+ micros/op; +\\d+ ops/sec; +[0-9.]+ MB/s "
        + "\\((\\d+) aborts, [0-9.]+% of (\\d+) attempts\\)\n").matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals(2000 + Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    // Each committed transaction added one to the counter in its key's first 8 bytes.
    long increments = 0;
    try (Db opened = Db.open(db, Options.defaults())) {
      for (int k = 0; k < 5; k++) {
        byte[] value = opened.get(BenchKeys.key(k, 16));
        increments += ByteBuffer.wrap(value).getLong();
      }
    }
    assertEquals(2000, increments, "no lost update among 2000 commits on 5 keys");
  }

  @Test
  void readWhileWritingMeasuresOnlyTheReaders() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--benchmarks", "fillrandom,readwhilewriting",
        "--num", "3000", "--threads", "3", "--no-report");
    assertEquals(0, r.exitCode(), r.err());
    Matcher m = Pattern.compile("\nreadwhilewriting : +[0-9.]+ micros/op; +\\d+ ops/sec.* \\((\\d+) of (\\d+) found\\)\n")
        .matcher(r.out());
    assertTrue(m.find(), r.out());
    assertEquals("2000", m.group(2), "two readers of 1000 reads; the writer is not counted");
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "bench", "--benchmarks", "readwhilewriting").exitCode());
  }

  @Test
  void badIsolationIsAUsageError() {
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "bench", "--isolation", "chaos").exitCode());
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "10", "--txn-keys", "11").exitCode());
  }

  @Test
  void fillStartsFromAFreshDatabase() {
    Path db = tmp.resolve("db");
    CliRunner.runOn(db, "put", "zzz-not-a-bench-key", "x");
    CliRunner.Result r = CliRunner.runOn(db, "bench", "--benchmarks", "fillseq", "--num", "100");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(1, CliRunner.runOn(db, "get", "zzz-not-a-bench-key").exitCode());
  }

  @Test
  void refusesToEmptyADirectoryWithOtherFiles() throws Exception {
    Path db = Files.createDirectories(tmp.resolve("precious"));
    Files.writeString(db.resolve("notes.txt"), "keep me");
    CliRunner.Result r = CliRunner.runOn(db, "bench", "--benchmarks", "fillseq", "--num", "100");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("refusing"), r.err());
    assertTrue(Files.exists(db.resolve("notes.txt")));
  }

  @Test
  void badArgumentsAreUsageErrors() {
    Path db = tmp.resolve("db");
    assertEquals(2, CliRunner.runOn(db, "bench", "--benchmarks", "fillseq,nosuch").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "0").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100000", "--key-size", "4").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "10", "--threads", "0").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--compression", "gzip").exitCode());
  }

  @Test
  void threadCountsRunEachCountPerRoundAndPrintTheRatio() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "800", "--benchmarks",
        "fillrandom,readrandom", "--thread-counts", "1,4", "--rounds", "2", "--no-report");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Threads:    1,4, interleaved per round"), r.out());
    List<String> order = new ArrayList<>();
    for (String line : r.outLines()) {
      if (line.startsWith("Round ") || line.startsWith("Threads ")) {
        order.add(line);
      } else if (LINE.matcher(line).matches()) {
        order.add(line.substring(0, line.indexOf(' ')));
      }
    }
    List<String> oneRound = List.of("Threads 1", "fillrandom", "readrandom", "Threads 4", "fillrandom", "readrandom");
    List<String> expected = new ArrayList<>();
    expected.add("Round 1 of 2");
    expected.addAll(oneRound);
    expected.add("Round 2 of 2");
    expected.addAll(oneRound);
    assertEquals(expected, order, r.out());
    String table = r.out().substring(r.out().indexOf("Scaling: median ops/sec of 2 rounds"));
    assertTrue(table.contains("4 vs 1"), table);
    assertTrue(table.lines().anyMatch(l -> l.matches("fillrandom +\\d+ \\(.*\\) +\\d+ \\(.*\\) +[0-9.]+x \\(.*x\\)")),
        table);
    assertTrue(table.lines().anyMatch(l -> l.startsWith("readrandom")), table);
  }

  @Test
  void threadCountsAreCheckedAndExcludeCompareAndThreads() {
    Path db = tmp.resolve("db");
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100", "--thread-counts", "1").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100", "--thread-counts", "1,0").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100", "--thread-counts", "4,4").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100", "--thread-counts", "1,200").exitCode());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100", "--thread-counts", "1,2", "--threads", "2")
        .exitCode());
    CliRunner.Result r = CliRunner.runOn(db, "bench", "--num", "100", "--thread-counts", "1,2", "--compare", "leveldb");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--thread-counts runs StrataDB alone"), r.err());
    assertEquals(2, CliRunner.runOn(db, "bench", "--num", "100", "--benchmarks", "readwhilewriting",
        "--thread-counts", "1,4").exitCode());
  }

  /** A latency line, e.g. "             : latency us: p50 1.23, p99 4.56, p99.9 31.2, max 1,234; GC pauses: 0, 0 ms". */
  private static final Pattern LATENCY = Pattern.compile("^ +: latency us: p50 ([0-9.,]+), p99 ([0-9.,]+), "
      + "p99\\.9 ([0-9.,]+), max ([0-9.,]+); GC pauses: (\\d+), (\\d+) ms$");

  @Test
  void everyWorkloadIsFollowedByItsLatencyPercentilesAndGcPauses() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "2000", "--benchmarks",
        "fillrandom,readrandom,readseq,seekrandom,deleterandom");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("Mode:       each engine stays open from the fill to the reads"), r.out());
    String[] lines = r.outLines();
    int workloads = 0;
    for (int i = 0; i < lines.length; i++) {
      if (!LINE.matcher(lines[i]).matches()) {
        continue;
      }
      workloads++;
      Matcher m = LATENCY.matcher(lines[i + 1]);
      assertTrue(m.matches(), "latency under " + lines[i] + ": " + lines[i + 1]);
      double[] us = new double[4];
      for (int p = 0; p < 4; p++) {
        us[p] = Double.parseDouble(m.group(p + 1).replace(",", ""));
      }
      assertTrue(us[0] > 0 && us[0] <= us[1] && us[1] <= us[2] && us[2] <= us[3], lines[i + 1]);
    }
    assertEquals(5, workloads, r.out());
  }

  @Test
  void noLatencyLeavesThePercentilesOut() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "500", "--benchmarks",
        "fillrandom,readrandom", "--no-latency");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(2, r.out().lines().filter(l -> l.endsWith(": latency us: not recorded; GC pauses: "
        + l.replaceAll(".*GC pauses: ", ""))).count(), r.out());
    assertTrue(r.out().lines().noneMatch(l -> l.contains("latency us: p50")), r.out());
  }

  @Test
  void reopenReopensStrataDbBeforeEveryWorkloadAndReadsTheSameData() {
    CliRunner.Result open = CliRunner.runOn(tmp.resolve("a"), "bench", "--num", "2000", "--benchmarks",
        "fillrandom,readrandom,seekrandom");
    CliRunner.Result reopen = CliRunner.runOn(tmp.resolve("b"), "bench", "--num", "2000", "--reopen", "--benchmarks",
        "fillrandom,readrandom,seekrandom");
    assertEquals(0, reopen.exitCode(), reopen.err());
    assertTrue(reopen.out().contains("Mode:       --reopen"), reopen.out());
    assertEquals(seekRandomFound(open), seekRandomFound(reopen));
  }

  @Test
  void engineOptionOutOfRangeIsAnError() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--block-size", "1");
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("blockSize"), r.err());
  }
}
