package io.stratadb.kafka;

import io.stratadb.DbClosedException;
import io.stratadb.StrataException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;

/**
 * Kafka's exception for a StrataDB failure inside a store, as Kafka's RocksDB stores throw them: a
 * database found closed (the store closed under a reader on another thread) is a closed store,
 * {@link InvalidStateStoreException}, which interactive-query callers retry elsewhere; any other
 * storage failure is a {@link ProcessorStateException}, which fails the task. Stateless.
 */
final class StoreErrors {

  private StoreErrors() {}

  /**
   * @param storeName the store's name, for the message
   * @param what what the store was doing ("getting key k from"), for the message
   * @return the exception to throw, with {@code e} as its cause
   */
  static RuntimeException translate(String storeName, String what, StrataException e) {
    if (e instanceof DbClosedException) {
      return new InvalidStateStoreException("Store " + storeName + " is currently closed", e);
    }
    return new ProcessorStateException("Error while " + what + " store " + storeName, e);
  }
}
