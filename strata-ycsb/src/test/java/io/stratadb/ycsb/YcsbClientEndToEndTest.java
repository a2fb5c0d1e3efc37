package io.stratadb.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs YCSB's own {@code site.ycsb.Client} (load, then run with two client threads) in a child JVM
 * on a tiny data set, for each binding, and checks from its measurement output that every
 * operation returned {@code OK}. A child JVM because the client ends with {@code System.exit}.
 */
class YcsbClientEndToEndTest {
  private static final int RECORDS = 1000;
  private static final int OPERATIONS = 2000;
  /** {@code [READ], Return=OK, 1003}: YCSB's per-operation status counts. */
  private static final Pattern RETURN = Pattern.compile("^\\[([A-Z-]+)], Return=([A-Z_]+), (\\d+)$");

  @TempDir Path tmp;

  @Test
  void workloadAOnStrataDb() throws Exception {
    Map<String, Long> ops = loadAndRun("StrataDbClient", "strata", "workloada");
    assertTrue(ops.get("READ") > 0 && ops.get("UPDATE") > 0, ops.toString());
  }

  @Test
  void workloadEOnStrataDb() throws Exception {
    Map<String, Long> ops = loadAndRun("StrataDbClient", "strata", "workloade");
    assertTrue(ops.get("SCAN") > 0 && ops.get("INSERT") > 0, ops.toString());
  }

  @Test
  void workloadAOnRocksDb() throws Exception {
    Map<String, Long> ops = loadAndRun("RocksDbClient", "rocksdb", "workloada");
    assertTrue(ops.get("READ") > 0 && ops.get("UPDATE") > 0, ops.toString());
  }

  /** Loads then runs {@code workload}; returns the OK count per operation of the run phase. */
  private Map<String, Long> loadAndRun(String binding, String prefix, String workload) throws Exception {
    Path db = tmp.resolve("db");
    Map<String, Long> load = okCounts(client("-load", binding, prefix, workload, db, 1), "load");
    assertEquals(Map.of("INSERT", (long) RECORDS), load);
    Map<String, Long> run = okCounts(client("-t", binding, prefix, workload, db, 2), "run");
    assertEquals(OPERATIONS, run.values().stream().mapToLong(Long::longValue).sum(), run.toString());
    return run;
  }

  private List<String> client(String phase, String binding, String prefix, String workload, Path db, int threads)
      throws IOException, InterruptedException {
    Path out = tmp.resolve(workload + phase + ".out");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "site.ycsb.Client", phase, "-db", "io.stratadb.ycsb." + binding,
        "-P", Path.of("workloads", workload).toString(), "-threads", Integer.toString(threads),
        "-p", "recordcount=" + RECORDS, "-p", "operationcount=" + OPERATIONS,
        "-p", "measurementtype=hdrhistogram",
        "-p", prefix + ".dir=" + db, "-p", prefix + ".writebuffersize=256k", "-p", prefix + ".cachesize=1m"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("YCSB client hung: " + cmd);
    }
    List<String> lines = Files.readAllLines(out);
    assertEquals(0, p.exitValue(), () -> String.join("\n", lines));
    return lines;
  }

  /** The OK count per operation; fails if any operation returned another status. */
  private static Map<String, Long> okCounts(List<String> lines, String phase) {
    Map<String, Long> ok = new TreeMap<>();
    for (String line : lines) {
      Matcher m = RETURN.matcher(line);
      if (m.matches()) {
        if (!m.group(2).equals("OK")) {
          fail(phase + ": " + line + "\n" + String.join("\n", lines));
        }
        ok.merge(m.group(1), Long.parseLong(m.group(3)), Long::sum);
      }
    }
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("[OVERALL], Throughput(ops/sec)")), phase);
    assertTrue(lines.stream().anyMatch(l -> l.contains("99thPercentileLatency(us)")), phase);
    return ok;
  }
}
