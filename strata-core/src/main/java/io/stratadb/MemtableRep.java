package io.stratadb;

/**
 * How a memtable orders its entries (RocksDB's {@code MemTableRep}, chosen there by {@code
 * memtable_factory}). Both keep every version of every key in internal-key order, both let readers
 * run without locks, and both store keys and values in the memtable's arena; they differ in the
 * cost of a search. Set with {@link Options.Builder#memtableRep}.
 */
public enum MemtableRep {
  /**
   * A B+tree of 32 keys per node, read by optimistic validation (the default): a search reads a
   * few nodes, each a handful of adjacent cache lines, so inserts into a large memtable take about
   * a third of a skiplist's time. Writers take turns (the database writes from one thread anyway).
   */
  BPLUS_TREE,
  /**
   * A skiplist (LevelDB's and RocksDB's default): a search compares about {@code 4 log4(n)} nodes,
   * one cache miss each. Several threads may insert at once without locking.
   */
  SKIPLIST
}
