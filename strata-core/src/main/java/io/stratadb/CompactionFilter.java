package io.stratadb;

import java.util.Objects;

/**
 * A user callback that compaction asks, per key, whether to keep, remove or change its value:
 * TTL expiry, dropping a tenant's keys, rewriting a format (RocksDB's {@code CompactionFilter}).
 * Set it with {@link Options.Builder#compactionFilter}.
 *
 * <p>Compaction calls it only for the newest version of a key, only when that version is a value
 * (not a tombstone) newer than every live {@link Snapshot}, so a snapshot never sees a filtered
 * change. Memtable flushes do not call it. A removed value becomes a tombstone at the same
 * sequence number, so older versions in deeper levels stay hidden, and the tombstone is dropped
 * later like any other.
 *
 * <p>Thread safety: compactions run on several background threads at once, so implementations
 * must be thread-safe. They must be fast and must not call back into the {@link Db}. An exception
 * it throws fails the compaction and puts the DB into its background-error state.
 */
@FunctionalInterface
public interface CompactionFilter {

  /**
   * Decides the fate of one value.
   *
   * @param level the level the compaction writes to (0 to 6)
   * @param key the user key; must not be modified
   * @param value its newest value; must not be modified
   * @return {@link Decision#KEEP}, {@link Decision#REMOVE} or {@link Decision#changeValue}
   */
  Decision filter(int level, byte[] key, byte[] value);

  /**
   * What to do with a value. Immutable.
   *
   * @param remove whether the key is deleted
   * @param newValue the replacement value, or null to keep the current one
   */
  record Decision(boolean remove, byte[] newValue) {
    /** Keep the value as it is. */
    public static final Decision KEEP = new Decision(false, null);
    /** Delete the key (it becomes a tombstone). */
    public static final Decision REMOVE = new Decision(true, null);

    /**
     * Replace the value.
     *
     * @param newValue the new value (empty is allowed)
     * @return a decision that keeps the key with {@code newValue} in place of its value
     * @throws NullPointerException if {@code newValue} is null
     */
    public static Decision changeValue(byte[] newValue) {
      return new Decision(false, Objects.requireNonNull(newValue, "newValue"));
    }
  }
}
