package io.stratadb.memtable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** The arena's chunk boundaries: nodes and byte ranges never overlap or straddle a chunk. */
class ArenaTest {

  /** Where a node's words and its byte range are, for checking overlaps. */
  private record Placed(long node, int longs, long bytes, int length) {}

  @Test
  void nodesAndByteRangesStayInsideTheirChunksAndNeverOverlap() {
    Arena arena = new Arena();
    List<Placed> placed = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(5);
    long expectedBytes = 0;
    // Enough to fill many chunks of both kinds, with sizes that hit chunk ends exactly at times.
    for (int i = 0; i < 60_000; i++) {
      int longs = 1 + rnd.nextInt(21);
      int length = rnd.nextInt(10) == 0 ? rnd.nextInt(5000) : rnd.nextInt(130);
      long node = arena.allocateNode(longs, length, longs - 1);
      long[] words = arena.nodes(node);
      assertTrue((int) node + longs <= words.length, "node straddles its chunk end");
      long bytes = words[(int) node + longs - 1];
      assertTrue((int) bytes + length <= arena.bytes(bytes).length, "byte range straddles its chunk end");
      placed.add(new Placed(node, longs, bytes, length));
      expectedBytes += longs * 8L + length;
      // Mark every word and byte with the allocation's number, to find overlaps below.
      for (int w = 0; w < longs - 1; w++) {
        words[(int) node + w] = i;
      }
      java.util.Arrays.fill(arena.bytes(bytes), (int) bytes, (int) bytes + length, (byte) i);
    }
    assertEquals(expectedBytes, arena.allocatedBytes());
    for (int i = 0; i < placed.size(); i++) {
      Placed p = placed.get(i);
      long[] words = arena.nodes(p.node());
      for (int w = 0; w < p.longs() - 1; w++) {
        assertEquals(i, words[(int) p.node() + w], "node words overwritten");
      }
      assertEquals(p.bytes(), words[(int) p.node() + p.longs() - 1], "byte reference overwritten");
      byte[] chunk = arena.bytes(p.bytes());
      for (int b = 0; b < p.length(); b++) {
        assertEquals((byte) i, chunk[(int) p.bytes() + b], "bytes overwritten");
      }
    }
  }

  @Test
  void theFirstNodeIsReferenceZeroAndChunksGrowToTheCap() {
    Arena arena = new Arena();
    assertEquals(0L, arena.allocateNode(21, 0, 3));
    Set<long[]> chunks = new HashSet<>();
    long last = 0;
    for (int i = 0; i < 200_000; i++) {
      last = arena.allocateNode(Arena.MAX_NODE_CHUNK_LONGS / 1000, 1, 0);
      chunks.add(arena.nodes(last));
    }
    assertTrue(chunks.size() > 10);
    assertEquals(Arena.MAX_NODE_CHUNK_LONGS, arena.nodes(last).length, "chunks stop doubling at the cap");
    long whole = arena.allocateNode(Arena.MAX_NODE_CHUNK_LONGS, 0, 0);
    assertEquals(0, (int) whole, "a node of a whole chunk starts a chunk");
  }

  @Test
  void aLargeByteRangeGetsAChunkOfItsOwnAndTheCurrentChunkKeepsServing() {
    Arena arena = new Arena();
    long a = arena.allocateNode(1, 10, 0);
    long big = arena.allocateNode(1, Arena.MAX_CHUNK_BYTES + 1, 0);
    long b = arena.allocateNode(1, 10, 0);
    long aBytes = arena.nodes(a)[(int) a];
    long bigBytes = arena.nodes(big)[(int) big];
    long bBytes = arena.nodes(b)[(int) b];
    assertEquals(Arena.MAX_CHUNK_BYTES + 1, arena.bytes(bigBytes).length);
    assertEquals(0, (int) bigBytes);
    assertTrue(arena.bytes(aBytes) != arena.bytes(bigBytes));
    assertTrue(arena.bytes(aBytes) == arena.bytes(bBytes), "small ranges share the current chunk");
    assertEquals((int) aBytes + 10, (int) bBytes);
  }

