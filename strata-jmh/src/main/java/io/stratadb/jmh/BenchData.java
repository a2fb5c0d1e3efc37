package io.stratadb.jmh;

import io.stratadb.key.InternalKey;
import io.stratadb.key.ValueType;
import io.stratadb.sstable.Block;
import io.stratadb.sstable.BlockBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Keys and values shaped as {@code strata bench}'s: 16-byte zero-padded decimal keys, 100-byte values. */
final class BenchData {
  static final int KEY_SIZE = 16;
  static final int VALUE_SIZE = 100;

  private BenchData() {}

  /** The 16-byte key of number {@code k}. */
  static byte[] key(long k) {
    return String.format("%016d", k).getBytes(StandardCharsets.US_ASCII);
  }

  /** {@code count} keys of random numbers below {@code bound}, from {@code seed}. */
  static byte[][] randomKeys(int count, long bound, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] keys = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = key(random.nextLong(bound));
    }
    return keys;
  }

  /** A value of {@link #VALUE_SIZE} random bytes. */
  static byte[] value(long seed) {
    byte[] v = new byte[VALUE_SIZE];
    new SplittableRandom(seed).nextBytes(v);
    return v;
  }

  /** The user keys of {@link #dataBlock}: 30 random keys below 1,000,000 (seed 3), ascending. */
  static byte[][] blockUserKeys() {
    byte[][] keys = randomKeys(30, 1_000_000, 3);
    Arrays.sort(keys, Arrays::compareUnsigned);
    return keys;
  }

  /**
   * A data block (restart interval 16, LevelDB block format) of {@code userKeys[i]} as a PUT at
   * sequence 1000 - i with {@link #value}(i): about 4 KiB for {@link #blockUserKeys}.
   */
  static Block dataBlock(byte[][] userKeys) {
    return new Block(blockContents(userKeys), "bench", 0);
  }

  private static byte[] blockContents(byte[][] userKeys) {
    BlockBuilder builder = new BlockBuilder(16, 4096);
    for (int i = 0; i < userKeys.length; i++) {
      builder.add(InternalKey.encode(userKeys[i], 1000 - i, ValueType.PUT), value(i));
    }
    return builder.finish();
  }

  /**
   * {@link #dataBlock} where {@code storage} says: {@code heap} (a block read into or cached in
   * memory) or {@code view} (a block read in place from a mapped table, here a direct buffer).
   */
  static Block dataBlock(byte[][] userKeys, String storage) {
    if (storage.equals("heap")) {
      return dataBlock(userKeys);
    }
    if (!storage.equals("view")) {
      throw new IllegalArgumentException("storage must be heap or view, got " + storage);
    }
    byte[] contents = blockContents(userKeys);
    java.nio.ByteBuffer mapped = java.nio.ByteBuffer.allocateDirect(contents.length)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).put(0, contents);
    return Block.view(mapped, 0, contents.length, "bench", 0);
  }
}
