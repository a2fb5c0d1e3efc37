/**
 * Internal (not exported by the module {@code io.stratadb}): the payload of a write-ahead log
 * record, a write batch with its first sequence number, and its encoder.
 */
package io.stratadb.wal;
