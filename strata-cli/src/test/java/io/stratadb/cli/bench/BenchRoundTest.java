package io.stratadb.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stratadb.IsolationLevel;
import io.stratadb.WriteOptions;
import io.stratadb.cli.bench.BenchEngine.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two orders of a round: engines kept open from the fill to the reads, or reopened before every workload. */
class BenchRoundTest {
  private static final List<BenchWorkload> LIST = List.of(BenchWorkload.FILLRANDOM, BenchWorkload.READRANDOM,
      BenchWorkload.SEEKRANDOM, BenchWorkload.FILLSEQ, BenchWorkload.READSEQ);
  private static final BenchConfig CONFIG = new BenchConfig(500, 1, 16, 100, WriteOptions.of(false), 100,
      IsolationLevel.SNAPSHOT, true);

  @TempDir Path tmp;

  private final List<String> opened = new ArrayList<>();
  private final Map<Kind, BenchEngine> open = new EnumMap<>(Kind.class);
  private final List<BenchComparison.Row> rows = new ArrayList<>();

  /** Runs one round of {@link #LIST} on {@code engines}, counting every open by engine. */
  private String round(BenchRound.Mode mode, List<Kind> engines) throws Exception {
    BenchSettings settings = LmdbBenchEngineTest.settings(false);
    StringWriter text = new StringWriter();
    BenchRound round = new BenchRound(mode, engines, tmp, (kind, dir) -> {
      opened.add(kind.label());
      return kind.open(dir, settings, LmdbBenchEngine.dataBytes(CONFIG.num(), 16, 100));
    }, 1001, open, new PrintWriter(text));
    try {
      round.run(1, LIST, CONFIG, rows::add);
    } finally {
      for (BenchEngine e : open.values()) {
        e.close();
      }
    }
    return text.toString();
  }

  private List<String> ran() {
    return rows.stream().map(r -> r.engine().label() + " " + r.result().workload().benchName()).toList();
  }

  @Test
  void keepOpenRunsEachEnginesListInTurnAndOpensItOnlyForAFreshDatabase() throws Exception {
    round(BenchRound.Mode.KEEP_OPEN, List.of(Kind.STRATADB, Kind.LMDB));
    assertEquals(List.of("stratadb fillrandom", "stratadb readrandom", "stratadb seekrandom", "stratadb fillseq",
        "stratadb readseq", "lmdb fillrandom", "lmdb readrandom", "lmdb seekrandom", "lmdb fillseq", "lmdb readseq"),
        ran());
    // Opened for each fill only: the reads run on the engine the fill wrote to.
    assertEquals(List.of("stratadb", "stratadb", "lmdb", "lmdb"), opened);
    assertTrue(open.isEmpty(), "with several engines each is closed after its list: " + open);
    assertSameKeysFound();
  }

  @Test
  void reopenInterleavesTheEnginesAndOpensBeforeEveryWorkload() throws Exception {
    round(BenchRound.Mode.REOPEN, List.of(Kind.STRATADB, Kind.LMDB));
    assertEquals(List.of("stratadb fillrandom", "lmdb fillrandom", "stratadb readrandom", "lmdb readrandom",
        "stratadb seekrandom", "lmdb seekrandom", "stratadb fillseq", "lmdb fillseq", "stratadb readseq",
        "lmdb readseq"), ran());
    assertEquals(10, opened.size(), opened.toString());
    assertTrue(open.isEmpty(), open.toString());
    assertSameKeysFound();
  }

  @Test
  void aSingleEngineStaysOpenAfterTheRoundForTheReport() throws Exception {
    String out = round(BenchRound.Mode.KEEP_OPEN, List.of(Kind.STRATADB));
    assertEquals(List.of("stratadb", "stratadb"), opened);
    assertEquals(List.of(Kind.STRATADB), List.copyOf(open.keySet()));
    assertTrue(out.contains("latency us: p50 "), out);
  }

  /** Every engine found the same keys in each read workload, and every operation has a latency. */
  private void assertSameKeysFound() {
    Map<BenchWorkload, Long> found = new EnumMap<>(BenchWorkload.class);
    for (BenchComparison.Row r : rows) {
      BenchResult b = r.result();
      assertEquals(b.done(), b.latency().count(), "one latency per operation: " + b);
      assertTrue(b.latency().p50Nanos() > 0 && b.latency().p50Nanos() <= b.latency().p99Nanos()
          && b.latency().p99Nanos() <= b.latency().p999Nanos() && b.latency().p999Nanos() <= b.latency().maxNanos(),
          b.latency().toString());
      Long previous = found.putIfAbsent(b.workload(), b.found());
      assertEquals(previous == null ? b.found() : previous, b.found(), r.engine() + " " + b.workload());
    }
    // readseq after fillseq reads back all 500 keys, in the same order on every engine.
    rows.stream().filter(r -> r.result().workload() == BenchWorkload.READSEQ)
        .forEach(r -> assertEquals(500, r.result().done(), r.engine().label()));
  }
}
