package io.stratadb.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.internals.SessionWindow;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.WindowStore;

/**
 * One state store hosted by Kafka's own {@link TopologyTestDriver}, so that it runs under Kafka's
 * real metered layer and task context (caching and change-logging off unless the builder says
 * otherwise). Records piped to topic {@value #INPUT} reach a processor that writes them into the
 * store: for a window store, {@code (key, value)} into the window starting at the record's
 * timestamp; for a versioned store, the version {@code (key, value)} at the record's timestamp (a
 * null value deletes); for a session store, a value {@code start:end:aggregate} into that session.
 */
final class StoreTopology implements AutoCloseable {

  static final String INPUT = "input";

  final TopologyTestDriver driver;
  final TestInputTopic<String, String> input;
  final Path stateDir;

  private StoreTopology(Topology topology, Path stateDir) {
    this.stateDir = stateDir;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "contract");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    this.driver = new TopologyTestDriver(topology, props);
    this.input = driver.createInputTopic(INPUT, new StringSerializer(), new StringSerializer());
  }

  /** Hosts {@code builder}'s store; the writer processor puts what {@link #INPUT} receives. */
  static StoreTopology host(StoreBuilder<? extends StateStore> builder, Path stateDir) {
    Topology topology = new Topology();
    topology.addSource("source", new StringDeserializer(), new StringDeserializer(), INPUT);
    String name = builder.name();
    topology.addProcessor("writer", () -> new Writer(name), "source");
    topology.addStateStore(builder, "writer");
    return new StoreTopology(topology, stateDir);
  }

  /** The hosted store, as the metered store Kafka Streams gives processors. */
  @SuppressWarnings("unchecked")
  <S extends StateStore> S store(String name) {
    return (S) driver.getAllStateStores().get(name);
  }

  /** The names of the segment directories ({@code <store>.<start ms>}) anywhere under the state dir. */
  List<String> segmentDirs(String storeName) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(stateDir)) {
      paths.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches(java.util.regex.Pattern.quote(storeName) + "\\.\\d+"))
          .sorted()
          .forEach(names::add);
    }
    return names;
  }

  /** Drains and closes {@code it}, rendering each entry with {@code render}. */
  static <K, V> List<String> drain(KeyValueIterator<K, V> it, java.util.function.Function<KeyValue<K, V>, String> render) {
    List<String> out = new ArrayList<>();
    try (it) {
      while (it.hasNext()) {
        out.add(render.apply(it.next()));
      }
    }
    return out;
  }

  /** {@code key@start..end=value}. */
  static <V> String windowed(KeyValue<Windowed<String>, V> kv) {
    return kv.key.key() + "@" + kv.key.window().start() + ".." + kv.key.window().end() + "=" + kv.value;
  }

  /** A session window key. */
  static Windowed<String> session(String key, long start, long end) {
    return new Windowed<>(key, new SessionWindow(start, end));
  }

  @Override
  public void close() {
    driver.close();
  }

  private static final class Writer implements Processor<String, String, Void, Void> {
    private final String storeName;
    private StateStore store;

    Writer(String storeName) {
      this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(storeName);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Record<String, String> record) {
      if (store instanceof WindowStore<?, ?> w) {
        ((WindowStore<String, String>) w).put(record.key(), record.value(), record.timestamp());
      } else if (store instanceof org.apache.kafka.streams.state.VersionedKeyValueStore<?, ?> v) {
        ((org.apache.kafka.streams.state.VersionedKeyValueStore<String, String>) v)
            .put(record.key(), record.value(), record.timestamp());
      } else {
        String[] f = record.value().split(":", 3);
        ((SessionStore<String, String>) store)
            .put(session(record.key(), Long.parseLong(f[0]), Long.parseLong(f[1])), f[2]);
      }
    }
  }
}
