package io.stratadb.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BlockReadaheadTest {
  private static final long BLOCK = 4096;

  @Test
  void asksForNothingUntilThreeBlocksAreReadInARow() {
    BlockReadahead readahead = new BlockReadahead();
    assertFalse(readahead.onBlockRead(7, 8 * BLOCK));
    assertFalse(readahead.onBlockRead(8, 9 * BLOCK));
    assertFalse(readahead.onBlockRead(3, 4 * BLOCK), "a jump back is a seek");
    assertFalse(readahead.onBlockRead(4, 5 * BLOCK));
    assertTrue(readahead.onBlockRead(5, 6 * BLOCK));
    assertEquals(6 * BLOCK, readahead.requestOffset());
    assertEquals(BlockReadahead.INITIAL_BYTES, readahead.requestLength());
  }

  @Test
  void aSequentialScanAsksForContiguousGrowingRangesAheadOfItself() {
    BlockReadahead readahead = new BlockReadahead();
    long requestedUpTo = -1;
    long longest = 0;
    int requests = 0;
    for (int block = 0; block < 8000; block++) {
      long end = (block + 1) * BLOCK;
      if (readahead.onBlockRead(block, end)) {
        requests++;
        if (requestedUpTo >= 0) {
          assertEquals(requestedUpTo, readahead.requestOffset(), "each request starts where the last ended");
        } else {
          assertEquals(end, readahead.requestOffset());
        }
        assertTrue(readahead.requestLength() > 0);
        requestedUpTo = readahead.requestOffset() + readahead.requestLength();
        longest = Math.max(longest, readahead.requestLength());
      }
      if (block >= 2) {
        assertTrue(requestedUpTo >= end + BLOCK, "block " + (block + 1) + " is asked for before it is read");
      }
      assertTrue(requestedUpTo <= end + BlockReadahead.MAX_BYTES, "never more than the largest readahead ahead");
    }
    assertTrue(longest <= BlockReadahead.MAX_BYTES && longest >= BlockReadahead.MAX_BYTES / 2, "grew to " + longest);
    assertTrue(requests < 8000 * BLOCK / (BlockReadahead.MAX_BYTES / 4), "few requests: " + requests);
  }

  @Test
  void aSeekStartsOverWithTheSmallestReadahead() {
    BlockReadahead readahead = new BlockReadahead();
    for (int block = 0; block < 200; block++) {
      readahead.onBlockRead(block, (block + 1) * BLOCK);
    }
    assertFalse(readahead.onBlockRead(1000, 1001 * BLOCK));
    assertFalse(readahead.onBlockRead(1001, 1002 * BLOCK));
    assertTrue(readahead.onBlockRead(1002, 1003 * BLOCK));
    assertEquals(1003 * BLOCK, readahead.requestOffset(), "ranges asked for before the seek do not count");
    assertEquals(BlockReadahead.INITIAL_BYTES, readahead.requestLength());
  }

  @Test
  void aRestartMakesTheNextBlockTheFirstInARowEvenIfItFollowsTheLastOne() {
    BlockReadahead readahead = new BlockReadahead();
    readahead.onBlockRead(0, BLOCK);
    readahead.onBlockRead(1, 2 * BLOCK);
    readahead.restart();
    assertFalse(readahead.onBlockRead(2, 3 * BLOCK));
    assertFalse(readahead.onBlockRead(3, 4 * BLOCK));
    assertTrue(readahead.onBlockRead(4, 5 * BLOCK));
  }
}
