package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BlockBitSetTest {
  @Test
  void remembersExactlyTheBlocksAdded() {
    BlockBitSet verified = new BlockBitSet(130);
    for (int i : new int[] {0, 63, 64, 127, 129}) {
      verified.add(i);
    }
    java.util.Set<Integer> expected = java.util.Set.of(0, 63, 64, 127, 129);
    for (int i = 0; i < 130; i++) {
      assertEquals(expected.contains(i), verified.contains(i), "block " + i);
    }
  }

  @Test
  void indexesOutsideTheTableAreNeverVerified() {
    BlockBitSet verified = new BlockBitSet(10);
    verified.add(-1);
    verified.add(64);
    assertFalse(verified.contains(-1));
    assertFalse(verified.contains(64));
    assertFalse(new BlockBitSet(0).contains(0));
    assertThrows(IllegalArgumentException.class, () -> new BlockBitSet(-1));
  }
}
