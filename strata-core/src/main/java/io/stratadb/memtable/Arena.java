package io.stratadb.memtable;

/**
 * Bump allocation of a memtable's key and value bytes in large chunks (HBase's MSLAB, LevelDB's
 * {@code util/arena.h}): millions of small arrays that live as long as the memtable would each be
 * copied by every young collection until promoted; a few chunks are not (a chunk of half a G1
 * region or more is allocated in the old generation directly), and the skiplist nodes that point
 * into them pack densely.
 *
 * <p>Chunks start small (a memtable of a few entries costs little) and double up to {@link
 * #MAX_CHUNK_BYTES}; a request larger than that gets a chunk of its own. Bytes are never freed:
 * the arena dies with its memtable.
 *
 * <p>Thread-safety: {@link #place} is synchronized; the bytes a caller writes into its range
 * become visible to other threads through the caller's own publication (the skiplist's release
 * store of the node).
 */
final class Arena {
  /** Just under 1 MiB, so that a chunk and its array header fit in one 1 MiB G1 region. */
  static final int MAX_CHUNK_BYTES = (1 << 20) - 64;
  private static final int FIRST_CHUNK_BYTES = 4096;

  private byte[] chunk = new byte[0];
  private int used;
  private int nextChunkBytes = FIRST_CHUNK_BYTES;

  /**
   * Reserves {@code length} bytes for {@code node} to fill: sets its {@code chunk} and {@code
   * offset}.
   *
   * @throws IllegalArgumentException if {@code length} is negative
   */
  synchronized void place(SkipList.Node node, int length) {
    if (length < 0) {
      throw new IllegalArgumentException("negative allocation: " + length);
    }
    if (chunk.length - used < length) {
      if (length > MAX_CHUNK_BYTES / 4) {
        // Large entries get their own chunk, so the current one keeps serving small entries.
        node.chunk = new byte[length];
        node.offset = 0;
        return;
      }
      while (nextChunkBytes < length) {
        nextChunkBytes *= 2;
      }
      chunk = new byte[nextChunkBytes];
      used = 0;
      nextChunkBytes = Math.min(MAX_CHUNK_BYTES, nextChunkBytes * 2);
    }
    node.chunk = chunk;
    node.offset = used;
    used += length;
  }
}
