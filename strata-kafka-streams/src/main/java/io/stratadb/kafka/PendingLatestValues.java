package io.stratadb.kafka;

import io.stratadb.WriteBatch;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.utils.Bytes;

/**
 * The latest values a versioned store wrote since its history segments were last made durable,
 * held back from the latest-value database until they are. The store's databases become durable
 * one by one, each at its own memtable flush (without the WAL); the latest-value database must
 * never be durable ahead of the segments, or a crash can lose a version that a put moved from the
 * latest values into a segment: the latest value on disk is then already the one that replaced
 * it, and replaying the changelog from the last commit cannot move it again ({@code
 * StrataVersionedStoreTest.aCrashAfterTheLatestValuesFlushedOnTheirOwnLosesNothing}). Holding the
 * latest values here until the segments are durable, then writing them ({@link #drainTo}), keeps
 * the latest-value database at or behind the segments whatever it flushes on its own, the
 * direction a replay reconciles. Kafka's versioned store keeps both in one RocksDB instance,
 * which flushes them together.
 *
 * <p>Thread safety: the stream thread writes and drains; IQ threads may read ({@link #get}) at any
 * time. A drain writes the database before it forgets the values, so a reader finds each value
 * here or there.
 */
final class PendingLatestValues {

  /** Marks a deleted latest value (a map cannot hold null). */
  private static final byte[] DELETED = new byte[0];
  /** Estimated heap per entry beyond its key and value bytes (map node, {@code Bytes}, array headers). */
  private static final int ENTRY_OVERHEAD_BYTES = 96;

  private final Map<Bytes, byte[]> values = new ConcurrentHashMap<>();
  /** Estimated heap held, in bytes; the stream thread's. */
  private long bytes;

  /** Whether {@code found}, from {@link #get}, says the key was deleted. */
  static boolean isDeleted(byte[] found) {
    return found == DELETED;
  }

  /**
   * The pending latest value of {@code key}: its encoded {@link LatestValue}, a value for which
   * {@link #isDeleted} is true if it was deleted, or null if none is pending (read the database).
   */
  byte[] get(byte[] key) {
    return values.get(Bytes.wrap(key));
  }

  /**
   * Records one operation's latest values: an encoded {@link LatestValue} per key, or null for a
   * deleted one.
   */
  void putAll(Map<Bytes, byte[]> latest) {
    for (Map.Entry<Bytes, byte[]> e : latest.entrySet()) {
      byte[] value = e.getValue() == null ? DELETED : e.getValue();
      byte[] old = values.put(e.getKey(), value);
      bytes += value.length - (old == null ? -e.getKey().get().length - ENTRY_OVERHEAD_BYTES : old.length);
    }
  }

  /** Estimated heap the pending values hold, in bytes. */
  long bytes() {
    return bytes;
  }

  boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * Writes the pending values with {@code writer} (one batch: puts, and deletes for deleted keys),
   * then forgets them; nothing if none are pending. REQUIRES: the history segments hold every
   * write made before these values durably. If the write fails the values stay pending.
   */
  void drainTo(java.util.function.Consumer<WriteBatch> writer) {
    if (values.isEmpty()) {
      return;
    }
    WriteBatch batch = new WriteBatch();
    for (Map.Entry<Bytes, byte[]> e : values.entrySet()) {
      if (e.getValue() == DELETED) {
        batch.delete(e.getKey().get());
      } else {
        batch.put(e.getKey().get(), e.getValue());
      }
    }
    writer.accept(batch);
    values.clear(); // only the stream thread adds: nothing came in since the batch was built
    bytes = 0;
  }
}
