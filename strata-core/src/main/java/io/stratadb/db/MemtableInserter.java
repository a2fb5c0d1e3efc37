package io.stratadb.db;

import io.stratadb.WriteBatch;
import io.stratadb.key.ValueType;
import io.stratadb.memtable.Memtable;

/**
 * Inserts a write group's batches into the memtable with consecutive sequence numbers, straight
 * from each batch's array (LevelDB's {@code MemTableInserter}, {@code db/write_batch.cc}), so
 * the write path allocates nothing per entry. Reused by the write group's leader: not
 * thread-safe.
 */
class MemtableInserter implements WriteBatch.View {
  private Memtable memtable;
  private long sequence;

  /** Starts a group: its first entry gets {@code firstSequence}. */
  void begin(Memtable memtable, long firstSequence) {
    this.memtable = memtable;
    this.sequence = firstSequence;
  }

  /** Inserts every entry of {@code batch}, in order. REQUIRES: {@link #begin} was called. */
  void insert(WriteBatch batch) {
    batch.forEach(this);
  }

  /**
   * Ends the group and lets go of the memtable, so a flushed one is not kept reachable from here.
   *
   * @return the sequence number of the last entry inserted (one below the first if none was)
   */
  long end() {
    memtable = null;
    return sequence - 1;
  }

  @Override
  public void put(byte[] buf, int keyOffset, int keyLength, int valueOffset, int valueLength) {
    memtable.add(sequence++, ValueType.PUT, buf, keyOffset, keyLength, buf, valueOffset, valueLength);
  }

  @Override
  public void delete(byte[] buf, int keyOffset, int keyLength) {
    memtable.add(sequence++, ValueType.DELETE, buf, keyOffset, keyLength, buf, keyOffset, 0);
  }
}
