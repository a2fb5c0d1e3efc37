package io.stratadb.wal;

import io.stratadb.util.ByteSource;

/**
 * Follows the sequence numbers of consecutive WAL records, to find where a record does not continue
 * the one before it. The write path logs an empty record at the first sequence number of each run
 * of writes made without the WAL ({@code WriteOptions.withoutWal()}), so when such writes are lost
 * with their memtable, the next logged record leaves a gap; recovery stops there ({@code
 * WalRecovery}), and repair and verify must find the same place. Shared by those three readers, so
 * they agree on what a gap is.
 *
 * <p>Not thread-safe: one instance per pass over the WALs.
 */
public final class WalSequence {
  /** Sequence number of the last entry of the last record passed to {@link #replayed}, -1 before. */
  private long last = -1;

  /**
   * How many sequence numbers are missing between the last record {@link #replayed} and {@code
   * record}: 0 if it continues them, if none was replayed yet, or if {@code record} is shorter than
   * its 8-byte sequence number (malformed: {@link WalBatch#decode} throws for it); negative if
   * {@code record} goes back to numbers already replayed. Anything but 0 is where recovery stops.
   */
  public long gapBefore(byte[] record) {
    if (last < 0 || record.length < Long.BYTES) {
      return 0;
    }
    return firstSequence(record) - (last + 1);
  }

  /** The sequence number {@code record} starts at (its first 8 bytes). REQUIRES: at least 8 bytes. */
  public static long firstSequence(byte[] record) {
    return new ByteSource(record).getFixed64();
  }

  /** Notes that a record ending at sequence number {@code lastSequence} was replayed. */
  public void replayed(long lastSequence) {
    last = lastSequence;
  }

  /** Sequence number of the last entry of the last record replayed, -1 if none was. */
  public long last() {
    return last;
  }
}
