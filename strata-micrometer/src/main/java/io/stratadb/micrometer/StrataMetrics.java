package io.stratadb.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.stratadb.Db;
import io.stratadb.DbStats;
import io.stratadb.LatencyStats;
import io.stratadb.OperationStats;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Binds one open {@link Db}'s statistics to a Micrometer {@link MeterRegistry}: the numbers of
 * {@link Db#stats()}, the same ones the database's JMX MXBean ({@link io.stratadb.DbMXBean}) shows,
 * as meters tagged {@code db=<name>} (plus the caller's tags) rather than named by path.
 *
 * <pre>{@code
 * StrataMetrics.bind(db, "orders", registry);            // or new StrataMetrics(db, "orders").bindTo(registry)
 * }</pre>
 *
 * <p>Meters (Prometheus renders {@code strata.gets} as {@code strata_gets_total}, and so on):
 *
 * <ul>
 *   <li>Function counters, since open (the operation counters also since {@code
 *       DbMXBean.resetStatistics()}, which monitoring sees as a counter reset): {@code
 *       strata.gets} ({@code result=hit|miss}), {@code strata.memtable.hits}, {@code
 *       strata.read.bytes}, {@code strata.puts}, {@code strata.deletes}, {@code
 *       strata.batch.writes}, {@code strata.ingested.bytes}, {@code strata.wal.bytes}, {@code
 *       strata.wal.syncs}, {@code strata.sst.reads}, {@code strata.bloom.checks}, {@code
 *       strata.bloom.useful}, {@code strata.iterators}, {@code strata.block.cache} ({@code
 *       result=hit|miss}), {@code strata.block.cache.evictions}, {@code strata.flushes}, {@code
 *       strata.flush.written.bytes}, {@code strata.compactions}, {@code
 *       strata.compaction.trivial.moves}, {@code strata.compaction.read.bytes}, {@code
 *       strata.compaction.written.bytes}, {@code strata.write.stalls} ({@code
 *       kind=slowdown|stop}).
 *   <li>A function timer {@code strata.write.stall.time}: stalls and the time writers spent in them.
 *   <li>Gauges: {@code strata.sst.files} and {@code strata.sst.size} (bytes) per {@code level=0..6},
 *       {@code strata.compaction.pending.bytes}, {@code strata.memtable.size} (bytes), {@code
 *       strata.memtable.immutable} and {@code strata.memtable.immutable.size} (bytes), {@code
 *       strata.snapshots.open}, {@code strata.sequence.last}.
 *   <li>With {@code Options.statistics(true)}: per {@code op=get|put|delete|write|iterator|flush|
 *       compaction} a function timer {@code strata.latency} (count and total time) and time gauges
 *       {@code strata.latency.percentile} ({@code quantile=0.5|0.95|0.99|0.999}) and {@code
 *       strata.latency.max}, from the engine's HdrHistogram (within 1%).
 * </ul>
 *
 * <p>Every meter reads one {@link Db#stats()} snapshot, taken again when it is older than {@code
 * statsMaxAge} (1 s by default), so a registry's scrape costs one {@code stats()}. After the
 * database closes every meter reads {@link Double#NaN} (the function timers a count of 0); remove them with {@link
 * MeterRegistry#remove} if the registry outlives the database. Binding the same {@code db} name
 * twice to one registry reuses the first meters (Micrometer's rule for equal names and tags).
 *
 * <p>References: Micrometer holds a meter's object weakly; the meters' object is the {@code Db}
 * (which the application holds while it is open) and their functions hold the shared snapshot, so
 * the meters keep working whether or not the application keeps this binder.
 *
 * <p>Thread-safe: bind from any thread; registries read the meters concurrently.
 */
public final class StrataMetrics implements MeterBinder {
  /** The default maximum age of the shared {@link Db#stats()} snapshot. */
  public static final Duration DEFAULT_STATS_MAX_AGE = Duration.ofSeconds(1);

  private static final double[] QUANTILES = {0.5, 0.95, 0.99, 0.999};
  /** Descriptions shared by the meters of one name (Prometheus keeps one per name). */
  private static final String GETS = "gets, by whether they found a value";
  private static final String BLOCK_CACHE = "data block reads, by whether the block cache held the block";
  private static final String STALLS = "writes delayed by 1 ms (slowdown) or blocked (stop)";

  private final Db db;
  private final Tags tags;
  private final StatsCache stats;

  /**
   * Meters for {@code db} tagged {@code db=<name>}, reading a snapshot at most {@link
   * #DEFAULT_STATS_MAX_AGE} old.
   *
   * @param db an open database
   * @param name the value of the {@code db} tag, e.g. {@code "orders"}
   * @throws NullPointerException if an argument is null
   */
  public StrataMetrics(Db db, String name) {
    this(db, name, Tags.empty(), DEFAULT_STATS_MAX_AGE);
  }

  /**
   * Meters for {@code db} tagged {@code db=<name>} and {@code tags}.
   *
   * @param db an open database
   * @param name the value of the {@code db} tag
   * @param tags more tags for every meter (e.g. {@code service}); may be empty
   * @param statsMaxAge how old the shared {@link Db#stats()} snapshot may be; {@link Duration#ZERO}
   *     takes one per meter read
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code statsMaxAge} is negative
   */
  public StrataMetrics(Db db, String name, Iterable<Tag> tags, Duration statsMaxAge) {
    this.db = Objects.requireNonNull(db, "db");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(statsMaxAge, "statsMaxAge");
    if (statsMaxAge.isNegative()) {
      throw new IllegalArgumentException("statsMaxAge must not be negative: " + statsMaxAge);
    }
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags")).and("db", name);
    this.stats = new StatsCache(db, statsMaxAge.toNanos(), System::nanoTime);
  }

  /**
   * Creates the meters of {@code db} tagged {@code db=<name>} and {@code tags} and registers them.
   *
   * @param db an open database
   * @param name the value of the {@code db} tag, e.g. {@code "orders"}
   * @param registry the registry to add the meters to
   * @param tags more tags for every meter (e.g. {@code service}); may be empty
   * @return the binder, already bound to {@code registry}
   * @throws NullPointerException if an argument is null
   * @throws io.stratadb.DbClosedException if {@code db} is closed
   */
  public static StrataMetrics bind(Db db, String name, MeterRegistry registry, Tag... tags) {
    StrataMetrics metrics = new StrataMetrics(db, name, Tags.of(tags), DEFAULT_STATS_MAX_AGE);
    metrics.bindTo(registry);
    return metrics;
  }

  /**
   * Registers the meters.
   *
   * @throws io.stratadb.DbClosedException if the database is closed (it reads the number of
   *     levels and whether latencies are recorded)
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    DbStats now = db.stats();
    bindOperations(registry);
    bindEngine(registry, now.levels().size());
    if (now.operations().statisticsEnabled()) {
      bindLatency(registry, "get", OperationStats::getLatency);
      bindLatency(registry, "put", OperationStats::putLatency);
      bindLatency(registry, "delete", OperationStats::deleteLatency);
      bindLatency(registry, "write", OperationStats::writeLatency);
      bindLatency(registry, "iterator", OperationStats::iteratorLatency);
      bindLatency(registry, "flush", OperationStats::flushLatency);
      bindLatency(registry, "compaction", OperationStats::compactionLatency);
    }
  }

  private void bindOperations(MeterRegistry registry) {
    counter(registry, "strata.gets", GETS, null, s -> s.operations().getHits(), "result", "hit");
    counter(registry, "strata.gets", GETS, null, s -> s.operations().getMisses(), "result", "miss");
    counter(registry, "strata.memtable.hits", "gets decided by a memtable", null, s -> s.operations().memtableHits());
    counter(registry, "strata.read.bytes", "value bytes returned by gets", BaseUnits.BYTES,
        s -> s.operations().bytesRead());
    counter(registry, "strata.puts", "puts committed", null, s -> s.operations().puts());
    counter(registry, "strata.deletes", "deletes committed", null, s -> s.operations().deletes());
    counter(registry, "strata.batch.writes", "write(WriteBatch) calls", null, s -> s.operations().batchWrites());
    counter(registry, "strata.wal.bytes", "WAL record bytes appended", BaseUnits.BYTES, s -> s.operations().walBytes());
    counter(registry, "strata.wal.syncs", "WAL fsyncs", null, s -> s.operations().walSyncs());
    counter(registry, "strata.sst.reads", "SSTable lookups that read the table", null, s -> s.operations().sstReads());
    counter(registry, "strata.bloom.checks", "bloom filter probes", null, s -> s.operations().bloomChecks());
    counter(registry, "strata.bloom.useful", "bloom filter probes that ruled a table out", null,
        s -> s.operations().bloomUseful());
    counter(registry, "strata.iterators", "iterators created", null, s -> s.operations().iterators());
  }

  private void bindEngine(MeterRegistry registry, int levels) {
    counter(registry, "strata.ingested.bytes", "user bytes written", BaseUnits.BYTES, DbStats::bytesIngested);
    counter(registry, "strata.block.cache", BLOCK_CACHE, null, DbStats::blockCacheHits, "result", "hit");
    counter(registry, "strata.block.cache", BLOCK_CACHE, null, DbStats::blockCacheMisses, "result", "miss");
    counter(registry, "strata.block.cache.evictions", "blocks evicted", null, DbStats::blockCacheEvictions);
    counter(registry, "strata.flushes", "memtable flushes", null, DbStats::flushCount);
    counter(registry, "strata.flush.written.bytes", "SSTable bytes written by flushes", BaseUnits.BYTES,
        DbStats::flushBytesWritten);
    counter(registry, "strata.compactions", "compactions, trivial moves included", null, DbStats::compactionCount);
    counter(registry, "strata.compaction.trivial.moves", "tables moved without a rewrite", null,
        DbStats::trivialMoveCount);
    counter(registry, "strata.compaction.read.bytes", "SSTable bytes read by compactions", BaseUnits.BYTES,
        DbStats::compactionBytesRead);
    counter(registry, "strata.compaction.written.bytes", "SSTable bytes written by compactions", BaseUnits.BYTES,
        DbStats::compactionBytesWritten);
    counter(registry, "strata.write.stalls", STALLS, null, DbStats::slowdownCount, "kind", "slowdown");
    counter(registry, "strata.write.stalls", STALLS, null, DbStats::stopCount, "kind", "stop");
    FunctionTimer.builder("strata.write.stall.time", db, d -> (long) stats.value(DbStats::writeStallCount),
            d -> stats.value(DbStats::stallMillis), TimeUnit.MILLISECONDS)
        .description("write stalls and the time writers spent delayed or stopped").tags(tags).register(registry);

    for (int level = 0; level < levels; level++) {
      int l = level;
      gauge(registry, "strata.sst.files", "live SSTables in the level", null,
          s -> l < s.levels().size() ? s.levels().get(l).files() : 0, "level", Integer.toString(l));
      gauge(registry, "strata.sst.size", "bytes of live SSTables in the level", BaseUnits.BYTES,
          s -> l < s.levels().size() ? s.levels().get(l).bytes() : 0, "level", Integer.toString(l));
    }
    gauge(registry, "strata.compaction.pending.bytes", "estimated bytes compaction still has to rewrite",
        BaseUnits.BYTES, DbStats::pendingCompactionBytes);
    gauge(registry, "strata.memtable.size", "approximate bytes in the mutable memtable", BaseUnits.BYTES,
        DbStats::memtableBytes);
    gauge(registry, "strata.memtable.immutable", "immutable memtables waiting for flush", null,
        DbStats::immutableMemtables);
    gauge(registry, "strata.memtable.immutable.size", "bytes in immutable memtables", BaseUnits.BYTES,
        DbStats::immutableMemtableBytes);
    gauge(registry, "strata.snapshots.open", "open snapshots", null, DbStats::snapshotsOpen);
    gauge(registry, "strata.sequence.last", "sequence number of the newest write", null, DbStats::lastSequence);
  }

  private void bindLatency(MeterRegistry registry, String op, Function<OperationStats, LatencyStats> latency) {
    ToDoubleFunction<DbStats> count = s -> latency.apply(s.operations()).count();
    ToDoubleFunction<DbStats> totalMicros = s -> {
      LatencyStats l = latency.apply(s.operations());
      return l.meanMicros() * l.count();
    };
    FunctionTimer.builder("strata.latency", db, d -> (long) stats.value(count), d -> stats.value(totalMicros),
            TimeUnit.MICROSECONDS)
        .description("latency of the operation").tags(tags).tag("op", op).register(registry);
    for (double q : QUANTILES) {
      ToDoubleFunction<DbStats> micros = s -> quantile(latency.apply(s.operations()), q);
      TimeGauge.builder("strata.latency.percentile", db, TimeUnit.MICROSECONDS, d -> stats.value(micros))
          .description("latency percentile of the operation").tags(tags).tag("op", op)
          .tag("quantile", Double.toString(q)).register(registry);
    }
    TimeGauge.builder("strata.latency.max", db, TimeUnit.MICROSECONDS,
            d -> stats.value(s -> latency.apply(s.operations()).maxMicros()))
        .description("largest latency of the operation").tags(tags).tag("op", op).register(registry);
  }

  private static double quantile(LatencyStats l, double q) {
    if (q == 0.5) {
      return l.p50Micros();
    }
    if (q == 0.95) {
      return l.p95Micros();
    }
    return q == 0.99 ? l.p99Micros() : l.p999Micros();
  }

  private void counter(MeterRegistry registry, String name, String description, String baseUnit,
      ToDoubleFunction<DbStats> f, String... extraTags) {
    FunctionCounter.builder(name, db, d -> stats.value(f))
        .description(description).baseUnit(baseUnit).tags(tags).tags(extraTags).register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, String baseUnit,
      ToDoubleFunction<DbStats> f, String... extraTags) {
    Gauge.builder(name, db, d -> stats.value(f))
        .description(description).baseUnit(baseUnit).tags(tags).tags(extraTags).register(registry);
  }
}