  @Test
  void badAllocationsAreRejected() {
    Arena arena = new Arena();
    assertThrows(IllegalArgumentException.class, () -> arena.allocateNode(0, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> arena.allocateNode(Arena.MAX_NODE_CHUNK_LONGS + 1, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> arena.allocateNode(2, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> arena.allocateNode(2, 1, 2));
    assertEquals(0, arena.allocatedBytes(), "a rejected allocation takes nothing");
  }

  @Test
  void aChunkFillsOneHeapRegionButItsHeader() {
    assertEquals((1 << 20) - 64, Arena.maxChunkBytes(0), "not G1: 1 MiB");
    assertEquals((4 << 20) - 64, Arena.maxChunkBytes(4 << 20));
    assertEquals((32 << 20) - 64, Arena.maxChunkBytes(512 << 20), "capped at 32 MiB");
  }

  @Test
  void aFullChunkFillsThisJvmsHeapRegion() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    assumeTrue(Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue()), "runs under G1 only");
    long region = Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
    // Humongous (at least half a region) and within one region with its 16-byte array header.
    assertEquals(Arena.maxChunkBytes(region), Arena.MAX_CHUNK_BYTES);
    assertTrue(Arena.MAX_CHUNK_BYTES >= region / 2 && Arena.MAX_CHUNK_BYTES + 16 <= region);
  }

  @Test
  void aNodeLargerThanTheNextChunkGetsAChunkItFitsIn() {
    Arena arena = new Arena();
    long small = arena.allocateNode(3, 0, 0);
    long large = arena.allocateNode(5_000, 0, 0);
    assertTrue(arena.nodes(large).length - (int) large >= 5_000, "the whole node lies in its chunk");
    assertTrue(arena.nodes(small) != arena.nodes(large));
  }

  @Test
  void fullSizeByteChunksArePreparedAheadOneRequestAtATime() {
    List<Runnable> queued = new ArrayList<>();
    Arena arena = new Arena(queued::add);
    int range = Arena.MAX_CHUNK_BYTES / 8;
    for (int i = 0; i < 1000 && queued.isEmpty(); i++) {
      arena.allocateNode(1, range, 0);
    }
    assertEquals(1, queued.size(), "the first full-size chunk asks for a spare");
    for (int i = 0; i < 24; i++) {
      arena.allocateNode(1, range, 0); // three more full chunks, allocated by the writer
    }
    assertEquals(1, queued.size(), "one request at a time");
    queued.remove(0).run();
    assertTrue(arena.hasSpareByteChunk());
    for (int i = 0; i < 9 && arena.hasSpareByteChunk(); i++) {
      arena.allocateNode(1, range, 0);
    }
    assertFalse(arena.hasSpareByteChunk(), "the next full chunk is the spare");
    assertEquals(1, queued.size(), "and the next spare is asked for");
  }

  @Test
  void aSpareStillQueuedWhenTheChargesAreReturnedIsNeverCharged() {
    List<Runnable> queued = new ArrayList<>();
    long[] budget = new long[1];
    ChunkCharger charger = new ChunkCharger() {
      @Override
      public void charge(long bytes) {
        budget[0] += bytes;
      }

      @Override
      public boolean tryCharge(long bytes) {
        budget[0] += bytes;
        return true;
      }
    };
    Arena arena = new Arena(queued::add, charger);
    int range = Arena.MAX_CHUNK_BYTES / 8;
    for (int i = 0; i < 1000 && queued.isEmpty(); i++) {
      arena.allocateNode(1, range, 0);
    }
    assertEquals(1, queued.size(), "a spare is asked for");
    // The memtable was flushed and dropped before the preparer ran: its owner returns the charges.
    budget[0] -= arena.seal();
    queued.remove(0).run();
    assertEquals(0, budget[0], "a spare charged after the charges were returned leaks from the budget");
    assertFalse(arena.hasSpareByteChunk());
  }

  @Test
  void fullSizeNodeChunksArePreparedAheadToo() {
    List<Runnable> queued = new ArrayList<>();
    Arena arena = new Arena(queued::add);
    int longs = Arena.MAX_NODE_CHUNK_LONGS / 8;
    for (int i = 0; i < 1000 && queued.isEmpty(); i++) {
      arena.allocateNode(longs, 0, 0);
    }
    assertEquals(1, queued.size());
    queued.remove(0).run();
    assertTrue(arena.hasSpareNodeChunk());
    for (int i = 0; i < 9 && arena.hasSpareNodeChunk(); i++) {
      arena.allocateNode(longs, 0, 0);
    }
    assertFalse(arena.hasSpareNodeChunk(), "the next full node chunk is the spare");
  }

  @Test
  void aRejectingPreparerLeavesTheWriterToAllocate() {
    Arena arena = new Arena(task -> {
      throw new RejectedExecutionException("full");
    });
    int range = Arena.MAX_CHUNK_BYTES / 8;
    Set<Long> refs = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      long node = arena.allocateNode(1, range, 0);
      long bytes = arena.nodes(node)[(int) node];
      assertTrue((int) bytes + range <= arena.bytes(bytes).length);
      assertTrue(refs.add(bytes), "each range is new");
    }
    assertFalse(arena.hasSpareByteChunk());
    assertEquals(40L * (8 + range), arena.allocatedBytes());
  }

  @Test
  void aPreparerThatThrowsAnErrorStillGetsTheNextRequest() {
    // Executor.execute throws OutOfMemoryError when it cannot start a thread: the request was
    // never queued, so the arena must not keep waiting for it to finish.
    List<Runnable> queued = new ArrayList<>();
    int[] calls = {0};
    Arena arena = new Arena(task -> {
      if (calls[0]++ == 0) {
        throw new OutOfMemoryError("unable to create native thread");
      }
      queued.add(task);
    });
    int range = Arena.MAX_CHUNK_BYTES / 8;
    assertThrows(OutOfMemoryError.class, () -> {
      for (int i = 0; i < 1000; i++) {
        arena.allocateNode(1, range, 0);
      }
    });
    for (int i = 0; i < 16 && queued.isEmpty(); i++) {
      arena.allocateNode(1, range, 0);
    }
    assertEquals(1, queued.size(), "the next full-size chunk asks for a spare again");
  }
}
