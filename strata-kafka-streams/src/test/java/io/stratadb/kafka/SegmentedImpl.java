package io.stratadb.kafka;

import java.time.Duration;
import org.apache.kafka.streams.state.SessionBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/** The two implementations the window and session tests run against: Kafka's RocksDB and ours. */
enum SegmentedImpl {
  KAFKA_ROCKSDB {
    @Override
    WindowBytesStoreSupplier window(String name, long retentionMs, long sizeMs, boolean dups) {
      return Stores.persistentWindowStore(name, Duration.ofMillis(retentionMs), Duration.ofMillis(sizeMs), dups);
    }

    @Override
    WindowBytesStoreSupplier timestampedWindow(String name, long retentionMs, long sizeMs, boolean dups) {
      return Stores.persistentTimestampedWindowStore(
          name, Duration.ofMillis(retentionMs), Duration.ofMillis(sizeMs), dups);
    }

    @Override
    SessionBytesStoreSupplier session(String name, long retentionMs) {
      return Stores.persistentSessionStore(name, Duration.ofMillis(retentionMs));
    }
  },
  STRATADB {
    @Override
    WindowBytesStoreSupplier window(String name, long retentionMs, long sizeMs, boolean dups) {
      return StrataStores.persistentWindowStore(name, Duration.ofMillis(retentionMs), Duration.ofMillis(sizeMs), dups);
    }

    @Override
    WindowBytesStoreSupplier timestampedWindow(String name, long retentionMs, long sizeMs, boolean dups) {
      return StrataStores.persistentTimestampedWindowStore(
          name, Duration.ofMillis(retentionMs), Duration.ofMillis(sizeMs), dups);
    }

    @Override
    SessionBytesStoreSupplier session(String name, long retentionMs) {
      return StrataStores.persistentSessionStore(name, Duration.ofMillis(retentionMs));
    }
  };

  abstract WindowBytesStoreSupplier window(String name, long retentionMs, long sizeMs, boolean dups);

  abstract WindowBytesStoreSupplier timestampedWindow(String name, long retentionMs, long sizeMs, boolean dups);

  abstract SessionBytesStoreSupplier session(String name, long retentionMs);
}
