package io.stratadb.memtable;

import io.stratadb.MemtableRep;

/**
 * The ordered index of a memtable's entries, in internal-key order ({@link
 * io.stratadb.key.InternalKey#compare}): user key ascending (unsigned bytes), then trailer
 * descending. Entries are never removed; inserting an internal key already present replaces its
 * value. Two implementations: {@link SkipList} (LevelDB's and RocksDB's memtable) and {@link
 * BPlusTree} (fewer dependent cache misses per search, the default).
 *
 * <p>Thread-safety: any number of threads may insert and read at once. Readers never block and
 * see every entry whose insert returned before their read began.
 */
interface MemtableIndex {
  /** A new, empty index of the kind {@code rep} names, in an arena of its own. */
  static MemtableIndex create(MemtableRep rep) {
    return create(rep, new Arena());
  }

  /** A new, empty index of the kind {@code rep} names, in the new {@code arena}. */
  static MemtableIndex create(MemtableRep rep, Arena arena) {
    return switch (rep) {
      case BPLUS_TREE -> new BPlusTree(arena);
      case SKIPLIST -> new SkipList(arena);
    };
  }

  /** The entries this index orders, for reading their keys and values. */
  Entries entries();

  /**
   * Adds an entry for the internal key ({@code userKey[keyOffset, keyOffset + keyLength)}, {@code
   * trailer}) with a copy of {@code value[valueOffset, valueOffset + valueLength)}; if the internal
   * key is present, replaces its value with a copy instead. The caller may reuse its arrays.
   *
   * @return whether an entry was added
   */
  boolean insert(byte[] userKey, int keyOffset, int keyLength, long trailer, byte[] value, int valueOffset,
      int valueLength);

  /** The first entry at or after {@code p}, or {@link Entries#NIL}. */
  long seek(Probe p);

  /** A new cursor, not positioned. Each cursor is for one thread at a time. */
  Cursor cursor();

  /** Arena memory used by entries and index nodes, plus replaced values, in bytes. */
  long memoryBytes();

  /**
   * A position in the index. Each move returns the entry it lands on, or {@link Entries#NIL} when
   * there is none (the cursor is then not positioned). It sees entries inserted while it moves.
   */
  interface Cursor {
    /** Moves to the first entry. */
    long first();

    /** Moves to the first entry at or after {@code p}. */
    long seek(Probe p);

    /**
     * Moves to the last entry before {@code p} (or at it, if {@code inclusive}); a null {@code p}
     * moves to the last entry.
     */
    long seekBefore(Probe p, boolean inclusive);

    /** Moves to the next entry. REQUIRES: positioned. */
    long next();

    /** Moves to the previous entry. REQUIRES: positioned. */
    long previous();
  }
}
