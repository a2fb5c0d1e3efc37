package io.stratadb.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.metrics.stats.WindowedCount;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.StateStoreContext;

/**
 * Counts the records a window or session store drops because their segment has expired (a put
 * older than stream time minus retention), as Kafka's segmented stores count them into the task's
 * {@code dropped-records}. Registered through {@code StateStoreContext.metrics()} in group {@value
 * StoreMetrics#GROUP}: {@code expired-window-record-drop-rate} (per second) and {@code
 * expired-window-record-drop-total}, tags {@code thread-id}, {@code task-id}, {@code
 * strata-state-id}.
 *
 * <p>Thread safety: Kafka's {@link Sensor} is thread-safe; {@link #close} is called once, by the
 * store's owner.
 */
final class ExpiredRecordsSensor implements AutoCloseable {

  private final StreamsMetrics metrics;
  private final Sensor sensor;

  private ExpiredRecordsSensor(StreamsMetrics metrics, Sensor sensor) {
    this.metrics = metrics;
    this.sensor = sensor;
  }

  /** Registers the sensor of store {@code storeName}; call from the initialising stream thread. */
  static ExpiredRecordsSensor register(StateStoreContext context, String storeName) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("thread-id", Thread.currentThread().getName());
    tags.put("task-id", String.valueOf(context.taskId()));
    tags.put("strata-state-id", storeName);
    StreamsMetrics metrics = context.metrics();
    String op = "expired-window-record-drop";
    Sensor sensor =
        metrics.addSensor(
            "strata." + tags.get("thread-id") + "." + tags.get("task-id") + "." + storeName + "." + op,
            Sensor.RecordingLevel.INFO);
    sensor.add(
        new MetricName(op + "-rate", StoreMetrics.GROUP, "expired records dropped per second", tags),
        new Rate(new WindowedCount()));
    sensor.add(
        new MetricName(op + "-total", StoreMetrics.GROUP, "expired records dropped", tags),
        new CumulativeSum());
    return new ExpiredRecordsSensor(metrics, sensor);
  }

  /** Counts one dropped record. */
  void record() {
    sensor.record(1.0d);
  }

  /** Removes the sensor from the registry. */
  @Override
  public void close() {
    metrics.removeSensor(sensor);
  }
}
