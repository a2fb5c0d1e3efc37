package io.stratadb.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stratadb.Db;
import io.stratadb.DbIterator;
import io.stratadb.Options;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrataMetricsTest {
  @TempDir Path dir;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags("db", "orders").tags(tags).functionCounter().count();
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags("db", "orders").tags(tags).gauge().value();
  }

  @Test
  void metersFollowWritesReadsFlushesAndCompactions() {
    Options options = Options.builder().statistics(true).jmx(false).build();
    try (Db db = Db.open(dir, options)) {
      new StrataMetrics(db, "orders", Tags.of("service", "shop"), Duration.ZERO).bindTo(registry);
      System.gc(); // the binder is garbage now: the meters must not depend on it
      assertEquals(0, counter("strata.puts"));
      for (int i = 0; i < 100; i++) {
        db.put(b("k" + i), b("value-" + i));
      }
      db.delete(b("k0"));
      assertEquals(100, counter("strata.puts"));
      assertEquals(1, counter("strata.deletes"));
      assertTrue(counter("strata.wal.bytes") > 100 * 8, "WAL bytes: " + counter("strata.wal.bytes"));
      assertTrue(gauge("strata.memtable.size") > 0);
      assertEquals(101, gauge("strata.sequence.last"));

      db.get(b("k1"));
      db.get(b("k0"));
      db.get(b("absent"));
      assertEquals(1, counter("strata.gets", "result", "hit"));
      assertEquals(2, counter("strata.gets", "result", "miss"));
      assertEquals(2, counter("strata.memtable.hits"), "k1 and k0's tombstone; absent is not decided there");
      assertEquals(b("value-1").length, counter("strata.read.bytes"));

      assertEquals(0, gauge("strata.sst.files", "level", "0"));
      db.flush();
      assertEquals(1, counter("strata.flushes"));
      assertTrue(counter("strata.flush.written.bytes") > 0);
      assertEquals(1, gauge("strata.sst.files", "level", "0"));
      assertTrue(gauge("strata.sst.size", "level", "0") > 0);

      db.put(b("k1"), b("again"));
      db.flush();
      db.compactRange();
      assertTrue(counter("strata.compactions") >= 1);
      assertTrue(counter("strata.compaction.written.bytes") > 0);
      assertEquals(0, gauge("strata.sst.files", "level", "0"), "compacted out of L0");

      db.get(b("k2"));
      assertTrue(counter("strata.sst.reads") >= 1);
      try (DbIterator it = db.scanPrefix(b("k"))) {
        it.isValid();
      }
      assertEquals(1, counter("strata.iterators"));

      FunctionTimer puts = registry.get("strata.latency").tags("db", "orders", "op", "put").functionTimer();
      assertEquals(101, puts.count(), "100 puts and the one after the flush");
      assertTrue(puts.totalTime(TimeUnit.NANOSECONDS) > 0);
      assertTrue(registry.get("strata.latency.percentile").tags("op", "get", "quantile", "0.99").timeGauge()
          .value(TimeUnit.MICROSECONDS) > 0);
      assertEquals("shop", registry.get("strata.puts").functionCounter().getId().getTag("service"));
    }
    assertTrue(Double.isNaN(counter("strata.puts")), "a closed database reads NaN");
    assertTrue(Double.isNaN(gauge("strata.sst.files", "level", "0")));
  }

  @Test
  void withoutStatisticsThereAreNoLatencyMetersAndTheSnapshotIsShared() {
    try (Db db = Db.open(dir, Options.builder().jmx(false).build())) {
      StrataMetrics.bind(db, "orders", registry, Tag.of("service", "shop"));
      assertTrue(registry.find("strata.latency").meters().isEmpty());
      assertEquals(7, registry.find("strata.sst.files").gauges().size(), "one per level");
      assertEquals(0, counter("strata.puts"));
      db.put(b("k"), b("v"));
      assertEquals(0, counter("strata.puts"), "the 1 s snapshot is still the one read before the put");
    }
  }

  @Test
  void badArgumentsAreRefused() {
    try (Db db = Db.open(dir, Options.builder().jmx(false).build())) {
      assertThrows(NullPointerException.class, () -> new StrataMetrics(db, null));
      assertThrows(IllegalArgumentException.class,
          () -> new StrataMetrics(db, "x", List.of(), Duration.ofSeconds(-1)));
    }
  }
}
