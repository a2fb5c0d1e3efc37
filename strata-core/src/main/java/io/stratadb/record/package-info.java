/**
 * Internal (not exported by the module {@code io.stratadb}): the record log format shared by the
 * write-ahead log and the manifest (LevelDB's {@code db/log_format.h}), its writer and reader.
 */
package io.stratadb.record;
