package io.stratadb.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.VersionedBytesStoreSupplier;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DSL topology on a versioned KTable (prices) run through Kafka's {@link TopologyTestDriver}, once
 * on Kafka's RocksDB versioned store and once on StrataDB's: orders are joined (inner and left)
 * with the price valid at the order's time, which is what a versioned table gives a stream-table
 * join, and the table's own updates are forwarded (a versioned table drops out-of-order ones).
 * Prices arrive out of order, some beyond the grace period, some deleted. Every output topic must
 * be equal record by record, and the final as-of reads of the table alike.
 */
class VersionedTopologyTest {

  private static final Duration HISTORY = Duration.ofSeconds(20);

  @TempDir File tmp;

  private int runs;

  record Run(List<TestRecord<String, String>> joined, List<TestRecord<String, String>> left,
      List<TestRecord<String, Long>> changes, List<String> asOf) {}

  private Run run(BiFunction<String, Duration, VersionedBytesStoreSupplier> stores, long seed) {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, Long> prices = builder.table("prices", Consumed.with(Serdes.String(), Serdes.Long()),
        Materialized.<String, Long>as(stores.apply("prices", HISTORY))
            .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
    KStream<String, Long> orders = builder.stream("orders", Consumed.with(Serdes.String(), Serdes.Long()));
    orders.join(prices, (qty, price) -> qty + "x" + price).to("joined", Produced.with(Serdes.String(), Serdes.String()));
    orders.leftJoin(prices, (qty, price) -> qty + "x" + price).to("left", Produced.with(Serdes.String(), Serdes.String()));
    prices.toStream().to("changes", Produced.with(Serdes.String(), Serdes.Long()));

    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "versioned-topology");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, new File(tmp, "run" + runs++).getAbsolutePath());
    p.put(StrataStores.SYNC_ON_COMMIT_CONFIG, false); // the driver commits after every record
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
      TestInputTopic<String, Long> priceIn = driver.createInputTopic("prices", new StringSerializer(), new LongSerializer());
      TestInputTopic<String, Long> orderIn = driver.createInputTopic("orders", new StringSerializer(), new LongSerializer());
      Random rnd = new Random(seed);
      long streamTime = 0;
      for (int i = 0; i < 3_000; i++) {
        String key = "sku" + rnd.nextInt(8);
        long ts = Math.max(0, streamTime + 500 - rnd.nextInt(rnd.nextInt(10) == 0 ? 30_000 : 4_000));
        if (rnd.nextInt(3) == 0) {
          streamTime = Math.max(streamTime, ts);
          priceIn.pipeInput(key, rnd.nextInt(12) == 0 ? null : (long) rnd.nextInt(100), ts);
        } else {
          orderIn.pipeInput(key, (long) (1 + rnd.nextInt(9)), ts);
        }
      }
      VersionedKeyValueStore<String, Long> table = driver.getVersionedKeyValueStore("prices");
      List<String> asOf = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        for (long at = streamTime - HISTORY.toMillis(); at <= streamTime; at += 250) {
          VersionedRecord<Long> r = table.get("sku" + k, at);
          asOf.add("sku" + k + "@" + at + "=" + (r == null ? null : r.value() + "@" + r.timestamp()));
        }
      }
      return new Run(
          driver.createOutputTopic("joined", new StringDeserializer(), new StringDeserializer()).readRecordsToList(),
          driver.createOutputTopic("left", new StringDeserializer(), new StringDeserializer()).readRecordsToList(),
          driver.createOutputTopic("changes", new StringDeserializer(), new LongDeserializer()).readRecordsToList(),
          asOf);
    }
  }

  @Test
  void aStreamTableJoinOnAVersionedTableIsEqualOnBothStores() {
    for (long seed : new long[] {1, 2}) {
      Run kafka = run(Stores::persistentVersionedKeyValueStore, seed);
      Run strata = run(StrataStores::persistentVersionedKeyValueStore, seed);
      assertTrue(kafka.joined().size() > 500, "joined: " + kafka.joined().size());
      assertTrue(kafka.left().size() > kafka.joined().size(), "left joins also emit orders without a price");
      assertTrue(kafka.changes().stream().anyMatch(r -> r.value() == null), "deletes are forwarded");
      assertEquals(kafka.joined(), strata.joined());
      assertEquals(kafka.left(), strata.left());
      assertEquals(kafka.changes(), strata.changes());
      assertEquals(kafka.asOf(), strata.asOf());
    }
  }
}
