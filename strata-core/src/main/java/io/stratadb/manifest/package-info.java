/**
 * Internal (not exported by the module {@code io.stratadb}): the manifest, a log of version edits
 * naming the SSTables of each level, and the versions it adds up to (LevelDB's {@code
 * db/version_set.cc}, {@code db/version_edit.cc}); the names of a database's files.
 */
package io.stratadb.manifest;
