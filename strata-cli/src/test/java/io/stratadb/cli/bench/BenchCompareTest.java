package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratadb.cli.CliRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --compare}: StrataDB, RocksJava, iq80 LevelDB and LMDB on the same keys in one run. */
class BenchCompareTest {
  private static final Pattern LINE = Pattern.compile(
      "^(stratadb|rocksdb|leveldb|lmdb) +(\\w+) +: +[0-9.]+ micros/op; +(\\d+) ops/sec.*?(?:\\((\\d+) of (\\d+) found\\))?$");

  @TempDir Path tmp;

  /** The round column of a results.csv row. */
  private static int round(String csvRow) {
    return Integer.parseInt(csvRow.split(",")[8]);
  }

  /** The "engine workload" of every db_bench line of {@code r}, checking that every engine found the same keys. */
  private static List<String> runs(CliRunner.Result r) {
    List<String> runs = new java.util.ArrayList<>();
    java.util.Map<String, String> found = new java.util.HashMap<>();
    for (String line : r.outLines()) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        runs.add(m.group(1) + " " + m.group(2));
        if (m.group(4) != null) {
          // Same seeds for every engine: each finds exactly the same keys.
          String previous = found.putIfAbsent(m.group(2), m.group(4));
          assertEquals(previous == null ? m.group(4) : previous, m.group(4), line);
        }
      }
    }
    return runs;
  }

  @Test
  void everyEngineRunsItsWholeListOnTheSameKeysStayingOpenFromFillToReads() throws Exception {
    Path results = tmp.resolve("results");
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "3000", "--compare",
        "rocksdb,leveldb,lmdb", "--benchmarks", "fillrandom,readrandom,readreverse,seekrandom,txn", "--results",
        results.toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertEquals(List.of("stratadb fillrandom", "stratadb readrandom", "stratadb readreverse", "stratadb seekrandom",
        "stratadb txn", "rocksdb fillrandom", "rocksdb readrandom", "rocksdb readreverse", "rocksdb seekrandom",
        "leveldb fillrandom", "leveldb readrandom", "leveldb seekrandom",
        "lmdb fillrandom", "lmdb readrandom", "lmdb readreverse", "lmdb seekrandom"), runs(r), r.out());
    assertTrue(r.out().contains("Mode:       each engine stays open from the fill to the reads"), r.out());
    assertTrue(r.out().contains("one after the other, each its whole list"), r.out());
    assertTrue(r.out().contains("lmdb (lmdbjava): B+tree"), r.out());
    assertTrue(r.out().contains("rocksdb   txn          : n/a"), r.out());
    assertTrue(r.out().contains("leveldb   readreverse  : n/a"), r.out());
    assertTrue(r.out().contains("vs rocksdb  vs leveldb     vs lmdb"), r.out());
    assertTrue(Pattern.compile("(?m)^seekrandom +lmdb +[0-9.,]+ +[0-9.,]+ +[0-9.,]+ +[0-9.,]+ +\\d+ +\\d+$")
        .matcher(r.out()).find(), "a latency row per engine: " + r.out());

    List<String> csv = Files.readAllLines(results.resolve("results.csv"));
    assertEquals(17, csv.size(), "header and sixteen runs: " + csv);
    assertTrue(csv.get(1).startsWith("fillrandom,stratadb,") && round(csv.get(1)) == 1, csv.get(1));
    assertTrue(Long.parseLong(csv.get(1).split(",")[11]) >= 0, "a GC count: " + csv.get(1));
    JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
    assertEquals(16, json.get("results").size());
    for (JsonNode run : json.get("results")) {
      assertTrue(run.get("p50Micros").asDouble() > 0 && run.get("p99Micros").asDouble() >= run.get("p50Micros")
          .asDouble() && run.get("maxMicros").asDouble() >= run.get("p999Micros").asDouble(), run.toString());
    }
    assertTrue(json.get("engines").get("rocksdb").get("diskBytes").asLong() > 0);
    assertTrue(json.get("engines").get("lmdb").get("diskBytes").asLong() > 0);
    byte[] png = Files.readAllBytes(results.resolve("results.png"));
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));
    assertTrue(Files.exists(tmp.resolve("db/rocksdb/" + BenchDirectory.PEER_MARKER)));
    assertTrue(Files.exists(tmp.resolve("db/lmdb/" + BenchDirectory.PEER_MARKER)));
  }

  @Test
  void reopenInterleavesEveryWorkloadAcrossTheEngines() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "2000", "--compare", "rocksdb,leveldb",
        "--reopen", "--benchmarks", "fillrandom,readrandom,readreverse,seekrandom,txn", "--results",
        tmp.resolve("results").toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    assertEquals(List.of("stratadb fillrandom", "rocksdb fillrandom", "leveldb fillrandom",
        "stratadb readrandom", "rocksdb readrandom", "leveldb readrandom",
        "stratadb readreverse", "rocksdb readreverse",
        "stratadb seekrandom", "rocksdb seekrandom", "leveldb seekrandom", "stratadb txn"), runs(r), r.out());
    assertTrue(r.out().contains("Mode:       --reopen"), r.out());
  }

  @Test
  void roundsRepeatTheWholeListOnTheSameKeysAndReportMedians() throws Exception {
    Path results = tmp.resolve("results");
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "2000", "--compare", "rocksdb,leveldb",
        "--rounds", "2", "--benchmarks", "fillrandom,readrandom", "--results", results.toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    List<String> runs = new java.util.ArrayList<>();
    java.util.Set<String> found = new java.util.HashSet<>();
    for (String line : r.outLines()) {
      if (line.startsWith("Round ")) {
        runs.add(line);
      }
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        runs.add(m.group(1) + " " + m.group(2));
        if (m.group(4) != null) {
          found.add(m.group(4));
        }
      }
    }
    List<String> round = List.of("stratadb fillrandom", "stratadb readrandom", "rocksdb fillrandom",
        "rocksdb readrandom", "leveldb fillrandom", "leveldb readrandom");
    List<String> expected = new java.util.ArrayList<>(List.of("Round 1 of 2"));
    expected.addAll(round);
    expected.add("Round 2 of 2");
    expected.addAll(round);
    assertEquals(expected, runs, r.out());
    // Each round starts from a fresh database with the same seeds: every engine, every round, finds the same keys.
    assertEquals(1, found.size(), r.out());
    assertTrue(r.out().contains("median ops/sec of 2 rounds"), r.out());
    assertTrue(Pattern.compile("(?m)^readrandom +\\d+ \\([0-9.]+[kM]?-[0-9.]+[kM]?\\) ").matcher(r.out()).find(),
        r.out());

    List<String> csv = Files.readAllLines(results.resolve("results.csv"));
    assertEquals(13, csv.size(), "header and 2 rounds of six runs: " + csv);
    assertEquals("round", csv.get(0).split(",")[8], csv.get(0));
    assertTrue(csv.get(6).startsWith("readrandom,leveldb,") && round(csv.get(6)) == 1, csv.get(6));
    assertTrue(r.out().contains("each the median of 2 rounds"), r.out());
    assertTrue(csv.get(7).startsWith("fillrandom,stratadb,") && round(csv.get(7)) == 2, csv.get(7));
    assertTrue(r.out().contains(" page faults; "), "each run's process costs are printed: " + r.out());
    List<String> summary = Files.readAllLines(results.resolve("summary.csv"));
    assertEquals(7, summary.size(), "header and six medians: " + summary);
    assertTrue(summary.get(1).startsWith("fillrandom,stratadb,2,"), summary.get(1));
    JsonNode json = new ObjectMapper().readTree(results.resolve("results.json").toFile());
    assertEquals(2, json.get("rounds").asInt());
    assertEquals(12, json.get("results").size());
    assertEquals(6, json.get("median").size());
  }

  @Test
  void roundsMustBePositiveAndNeedCompare() {
    CliRunner.Result zero = CliRunner.runOn(tmp.resolve("db"), "bench", "--compare", "rocksdb", "--rounds", "0");
    assertEquals(2, zero.exitCode());
    assertTrue(zero.err().contains("--rounds must be at least 1, got 0"), zero.err());
    CliRunner.Result alone = CliRunner.runOn(tmp.resolve("db"), "bench", "--rounds", "3");
    assertEquals(2, alone.exitCode());
    assertTrue(alone.err().contains("--rounds above 1 needs --compare"), alone.err());
    assertEquals(2, CliRunner.runOn(tmp.resolve("db"), "bench", "--rounds", "two").exitCode());
    assertFalse(Files.exists(tmp.resolve("db")), "a usage error creates nothing");
  }

  @Test
  void unknownEngineIsAUsageError() {
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--compare", "sqlite");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("unknown engine 'sqlite'"), r.err());
  }

  @Test
  void aPeerDirectoryThisToolDidNotMakeIsNeverEmptied() throws Exception {
    Path precious = Files.createDirectories(tmp.resolve("db/rocksdb"));
    Files.writeString(precious.resolve("notes.txt"), "keep me");
    assertThrows(IllegalArgumentException.class, () -> BenchDirectory.resetPeer(precious));
    assertTrue(Files.exists(precious.resolve("notes.txt")));
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--num", "100", "--compare", "rocksdb",
        "--benchmarks", "fillseq");
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(r.err().contains("refusing"), r.err());
    assertTrue(Files.exists(precious.resolve("notes.txt")));
  }
}
