/**
 * StrataDB's API: an embedded, ordered, durable key-value store built as a log-structured merge
 * tree. Start at {@link io.stratadb.Db#open(java.nio.file.Path, io.stratadb.Options)}.
 *
 * <ul>
 *   <li>{@link io.stratadb.Db}: put, get, delete, atomic {@link io.stratadb.WriteBatch}es, {@link
 *       io.stratadb.DbIterator}s (for-each and streams of {@link io.stratadb.KeyValue}s), bounded
 *       and prefix scans ({@link io.stratadb.Bound}), {@code multiGet},
 *       {@link io.stratadb.Snapshot}s, optimistic {@link io.stratadb.Transaction}s, checkpoints,
 *       flush and {@code compactRange}, statistics ({@link io.stratadb.DbStats}).
 *   <li>{@link io.stratadb.Options} (tuning, immutable, built with {@link
 *       io.stratadb.Options#builder()}), {@link io.stratadb.ReadOptions}, {@link
 *       io.stratadb.WriteOptions}, {@link io.stratadb.TransactionOptions}; {@link
 *       io.stratadb.CompactionStrategy}, {@link io.stratadb.Compression}, {@link
 *       io.stratadb.CompactionFilter}.
 *   <li>Errors, all unchecked: {@link io.stratadb.StrataException} and its subclasses {@link
 *       io.stratadb.CorruptionException} (names the file and offset), {@link
 *       io.stratadb.StrataIOException}, {@link io.stratadb.TransactionConflictException}, {@link
 *       io.stratadb.CompressionUnavailableException} and {@link io.stratadb.DbClosedException}
 *       (after close); {@link IllegalArgumentException} for bad arguments. A missing key is not an error: {@code get} returns {@code null}.
 * </ul>
 *
 * <p>Keys and values are byte arrays; keys are ordered as unsigned bytes. Every type states its
 * thread safety; {@code Db} itself may be used from any number of threads.
 */
package io.stratadb;
