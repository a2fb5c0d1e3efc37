/**
 * What operators' tools need beyond the {@link io.stratadb.Db} API, on a database directory that is
 * closed: {@link DbAdmin#verify verify} and {@link DbAdmin#repair repair} (LevelDB's {@code
 * RepairDB}), dumps of one SSTable ({@link SstFileDumper}), one WAL ({@link WalDumper}) and the
 * manifest ({@link ManifestDumper}), the compaction {@link CompactionSimulator}, and the names of a
 * database's files ({@link DbFileName}). {@code strata verify}, {@code repair}, {@code sst-dump},
 * {@code wal-dump}, {@code manifest-dump}, {@code compaction-sim} and {@code checkpoint} are built
 * on it.
 *
 * <p>The package is part of the public API, with {@link io.stratadb}: its types expose only JDK
 * types, {@code io.stratadb} types and its own records and enums (strings, numbers, byte arrays),
 * never the engine's internal classes, so the engine's file formats and internals can change behind
 * it. Byte arrays in its records are shared, not copied: do not modify them.
 *
 * <p>Errors follow the engine's taxonomy: {@link io.stratadb.CorruptionException} names the damaged
 * file and offset, {@link io.stratadb.StrataIOException} wraps an I/O failure, and {@link
 * IllegalArgumentException} reports a missing file or directory or a bad argument.
 */
package io.stratadb.admin;
