package io.stratadb.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hash64's output is part of the SSTable format (bloom filters): these values must never change. */
class Hash64Test {

  /** Hash64 of bytes {@code (i * 37 + 11)} from offset 3, lengths 0 to 20 (recorded with the byte-wise loads). */
  private static final long[] GOLDEN = {
      0x55fe7d8770eaa7ceL, 0xd364758533bb222aL, 0x3dd89f340198010fL, 0x3656ea833d2ba236L, 0x9f8144f73af8ebc8L,
      0x6680cf2df4ec5bdfL, 0x9389d639be1c909eL, 0xc9ba28a371f39906L, 0xacbe10c12e09a072L, 0x30c22b7b1b2bfac9L,
      0x8137615432c56958L, 0x7119207e8190089aL, 0x6bcb02ba507f56feL, 0x7b82232e871596a1L, 0xb9eccd1974e9ab7bL,
      0xb57cd47852db3b96L, 0xe67ef409660ba27aL, 0x5ba4bcaf1b60b81aL, 0x04ca33989426f6a5L, 0xf7edaf80c39a35d8L,
      0x38d1fabb8359c4b7L};

  @Test
  void hashesOfEveryTailLengthAndUnalignedOffsetAreUnchanged() {
    byte[] data = new byte[40];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 37 + 11);
    }
    for (int len = 0; len < GOLDEN.length; len++) {
      assertEquals(GOLDEN[len], Hash64.hash(data, 3, len), "length " + len);
    }
  }

  @Test
  void hashesOfRandomRangesAreUnchanged() {
    long combined = 0;
    Random random = new Random(5);
    for (int i = 0; i < 10_000; i++) {
      byte[] b = new byte[random.nextInt(64)];
      random.nextBytes(b);
      int off = b.length == 0 ? 0 : random.nextInt(b.length);
      combined = combined * 31 + Hash64.hash(b, off, b.length - off);
    }
    assertEquals(0xf70865ebc3d1a301L, combined);
  }
}
