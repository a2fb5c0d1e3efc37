package io.stratadb.ycsb;

import java.util.function.BiPredicate;

/**
 * The few engine operations a YCSB binding needs, so {@link RecordStoreClient} holds the YCSB logic
 * once for every engine. Implementations are thread-safe: YCSB's client threads share one store.
 * Engine failures surface as unchecked exceptions (the engine's own, or {@link
 * IllegalStateException} wrapping a checked one); the binding turns them into {@code
 * Status.ERROR}.
 */
interface RecordStore extends AutoCloseable {

  /** The value of {@code key}, or null if absent. */
  byte[] get(byte[] key);

  /** Stores {@code value} under {@code key}, through the write-ahead log. */
  void put(byte[] key, byte[] value);

  /** Deletes {@code key}; deleting an absent key is not an error. */
  void delete(byte[] key);

  /**
   * Visits the entries with {@code start <= key < end} in ascending key order, until {@code
   * visitor} returns false or the range ends.
   */
  void scan(byte[] start, byte[] end, BiPredicate<byte[], byte[]> visitor);

  /** Closes the engine and frees its resources. */
  @Override
  void close();
}
