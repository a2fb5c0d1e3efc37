/**
 * Internal (not exported by the module {@code io.stratadb}): byte coding (fixed-width integers,
 * varints), CRC32C with LevelDB's masking, hashing, unsigned byte order, slices, reference counts, freeing direct buffers.
 */
package io.stratadb.util;
