package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams over StrataDB stores on a real cluster: a Kafka 4.4 broker in KRaft mode (one
 * combined broker and controller, a {@link KafkaBroker} run from the Maven artifacts in a child
 * JVM), an input topic of 4 partitions and two {@link CountByKeyApp}
 * instances in separate JVMs ({@code exactly_once_v2}, one standby replica).
 *
 * <p>One instance is killed with SIGKILL while records stream in; the other must take over all 4
 * tasks and restore their state into StrataDB. The killed one then starts again on its state
 * directory and must get tasks back. Every input record yields one output record carrying its
 * key's new count, so in the output read with {@code read_committed} each key's values must be
 * exactly 1, 2, ..., n, n being the key's number of input records: a count lost, repeated (counted
 * twice) or out of order fails the test.
 *
 * <p>The short run is in the default build; the long one ({@code kafka.failover.kills} kills,
 * 10 unless set) is tagged {@code slow}: {@code mvn -B -pl strata-kafka-streams -am test -Pslow-tests
 * -Dtest=KafkaClusterFailoverTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class KafkaClusterFailoverTest {
  private static final String INPUT = "input";
  private static final String OUTPUT = "counts-out";
  private static final int PARTITIONS = 4;
  private static final int KEYS = 200;
  private static final long TIMEOUT_MS = 60_000;

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  private final Map<String, Long> model = new TreeMap<>();
  private final SplittableRandom random = new SplittableRandom(26);

  @Test
  void killedInstanceTasksMoveAndComeBackWithNothingCountedTwice() throws Exception {
    run(1, 1500);
  }

  @Test
  @Tag("slow")
  void manyKillsLoseAndRepeatNothing() throws Exception {
    run(Integer.getInteger("kafka.failover.kills", 10), 3000);
  }

  /** {@code kills} rounds of: produce, SIGKILL one instance mid-stream, produce, restart it, produce. */
  private void run(int kills, int recordsPerStep) throws Exception {
    try (KafkaBroker cluster = new KafkaBroker(Files.createDirectories(dir.resolve("kraft")));
         KafkaProducer<String, String> producer = producer(cluster.bootstrapServers());
         OutputReader output = new OutputReader(cluster.bootstrapServers());
         AppInstance a = app("a", cluster);
         AppInstance b = app("b", cluster)) {
      cluster.createTopics(PARTITIONS, INPUT, OUTPUT);
      a.start();
      b.start();
      a.awaitTasks(t -> !t.isEmpty(), "some active tasks", TIMEOUT_MS);
      b.awaitTasks(t -> !t.isEmpty(), "some active tasks", TIMEOUT_MS);
      for (int round = 0; round < kills; round++) {
        AppInstance victim = round % 2 == 0 ? b : a;
        AppInstance survivor = victim == a ? b : a;
        produce(producer, recordsPerStep);
        output.awaitCount(total() - recordsPerStep / 2, TIMEOUT_MS);
        produce(producer, recordsPerStep);
        victim.kill();
        survivor.awaitTasks(t -> t.size() == PARTITIONS, "all " + PARTITIONS + " tasks", TIMEOUT_MS);
        produce(producer, recordsPerStep);
        victim.start();
        victim.awaitTasks(t -> !t.isEmpty(), "tasks back after restart", TIMEOUT_MS);
        survivor.awaitTasks(t -> t.size() < PARTITIONS, "tasks given back", TIMEOUT_MS);
      }
      produce(producer, recordsPerStep);
      output.awaitFinal(model, TIMEOUT_MS);
      output.drain(2000);
      for (Map.Entry<String, List<Long>> key : output.values.entrySet()) {
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i <= model.get(key.getKey()); i++) {
          expected.add(i);
        }
        assertEquals(expected, key.getValue(), "the committed counts of " + key.getKey());
      }
      assertEquals(model.keySet(), output.values.keySet());
      assertTrue(a.errors().isEmpty() && b.errors().isEmpty(), "stream-thread errors: " + a.errors() + b.errors());
    }
  }

  private AppInstance app(String name, KafkaBroker cluster) {
    return new AppInstance(name, cluster.bootstrapServers(), dir.resolve("state-" + name), "strata-failover", INPUT, OUTPUT);
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), new StringSerializer());
  }

  /** Sends {@code records} records on random keys, adds them to the model and waits until they are acknowledged. */
  private void produce(KafkaProducer<String, String> producer, int records) {
    for (int i = 0; i < records; i++) {
      String key = "k" + random.nextInt(KEYS);
      model.merge(key, 1L, Long::sum);
      producer.send(new ProducerRecord<>(INPUT, key, "v" + i));
    }
    producer.flush();
  }

  private long total() {
    return model.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Reads the whole output topic with {@code read_committed}, keeping every value per key in order. */
  private static final class OutputReader implements AutoCloseable {
    final Map<String, List<Long>> values = new TreeMap<>();
    private final KafkaConsumer<String, Long> consumer;
    private long count;

    OutputReader(String bootstrap) {
      consumer = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
          new StringDeserializer(), new LongDeserializer());
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(OUTPUT, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    private void poll() {
      for (ConsumerRecord<String, Long> record : consumer.poll(Duration.ofMillis(100))) {
        values.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
        count++;
      }
    }

    /** Waits until at least {@code records} committed output records were read. */
    void awaitCount(long records, long timeoutMs) {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (count < records) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("only " + count + " of " + records + " output records in " + timeoutMs + " ms");
        }
        poll();
      }
    }

    /** Waits until every key's last committed value is its count in {@code model}, or a later one. */
    void awaitFinal(Map<String, Long> model, long timeoutMs) {
      long deadline = System.currentTimeMillis() + timeoutMs;
      while (!reached(model)) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("final counts not reached in " + timeoutMs + " ms; " + count + " output records");
        }
        poll();
      }
    }

    /** Keeps reading for {@code ms} ms, so that a value sent after the final one is seen too. */
    void drain(long ms) {
      long end = System.currentTimeMillis() + ms;
      while (System.currentTimeMillis() < end) {
        poll();
      }
    }

    private boolean reached(Map<String, Long> model) {
      for (Map.Entry<String, Long> key : model.entrySet()) {
        List<Long> seen = values.get(key.getKey());
        if (seen == null || seen.get(seen.size() - 1) < key.getValue()) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
