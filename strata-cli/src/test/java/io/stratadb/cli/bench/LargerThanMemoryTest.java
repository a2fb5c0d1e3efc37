package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stratadb.cli.CliRunner;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code bench --larger-than-memory} end to end at a small scale: both engines filled, read back in
 * their own JVMs (in a memory cgroup where the test runs as root, else marked unlimited), every
 * read a hit, and the table, CSV and JSON in their shape. The page cache is kept: dropping it
 * would slow everything else on the machine.
 */
class LargerThanMemoryTest {
  private static final int NUM = 20_000;
  /** A table row: phase, engine, ops/sec, p50, p99, p99.9, disk B/op, all B/op, not found, memory, ratios. */
  private static final Pattern ROW = Pattern.compile("^(fillrandom|readrandom|seekrandom) +(stratadb|rocksdb) +"
      + "(\\d+) +([0-9.]+) +([0-9.]+) +([0-9.]+) +(n/a|\\d+) +(n/a|\\d+) +(\\d+) +(\\S+)(.*)$");

  @TempDir Path tmp;

  @Test
  void fillsThenReadsEveryEngineInItsOwnJvmAndReportsTheTable() throws Exception {
    Path results = tmp.resolve("results");
    CliRunner.Result r = CliRunner.runOn(tmp.resolve("db"), "bench", "--larger-than-memory", "--num",
        Integer.toString(NUM), "--value-size", "400", "--compare", "rocksdb", "--memory-limit", "640m",
        "--reader-heap", "256m", "--duration", "120s", "--device-probe", "200ms", "--no-drop-caches",
        "--results", results.toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    String out = r.out();
    assertTrue(out.contains("phase       engine       ops/sec    p50 us    p99 us  p99.9 us   disk B/op    all B/op"
        + " not found     memory  vs rocksdb  vs device"), out);
    assertEquals(4, count(out, "page cache NOT dropped: not asked to (--no-drop-caches)"), out);
    assertEquals(4, count(out, "  reader in cgroup v") + count(out, "  memory NOT limited (the reader runs without "
        + "a cgroup): "), out);

    boolean device = !out.contains("device: n/a");
    List<String> rows = new ArrayList<>();
    for (String line : r.outLines()) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        rows.add(m.group(1) + " " + m.group(2));
        assertEquals("0", m.group(9), "no key that was written may be missing: " + line);
        assertTrue(Long.parseLong(m.group(3)) > 0, line);
        boolean read = !m.group(1).equals("fillrandom");
        assertEquals(read, !m.group(7).equals("n/a"), "disk bytes/op are measured for reads: " + line);
        assertEquals(read, !m.group(8).equals("n/a"), line);
        // StrataDB's rows have its ratio to RocksJava; readrandom's also the ratio to the device, if measured.
        int ratios = (m.group(2).equals("stratadb") ? 1 : 0) + (m.group(1).equals("readrandom") && device ? 1 : 0);
        assertEquals(ratios, m.group(11).strip().isEmpty() ? 0 : m.group(11).strip().split(" +").length, line);
      }
    }
    assertEquals(List.of("fillrandom stratadb", "fillrandom rocksdb", "readrandom stratadb", "readrandom rocksdb",
        "seekrandom stratadb", "seekrandom rocksdb"), rows, out);

