package io.stratadb.kafka;

import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * One Kafka Streams application instance, run in its own JVM by {@link KafkaClusterFailoverTest}:
 * a count-by-key topology (String keys, any String values, Long counts) over a StrataDB store
 * named {@code counts}, with {@code exactly_once_v2}, one standby replica and the record cache
 * off, so every input record yields one output record carrying the key's new count.
 *
 * <p>Arguments: {@code bootstrapServers stateDir applicationId inputTopic outputTopic [strata|rocksdb]}.
 * It reports on standard output, one line each: {@code STATE <KafkaStreams.State>} on every state
 * change and {@code TASKS <sorted active task ids>} whenever its active tasks change (polled every
 * 100 ms). It runs until killed
 * (launched through {@link ChildJvm}, it also halts when its launcher is gone).
 */
public final class CountByKeyApp {
  private CountByKeyApp() {}

  /**
   * Runs the instance until the JVM is killed.
   *
   * @param args see the class comment
   * @throws InterruptedException if the main thread is interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    String bootstrap = args[0];
    Path stateDir = Path.of(args[1]);
    String applicationId = args[2];
    boolean rocksDb = args.length > 5 && args[5].equals("rocksdb");

    KafkaStreams streams = new KafkaStreams(topology(args[3], args[4], rocksDb), config(bootstrap, stateDir, applicationId));
    streams.setStateListener((now, before) -> say("STATE " + now));
    streams.setUncaughtExceptionHandler(e -> {
      say("ERROR " + e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.start();
    String last = "";
    while (true) {
      TreeSet<String> active = new TreeSet<>();
      streams.metadataForLocalThreads().forEach(thread -> thread.activeTasks().forEach(task -> active.add(task.taskId().toString())));
      String now = String.join(",", active);
      if (!now.equals(last)) {
        say("TASKS " + now);
        last = now;
      }
      Thread.sleep(100);
    }
  }

  /**
   * The count-by-key topology: {@code input} grouped by key, counted into the store {@code counts}
   * (StrataDB's, or Kafka's RocksDB store when {@code rocksDb}), each new count sent to {@code output}.
   *
   * @param input the input topic, String keys and values
   * @param output the output topic, String keys and Long values
   * @param rocksDb whether to use Kafka's RocksDB store instead of StrataDB's
   * @return the topology; one sub-topology, one task per input partition
   */
  static Topology topology(String input, String output, boolean rocksDb) {
    KeyValueBytesStoreSupplier store = rocksDb
        ? Stores.persistentTimestampedKeyValueStore("counts")
        : StrataStores.persistentTimestampedKeyValueStore("counts");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey()
        .count(Materialized.<String, Long>as(store)
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
        .toStream()
        .to(output, Produced.with(Serdes.String(), Serdes.Long()));
    return builder.build();
  }

  private static Properties config(String bootstrap, Path stateDir, String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    // A dead instance leaves the group after 3 s instead of 45 s; its open transaction aborts after 5 s.
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 3000);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 500);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 5000);
    // A restarted instance counts as caught up however far its state lags (under exactly-once a
    // SIGKILL wipes it), so it gets active tasks back at once and restores them, instead of warm-up
    // replicas that become active only at a probing rebalance (at least a minute apart).
    props.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, Long.MAX_VALUE);
    return props;
  }

  private static synchronized void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
