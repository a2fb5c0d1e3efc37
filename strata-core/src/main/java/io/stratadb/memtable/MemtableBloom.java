package io.stratadb.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A whole-key bloom filter over a memtable's user keys, so a point lookup of a key the memtable
 * does not hold skips the index search (RocksDB's {@code memtable_whole_key_filtering} with its
 * {@code DynamicBloom}). Cache-local: every probe of a key falls in one 64-byte block (8 longs),
 * so a lookup costs one cache miss however many probes it makes.
 *
 * <p>A key's 64-bit hash (MurmurHash64A, {@link io.stratadb.util.Hash64}, the hash the SSTable
 * filters use) picks the block from its high 32 bits by multiply-shift range reduction; a second
 * mix of the hash gives {@value #PROBES} bit positions of 9 bits each within the block's 512 bits.
 * Never false negatives; with about 20 bits per key the false positive rate is well under 1%.
 *
 * <p>Thread-safe: {@link #add} sets bits with atomic ORs, so several writers may add at once; a
 * reader sees every bit set before the write it reads was published (the memtable's entries are
 * published after their bits, through the index's release store and the database's sequence number).
 */
final class MemtableBloom {
  /** Probes per key: about the optimum (ln 2 x bits per key) for 10-20 bits per key. */
  static final int PROBES = 6;
  private static final int LONGS_PER_BLOCK = 8;
  private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] bits;
  private final long blocks;

  /**
   * @param bytes size of the filter in bytes, rounded up to a whole 64-byte block; at least one
   *     block and at most 1 GiB
   * @throws IllegalArgumentException if {@code bytes} is not positive or above 1 GiB
   */
  MemtableBloom(long bytes) {
    if (bytes <= 0 || bytes > (1L << 30)) {
      throw new IllegalArgumentException("memtable bloom size must be 1 B to 1 GiB, got " + bytes);
    }
    this.blocks = (bytes + 63) / 64;
    this.bits = new long[(int) (blocks * LONGS_PER_BLOCK)];
  }

  /** Size of the filter in bytes. */
  long sizeBytes() {
    return (long) bits.length * Long.BYTES;
  }

  /** Records a key by its 64-bit hash. */
  void add(long hash) {
    int base = blockStart(hash);
    long positions = positions(hash);
    for (int j = 0; j < PROBES; j++) {
      int bit = (int) (positions >>> (9 * j)) & 511;
      BITS.getAndBitwiseOr(bits, base + (bit >>> 6), 1L << bit);
    }
  }

  /** False only if no key with this hash was added. */
  boolean mayContain(long hash) {
    int base = blockStart(hash);
    long positions = positions(hash);
    for (int j = 0; j < PROBES; j++) {
      int bit = (int) (positions >>> (9 * j)) & 511;
      if ((bits[base + (bit >>> 6)] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  private int blockStart(long hash) {
    return (int) (((hash >>> 32) * blocks) >>> 32) * LONGS_PER_BLOCK;
  }

  /** A second mix (SplitMix64's finaliser), so the positions do not repeat the block's bits. */
  private static long positions(long hash) {
    long z = hash;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
