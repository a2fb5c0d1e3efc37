/**
 * Internal (not exported by the module {@code io.stratadb}): internal keys (user key, sequence
 * number, value type; LevelDB's {@code db/dbformat.h}), their order and lookup results.
 */
package io.stratadb.key;
