package io.stratadb.memtable;

/**
 * Where a memtable charges its memory as it grows (RocksDB's {@code AllocTracker} reporting arena
 * blocks to the {@code WriteBufferManager}): each arena chunk before it is allocated, and the
 * memtable's bloom filter. The memtable keeps the sum ({@link Memtable#chargedBytes()}); the owner
 * returns it when the memtable is dropped.
 *
 * <p>Implementations are thread-safe: the writer and the arena's chunk preparer call them.
 */
public interface ChunkCharger {
  /** Charges nothing. */
  ChunkCharger NONE = new ChunkCharger() {
    @Override
    public void charge(long bytes) {}

    @Override
    public boolean tryCharge(long bytes) {
      return true;
    }
  };

  /**
   * Charges {@code bytes} the memtable is about to allocate; may wait until room is freed (a strict
   * limit), but always charges in the end.
   */
  void charge(long bytes);

  /**
   * Charges {@code bytes} for a chunk allocated ahead of need, if they fit now without waiting.
   *
   * @return whether they were charged (if not, the chunk is not allocated ahead)
   */
  boolean tryCharge(long bytes);
}
