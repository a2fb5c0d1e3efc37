package io.stratadb.kafka;

import io.stratadb.Db;
import io.stratadb.DbStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.StateStoreContext;

/**
 * A store's StrataDB gauges, registered in Kafka Streams' metrics registry through {@code
 * StateStoreContext.metrics()}, beside the metered store's own latency and rate metrics. Group
 * {@value #GROUP}, tags {@code thread-id}, {@code task-id} and {@code strata-state-id} (the store
 * name), as Kafka's RocksDB metrics use {@code rocksdb-state-id}. Each value sums {@link DbStats}
 * over the store's databases (one for a key-value store, one per segment for a segmented store):
 *
 * <ul>
 *   <li>{@code memtable-bytes}: bytes in the memtables, mutable and immutable
 *   <li>{@code immutable-memtables}: memtables waiting to be flushed
 *   <li>{@code sstable-bytes}: bytes of SSTables on disk (the live state size)
 *   <li>{@code pending-compaction-bytes}: bytes compaction estimates it still has to rewrite
 *   <li>{@code flushes}, {@code compactions}: memtable flushes and compactions since open
 *   <li>{@code write-stall-ms}: total time writers were delayed or blocked, in ms
 *   <li>{@code block-cache-hits}, {@code block-cache-misses}: data block reads since open
 *   <li>{@code wal-syncs}: fsyncs of the WAL since open (with {@link StrataStores#WAL_CONFIG} on:
 *       at commits, see {@link StrataStores#SYNC_ON_COMMIT_CONFIG})
 * </ul>
 *
 * <p>Thread safety: the metrics reporter reads the gauges from its own thread; {@link Db#stats()}
 * is thread-safe, and the supplier of databases must be too.
 */
final class StoreMetrics implements AutoCloseable {

  /** The metric group, Kafka Streams' state-store group. */
  static final String GROUP = "stream-state-metrics";

  private static final Map<String, ToLongFunction<DbStats>> GAUGES = new LinkedHashMap<>();

  static {
    GAUGES.put("memtable-bytes", s -> s.memtableBytes() + s.immutableMemtableBytes());
    GAUGES.put("immutable-memtables", DbStats::immutableMemtables);
    GAUGES.put("sstable-bytes", DbStats::totalTableBytes);
    GAUGES.put("pending-compaction-bytes", DbStats::pendingCompactionBytes);
    GAUGES.put("flushes", DbStats::flushCount);
    GAUGES.put("compactions", DbStats::compactionCount);
    GAUGES.put("write-stall-ms", DbStats::stallMillis);
    GAUGES.put("block-cache-hits", DbStats::blockCacheHits);
    GAUGES.put("block-cache-misses", DbStats::blockCacheMisses);
    GAUGES.put("wal-syncs", s -> s.operations().walSyncs());
  }

  private final StreamsMetrics metrics;
  private final List<Sensor> sensors = new ArrayList<>();

  private StoreMetrics(StreamsMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Registers the gauges of store {@code storeName}, reading the databases {@code dbs} gives at
   * each measurement. Call from the stream thread that initialises the store (its name is the
   * {@code thread-id} tag).
   */
  static StoreMetrics register(StateStoreContext context, String storeName, Supplier<? extends Collection<Db>> dbs) {
    StoreMetrics m = new StoreMetrics(context.metrics());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("thread-id", Thread.currentThread().getName());
    tags.put("task-id", String.valueOf(context.taskId()));
    tags.put("strata-state-id", storeName);
    String prefix = "strata." + tags.get("thread-id") + "." + tags.get("task-id") + "." + storeName + ".";
    for (Map.Entry<String, ToLongFunction<DbStats>> g : GAUGES.entrySet()) {
      Sensor sensor = m.metrics.addSensor(prefix + g.getKey(), Sensor.RecordingLevel.INFO);
      m.sensors.add(sensor);
      MetricName name = new MetricName("strata-" + g.getKey(), GROUP, "StrataDB " + g.getKey() + " of the store", tags);
      ToLongFunction<DbStats> f = g.getValue();
      sensor.add(name, new MeasurableStat() {
        @Override
        public void record(MetricConfig config, double value, long timeMs) {}

        @Override
        public double measure(MetricConfig config, long now) {
          long sum = 0;
          for (Db db : dbs.get()) {
            sum += f.applyAsLong(db.stats());
          }
          return sum;
        }
      });
    }
    return m;
  }

  /** Removes the gauges from the registry. Idempotent. */
  @Override
  public void close() {
    for (Sensor s : sensors) {
      metrics.removeSensor(s);
    }
    sensors.clear();
  }
}
