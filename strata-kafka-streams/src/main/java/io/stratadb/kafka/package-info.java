/**
 * Kafka Streams state stores on StrataDB: drop-in replacements for Kafka's RocksDB key-value,
 * window and session stores, obtained from {@code StrataStores}' static factories as Kafka's own
 * store supplier types.
 */
package io.stratadb.kafka;
