package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratadb.cli.bench.BenchEngine.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The comparison table and files of {@code bench --compare --rounds N}, on made-up measurements. */
class BenchComparisonTest {
  private static final long USER_BYTES = 116_000;

  @TempDir Path tmp;

  /**
   * A run of 1000 operations at {@code opsPerSec}, with {@code amplification} times its user bytes
   * written, latencies of p50 {@code round} us, p99 10x, p99.9 100x, max 1000x that, and {@code round}
   * GC pauses of 10 ms.
   */
  private static BenchComparison.Row row(int round, Kind engine, BenchWorkload w, double opsPerSec,
      double amplification) {
    double seconds = 1000 / opsPerSec;
    long bytes = w.writes() ? USER_BYTES : 0;
    long written = amplification < 0 ? -1 : Math.round(USER_BYTES * amplification);
    ProcessCosts costs = new ProcessCosts(1000L * round, round, 10L * round, round * 1_500_000_000L);
    OpLatency latency = new OpLatency(1000, 1000L * round, 10_000L * round, 100_000L * round, 1_000_000L * round);
    BenchResult result = new BenchResult(w, 1000, 0, bytes, 0, seconds, seconds, latency,
        new GcPauses(round, 10L * round));
    return new BenchComparison.Row(round, engine, result, written, costs);
  }

  /** Three rounds: StrataDB fillrandom 100k, 300k, 200k; RocksJava 100k, 100k, 50k; one readrandom each. */
  private static BenchComparison threeRounds() {
    BenchComparison c = new BenchComparison(List.of(Kind.STRATADB, Kind.ROCKSDB));
    double[] strata = {100_000, 300_000, 200_000};
    double[] rocks = {100_000, 100_000, 50_000};
    double[] strataAmp = {2.0, 3.0, 1.0};
    for (int round = 1; round <= 3; round++) {
      c.add(row(round, Kind.STRATADB, BenchWorkload.FILLRANDOM, strata[round - 1], strataAmp[round - 1]));
      c.add(row(round, Kind.ROCKSDB, BenchWorkload.FILLRANDOM, rocks[round - 1], round == 2 ? -1 : 1.5));
      c.add(row(round, Kind.STRATADB, BenchWorkload.READRANDOM, 40_000 * round, 0));
      c.add(row(round, Kind.ROCKSDB, BenchWorkload.READRANDOM, 80_000, 0));
    }
    c.diskBytes(Kind.STRATADB, 3 * 1048576L);
    c.diskBytes(Kind.ROCKSDB, 1048576L);
    return c;
  }

  private static String printed(BenchComparison c) {
    StringWriter s = new StringWriter();
    c.print(new PrintWriter(s));
    return s.toString();
  }

  private static String lineStarting(String text, String prefix) {
    return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(
        () -> new AssertionError("no line starting with '" + prefix + "' in\n" + text));
  }

  @Test
  void tableShowsTheMedianOfAnOddNumberOfRoundsWithItsRangeAndTheRatioOfMedians() {
    BenchComparison c = threeRounds();
    assertEquals(3, c.rounds());
    String out = printed(c);
    assertTrue(out.contains("median ops/sec of 3 rounds"), out);
    String fill = lineStarting(out, "fillrandom");
    assertTrue(fill.matches("fillrandom +200000 \\(100k-300k\\) +100000 \\(50.0k-100k\\) +2\\.00x"), fill);
    String read = lineStarting(out, "readrandom");
    assertTrue(read.matches("readrandom +80000 \\(40.0k-120k\\) +80000 \\(80.0k-80.0k\\) +1\\.00x"), read);
    assertTrue(lineStarting(out, "disk MB").matches("disk MB +3\\.0 +1\\.0 +\\(after the last round\\)"), out);
    // StrataDB's rounds wrote 2x, 3x, 1x its user bytes; a RocksJava round is unknown, so its figure is too.
    assertTrue(lineStarting(out, "write amp").matches("write amp +2\\.00 +n/a .*median of the rounds\\)"), out);
  }