    List<String> csv = Files.readAllLines(results.resolve("larger-than-memory.csv"));
    assertEquals("workload,engine,threads,ops_per_sec,p50_us,p99_us,p999_us,operations,found,not_found,"
        + "read_bytes_per_op,process_read_bytes_per_op,memory_limit_bytes,peak_memory_bytes,cache_dropped,seconds",
        csv.get(0));
    assertEquals(7, csv.size(), csv.toString());
    for (String row : csv.subList(1, csv.size())) {
      String[] f = row.split(",");
      // Every phase did all its operations within the generous duration, and every one found its key.
      assertEquals(Integer.toString(NUM), f[7], row);
      assertEquals(f[7], f[8], row);
      assertEquals("0", f[9], row);
      assertEquals("false", f[14], row);
    }
    JsonNode json = new ObjectMapper().readTree(results.resolve("larger-than-memory.json").toFile());
    assertEquals(6, json.get("results").size());
    for (String engine : List.of("stratadb", "rocksdb")) {
      JsonNode e = json.get("engines").get(engine);
      assertTrue(e.get("diskBytesAfterFill").asLong() > (long) NUM * 400, e.toString());
      assertEquals(0, e.get("deletedHeldAfterClose").size(), e.toString());
      assertEquals(0, e.get("deletedHeldByReader").asLong(), e.toString());
      // Both engines say how far behind they were at the last put, and the fill waited for them to settle.
      assertTrue(e.get("settleSeconds").asDouble() >= 0, e.toString());
      assertTrue(e.get("writeStallMillis").asLong() >= 0, e.toString());
      assertTrue(e.get("pendingCompactionBytesAtLastPut").asLong() >= 0, e.toString());
      assertTrue(e.get("l0FilesAtLastPut").asInt() >= 0, e.toString());
    }
    assertTrue(Files.exists(tmp.resolve("db/rocksdb/" + BenchDirectory.PEER_MARKER)));
  }

  @Test
  void reusesFilledDatabasesForTheChosenReadPhasesWithStrataReadOptions() throws Exception {
    Path db = tmp.resolve("db");
    String[] common = {"--larger-than-memory", "--num", "5000", "--value-size", "100", "--compare",
        "rocksdb", "--memory-limit", "640m", "--reader-heap", "256m", "--device-probe", "0", "--no-drop-caches"};
    CliRunner.Result fill = CliRunner.runOn(db, "bench", concat(common, "--read-phases", "readrandom"));
    assertEquals(0, fill.exitCode(), fill.err() + fill.out());
    assertEquals(List.of("fillrandom stratadb", "fillrandom rocksdb", "readrandom stratadb", "readrandom rocksdb"),
        rows(fill.out()), fill.out());

    CliRunner.Result reuse = CliRunner.runOn(db, "bench", concat(common, "--reuse-db", "--read-phases", "seekrandom",
        "--read-mode", "PREAD", "--readahead-size", "0", "--block-cache-on-heap"));
    assertEquals(0, reuse.exitCode(), reuse.err() + reuse.out());
    assertEquals(2, count(reuse.out(), "(--reuse-db): no fill"), reuse.out());
    // No fill ran: every key the first run wrote is still found by the seeks.
    assertEquals(List.of("seekrandom stratadb", "seekrandom rocksdb"), rows(reuse.out()), reuse.out());

    CliRunner.Result refused = CliRunner.runOn(db, "bench", concat(common, "--reuse-db", "--read-phases", "readseq"));
    assertEquals(2, refused.exitCode(), refused.out());
    assertTrue(refused.err().contains("--read-phases takes readrandom and seekrandom, got 'readseq'"), refused.err());
    CliRunner.Result mmapDirect = CliRunner.runOn(db, "bench", concat(common, "--reuse-db", "--read-mode", "MMAP",
        "--direct-reads"));
    assertEquals(2, mmapDirect.exitCode(), mmapDirect.out());
    assertTrue(mmapDirect.err().contains("useDirectReads cannot be combined with readMode MMAP"), mmapDirect.err());
  }

  /** The phase and engine of each table row of {@code out}, asserting that every key was found. */
  private static List<String> rows(String out) {
    List<String> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher m = ROW.matcher(line);
      if (m.matches()) {
        assertEquals("0", m.group(9), "no key that was written may be missing: " + line);
        rows.add(m.group(1) + " " + m.group(2));
      }
    }
    return rows;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void refusesALimitThatCannotHoldTheHeapAndPeersOtherThanRocksDb() {
    CliRunner.Result small = CliRunner.runOn(tmp.resolve("db"), "bench", "--larger-than-memory", "--num", "100",
        "--memory-limit", "256m", "--reader-heap", "256m");
    assertEquals(2, small.exitCode(), small.out());
    assertTrue(small.err().contains("--memory-limit (268435456 bytes) must be above --reader-heap"), small.err());
    CliRunner.Result leveldb = CliRunner.runOn(tmp.resolve("db"), "bench", "--larger-than-memory", "--num", "100",
        "--compare", "leveldb");
    assertEquals(2, leveldb.exitCode(), leveldb.out());
    assertTrue(leveldb.err().contains("compares with rocksdb only"), leveldb.err());
    CliRunner.Result rounds = CliRunner.runOn(tmp.resolve("db"), "bench", "--larger-than-memory", "--num", "100",
        "--rounds", "2", "--compare", "rocksdb");
    assertEquals(2, rounds.exitCode(), rounds.out());
    assertTrue(rounds.err().contains("drop --rounds"), rounds.err());
    CliRunner.Result budget = CliRunner.runOn(tmp.resolve("db"), "bench", "--larger-than-memory", "--num", "100",
        "--compare", "rocksdb", "--memory-limit", "640m", "--strata-cache-size", "640m");
    assertEquals(2, budget.exitCode(), budget.out());
    assertTrue(budget.err().contains("--strata-cache-size"), budget.err());
    assertTrue(Files.notExists(tmp.resolve("db")), "nothing is written for a refused command");
  }

  @Test
  void sizesAndDurationsParseWithBinaryUnitsAndRejectNonsense() {
    LargerThanMemoryOptions.SizeConverter size = new LargerThanMemoryOptions.SizeConverter();
    assertEquals(1536L << 20, size.convert("1536m"));
    assertEquals(2L << 30, size.convert("2G"));
    assertEquals(4096L, size.convert("4096"));
    assertThrows(TypeConversionException.class, () -> size.convert("0"));
    assertThrows(TypeConversionException.class, () -> size.convert("12x"));
    LargerThanMemoryOptions.DurationConverter duration = new LargerThanMemoryOptions.DurationConverter();
    assertEquals(60_000L, duration.convert("60s"));
    assertEquals(120_000L, duration.convert("2m"));
    assertEquals(500L, duration.convert("500ms"));
    assertEquals(7_000L, duration.convert("7"));
    assertThrows(TypeConversionException.class, () -> duration.convert("-1s"));
    assertThrows(TypeConversionException.class, () -> duration.convert("soon"));
  }

  @Test
  void stratasOwnBudgetGivesItsReaderTheDirectMemoryItsArenaNeeds() {
    LargerThanMemoryOptions options = new LargerThanMemoryOptions();
    new picocli.CommandLine(options).parseArgs("--strata-cache-size", "896m", "--strata-read-only",
        "--reader-jvm-option=-XX:+UseG1GC");
    assertEquals(List.of("-XX:MaxDirectMemorySize=" + (896L << 20), "-XX:+UseG1GC"), options.strataJvmOptions());
    assertEquals(List.of("--strata-read-only", "--strata-cache-size", Long.toString(896L << 20)),
        options.strataReadArguments());
    LargerThanMemoryOptions plain = new LargerThanMemoryOptions();
    new picocli.CommandLine(plain).parseArgs("--reader-jvm-option=-XX:+UseG1GC");
    assertEquals(List.of("-XX:+UseG1GC"), plain.strataJvmOptions(), "RocksJava's budget, HotSpot's default");
  }

  @Test
  void theFillOrderHoldsEveryKeyExactlyOnceAndDependsOnTheSeed() {
    int[] order = LargeFill.permutation(10_000, 1001);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      assertEquals(i, sorted[i]);
    }
    assertTrue(!Arrays.equals(order, sorted), "shuffled");
    assertTrue(Arrays.equals(order, LargeFill.permutation(10_000, 1001)));
    assertTrue(!Arrays.equals(order, LargeFill.permutation(10_000, 1002)));
  }

  @Test
  void aDeletedFileStillOpenIsFoundUntilItsDescriptorCloses() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tables"));
    Path table = dir.resolve("000007.sst");
    Files.write(table, new byte[8192]);
    long pid = ProcessHandle.current().pid();
    try (FileChannel ch = FileChannel.open(table)) {
      Files.delete(table);
      DeletedFiles.Held held = DeletedFiles.scan(pid, dir);
      assertEquals(List.of(table.toAbsolutePath().normalize().toString()), List.copyOf(held.files().keySet()));
      assertEquals(8192, held.bytes());
      assertEquals("1 files, 0.0 MiB", held.line());
      assertEquals(0, DeletedFiles.scan(pid, tmp.resolve("elsewhere")).files().size(), "only files under the dir");
      assertEquals(8192, ch.size());
    }
    assertEquals(Map.of(), DeletedFiles.scan(pid, dir).files());
  }

  @Test
  void aDeletedFileStillMappedIsFoundThroughTheMaps() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tables"));
    Path table = dir.resolve("000008.sst");
    Files.write(table, new byte[3 * 4096]);
    MappedByteBuffer mapped;
    try (FileChannel ch = FileChannel.open(table)) {
      mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, 3 * 4096);
    }
    Files.delete(table);
    DeletedFiles.Held held = DeletedFiles.scan(ProcessHandle.current().pid(), dir);
    assertEquals(Map.of(table.toAbsolutePath().normalize().toString(), 3L * 4096), held.files());
    assertEquals(0, mapped.get(0), "the mapping is still in use here");
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void strataDbsReaderOpensWithItsMemtablesChargedToTheCacheUnderTheStrictLimit() throws Exception {
    BenchSettings settings = new BenchSettings(64 << 20, 4096, 10, 256 << 20, io.stratadb.Compression.NONE,
        io.stratadb.CompactionStrategy.leveled(), io.stratadb.MemtableRep.BPLUS_TREE, false, false, false, 0);
    io.stratadb.MemoryBudget budget = StrataBenchEngine.withinCache(settings).memoryBudget();
    assertTrue(budget.strictCapacityLimit());
    assertTrue(budget.chargeMemtablesToBlockCache());
    assertEquals(64 << 20, budget.memtableLimitBytes(), "a quarter of the cache, below two write buffers");
    try (StrataBenchEngine db = StrataBenchEngine.openWithinCache(tmp.resolve("budget"), settings)) {
      db.put(new byte[] {1}, new byte[] {2});
      assertEquals(1, db.get(new byte[] {1}).length, "the budget opens and works");
    }
  }
}
