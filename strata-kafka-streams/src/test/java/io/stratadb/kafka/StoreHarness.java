package io.stratadb.kafka;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

/**
 * Initialises state stores the way Kafka's documentation tests them, with kafka-streams-test-utils'
 * {@link MockProcessorContext}, and keeps what a store registers (its restore and commit callbacks)
 * so tests can drive restoration and commits as the Streams runtime does. The {@link
 * StateStoreContext} it hands out is the mock's own, wrapped only to record {@code register}.
 */
final class StoreHarness {

  final MockProcessorContext<Object, Object> processorContext;
  final File stateDir;
  StateRestoreCallback restoreCallback;
  CommitCallback commitCallback;

  /** A harness for task 0_{@code partition} whose state directory is {@code stateDir}. */
  StoreHarness(File stateDir, int partition, Map<String, Object> extraConfigs) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "contract");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.getAbsolutePath());
    props.putAll(extraConfigs);
    this.stateDir = stateDir;
    this.processorContext = new MockProcessorContext<>(props, new TaskId(0, partition), stateDir);
  }

  /** Initialises {@code store} as its own root. */
  <S extends StateStore> S init(S store) {
    store.init(context(), store);
    return store;
  }

  /** Sets the metadata of the record "being processed", which stores track as their position. */
  void processing(String topic, int partition, long offset) {
    processorContext.setRecordMetadata(topic, partition, offset);
  }

  /** The value of the StrataDB gauge {@code strata-<name>} of store {@code store}. */
  double gauge(String store, String name) {
    return processorContext.metrics().metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("strata-" + name) && store.equals(e.getKey().tags().get("strata-state-id")))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no gauge strata-" + name + " for " + store));
  }

  /** Hands {@code records} to the registered restore callback, as the restore consumer would. */
  void restore(Collection<ConsumerRecord<byte[], byte[]>> records) {
    ((RecordBatchingStateRestoreCallback) restoreCallback).restoreBatch(records);
  }

  /** Runs the registered commit callback, as a Streams commit does. */
  void commit() throws IOException {
    commitCallback.onCommit();
  }

  /** A changelog record of {@code topic}-0 at {@code offset}; a null value is a tombstone. */
  static ConsumerRecord<byte[], byte[]> changelog(String topic, long offset, byte[] key, byte[] value) {
    return new ConsumerRecord<>(topic, 0, offset, key, value);
  }

  static List<ConsumerRecord<byte[], byte[]>> records() {
    return new ArrayList<>();
  }

  private StateStoreContext context() {
    return new ForwardingStateStoreContext(processorContext.getStateStoreContext()) {
      @Override
      public void register(StateStore store, StateRestoreCallback callback, CommitCallback commit) {
        restoreCallback = callback;
        commitCallback = commit;
        super.register(store, callback, commit);
      }
    };
  }
}