  @Test
  void latencyTableGivesEachEnginesMedianPercentilesAndGcPauses() {
    String out = printed(threeRounds());
    assertTrue(out.contains("Latency per operation in us and GC pauses during the workload, each the median of 3 "
        + "rounds"), out);
    assertTrue(lineStarting(out, "workload      engine").matches(
        "workload +engine +p50 +p99 +p99\\.9 +max +gc pauses +gc ms"), out);
    // Rounds 1-3 have p50 1, 2, 3 us (p99 10x, p99.9 100x, max 1000x) and 1-3 pauses of 10 ms each.
    assertTrue(lineStarting(out, "fillrandom    rocksdb").matches(
        "fillrandom +rocksdb +2\\.00 +20\\.0 +200 +2,000 +2 +20"), out);
    assertTrue(lineStarting(out, "readrandom    stratadb").matches(
        "readrandom +stratadb +2\\.00 +20\\.0 +200 +2,000 +2 +20"), out);
  }

  @Test
  void writeAmplificationCountsWhatReadWorkloadsWroteOverTheWritesUserBytes() {
    BenchComparison c = new BenchComparison(List.of(Kind.STRATADB, Kind.ROCKSDB));
    c.add(row(1, Kind.STRATADB, BenchWorkload.FILLRANDOM, 100_000, 2));
    // The compactions the fill left (and seek compactions) ran while readrandom did: half the user bytes again.
    c.add(row(1, Kind.STRATADB, BenchWorkload.READRANDOM, 100_000, 0.5));
    c.add(row(1, Kind.ROCKSDB, BenchWorkload.FILLRANDOM, 100_000, 1));
    assertEquals(2.5, c.writeAmplification(Kind.STRATADB), 1e-9);
    assertEquals(1.0, c.writeAmplification(Kind.ROCKSDB), 1e-9);
  }

  @Test
  void medianOfAnEvenNumberOfRoundsIsTheMeanOfTheMiddleTwo() {
    BenchComparison c = new BenchComparison(List.of(Kind.STRATADB, Kind.LEVELDB));
    c.add(row(1, Kind.STRATADB, BenchWorkload.FILLSEQ, 100_000, 1));
    c.add(row(1, Kind.LEVELDB, BenchWorkload.FILLSEQ, 50_000, 1));
    c.add(row(2, Kind.STRATADB, BenchWorkload.FILLSEQ, 300_000, 3));
    c.add(row(2, Kind.LEVELDB, BenchWorkload.FILLSEQ, 150_000, 1));
    assertEquals(200_000, c.opsPerSec("fillseq", Kind.STRATADB).median(), 1e-6);
    assertEquals(100_000, c.opsPerSec("fillseq", Kind.LEVELDB).median(), 1e-6);
    assertEquals(2.0, c.ratio("fillseq", Kind.LEVELDB), 1e-9);
    assertEquals(2.0, c.writeAmplification(Kind.STRATADB), 1e-9);
    String fill = lineStarting(printed(c), "fillseq");
    assertTrue(fill.matches("fillseq +200000 \\(100k-300k\\) +100000 \\(50.0k-150k\\) +2\\.00x"), fill);
  }

  @Test
  void oneRoundPrintsThePlainTable() {
    BenchComparison c = new BenchComparison(List.of(Kind.STRATADB, Kind.ROCKSDB));
    c.add(row(1, Kind.STRATADB, BenchWorkload.FILLRANDOM, 150_000, 2));
    c.add(row(1, Kind.ROCKSDB, BenchWorkload.FILLRANDOM, 100_000, 1));
    String out = printed(c);
    assertTrue(out.contains("Comparison: ops/sec per engine"), out);
    assertTrue(lineStarting(out, "fillrandom").matches("fillrandom +150000 +100000 +1\\.50x"), out);
    assertFalse(out.contains("after the last round"), out);
  }

