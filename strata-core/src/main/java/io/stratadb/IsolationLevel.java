package io.stratadb;

/**
 * How a {@link Transaction} is checked at commit (optimistic concurrency control: nothing is
 * locked while it runs; {@link Transaction#commit} validates and either applies every write or
 * throws {@link TransactionConflictException}).
 */
public enum IsolationLevel {
  /**
   * Snapshot isolation (RocksDB's {@code OptimisticTransactionDB}): reads see the snapshot taken
   * at begin; commit fails if another write committed to a key this transaction writes after that
   * snapshot (first committer wins). Lost updates are prevented; write skew is allowed (two
   * transactions that each read what the other writes both commit).
   */
  SNAPSHOT,

  /**
   * Serializable snapshot isolation (mini-lsm's week 3): as {@link #SNAPSHOT}, and commit also fails
   * if a key this transaction read, or any key in a range it scanned, was written after its
   * snapshot, so every committed transaction behaves as if it ran alone at its commit. Prevents
   * write skew and phantoms; read-only transactions never fail.
   */
  SERIALIZABLE
}
