/**
 * Internal (not exported by the module {@code io.stratadb}): the engine's iterators over
 * internal keys (merging, per-level, user-facing) and parallel seeks.
 */
package io.stratadb.iterator;