  @Test
  void filesCarryEveryRoundAndTheMedians() throws Exception {
    List<Path> written = threeRounds().write(tmp);
    assertEquals(List.of("results.csv", "summary.csv", "settings.csv", "results.json", "results.png"),
        written.stream().map(p -> p.getFileName().toString()).toList());

    List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
    assertEquals("workload,engine,ops_per_sec,mb_per_sec,micros_per_op,operations,found,written_bytes,round,"
        + "minor_faults,gc_count,gc_ms,cpu_seconds,p50_us,p99_us,p999_us,max_us,gc_pauses,gc_pause_ms", csv.get(0));
    assertEquals(13, csv.size(), "header and 3 rounds of 4 runs: " + csv);
    assertTrue(csv.get(1).startsWith("fillrandom,stratadb,100000.0,")
        && csv.get(1).endsWith(",232000,1,1000,1,10,1.500,1.000,10.000,100.000,1000.000,1,10"), csv.get(1));
    assertTrue(csv.get(6).startsWith("fillrandom,rocksdb,100000.0,") && csv.get(6).endsWith(",-1,2,2000,2,20,3.000,2.000,20.000,200.000,2000.000,2,20"),
        csv.get(6));
    assertTrue(csv.get(12).startsWith("readrandom,rocksdb,80000.0,") && csv.get(12).endsWith(",3,3000,3,30,4.500,3.000,30.000,300.000,3000.000,3,30"),
        csv.get(12));

    String tail = ",2.000,20.000,200.000,2000.000,2.0,20.0";
    assertEquals(List.of("workload,engine,rounds,median_ops_per_sec,min_ops_per_sec,max_ops_per_sec,stratadb_ratio,"
        + "p50_us,p99_us,p999_us,max_us,gc_pauses,gc_pause_ms",
        "fillrandom,stratadb,3,200000.0,100000.0,300000.0,1.000" + tail,
        "fillrandom,rocksdb,3,100000.0,50000.0,100000.0,2.000" + tail,
        "readrandom,stratadb,3,80000.0,40000.0,120000.0,1.000" + tail,
        "readrandom,rocksdb,3,80000.0,80000.0,80000.0,1.000" + tail), Files.readAllLines(tmp.resolve("summary.csv")));

    JsonNode json = new ObjectMapper().readTree(tmp.resolve("results.json").toFile());
    assertEquals(3, json.get("rounds").asInt());
    assertEquals(12, json.get("results").size());
    assertEquals(2, json.get("results").get(5).get("round").asInt());
    assertEquals(2000, json.get("results").get(5).get("minorFaults").asLong());
    assertEquals(3.0, json.get("results").get(5).get("cpuSeconds").asDouble(), 1e-9);
    assertEquals(20.0, json.get("results").get(5).get("p99Micros").asDouble(), 1e-9);
    assertEquals(2, json.get("results").get(5).get("gcPauses").asLong());
    assertEquals(20, json.get("results").get(5).get("gcPauseMillis").asLong());
    JsonNode median = json.get("median");
    assertEquals(4, median.size());
    assertEquals("rocksdb", median.get(1).get("engine").asText());
    assertEquals(100_000, median.get(1).get("opsPerSec").asDouble(), 1e-3);
    assertEquals(50_000, median.get(1).get("minOpsPerSec").asDouble(), 1e-3);
    assertEquals(2.0, median.get(1).get("stratadbRatio").asDouble(), 1e-9);
    assertEquals(200.0, median.get(1).get("p999Micros").asDouble(), 1e-9);
    assertEquals(2000.0, median.get(1).get("maxMicros").asDouble(), 1e-9);
    JsonNode strata = json.get("engines").get("stratadb");
    assertEquals(3 * 1048576L, strata.get("diskBytes").asLong());
    assertEquals(2.0, strata.get("writeAmplification").asDouble(), 1e-9);
    assertEquals("[2.0,3.0,1.0]", strata.get("writeAmplificationPerRound").toString());
    assertEquals(-1, json.get("engines").get("rocksdb").get("writeAmplification").asDouble(), 0);

    assertEquals(List.of("setting,value", "rounds,3"), Files.readAllLines(tmp.resolve("settings.csv")));
    byte[] png = Files.readAllBytes(tmp.resolve("results.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
  }

  @Test
  void theRunsSettingsAreInTheFilesAndIq80sUncountedWritesAreNotAFigure() throws Exception {
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("num", 1000L);
    settings.put("compression", "lz4");
    BenchComparison c = new BenchComparison(List.of(Kind.STRATADB, Kind.LEVELDB), settings);
    c.add(row(1, Kind.STRATADB, BenchWorkload.FILLSEQ, 100_000, 1));
    c.add(row(1, Kind.LEVELDB, BenchWorkload.FILLSEQ, 50_000, 0.6));
    c.write(tmp);
    assertEquals(List.of("setting,value", "num,1000", "compression,lz4", "rounds,1"),
        Files.readAllLines(tmp.resolve("settings.csv")));
    JsonNode json = new ObjectMapper().readTree(tmp.resolve("results.json").toFile());
    assertEquals("lz4", json.get("settings").get("compression").asText());
    if (Kind.LEVELDB.uncountedWrites() != null) { // iq80 on a 64-bit JVM without -Dleveldb.mmap=false
      assertTrue(printed(c).contains("leveldb write amp n/a: iq80 writes its log through mmap"), printed(c));
    }
    assertEquals(null, Kind.STRATADB.uncountedWrites());
  }
}
