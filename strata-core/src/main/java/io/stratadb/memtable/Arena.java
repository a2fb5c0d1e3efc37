package io.stratadb.memtable;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import io.stratadb.util.IdleDaemonExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Bump allocation of a memtable's memory in large chunks (LevelDB's {@code util/arena.h}, HBase's
 * MSLAB, Pebble's {@code arenaskl}): entries' words and index nodes in {@code long[]} chunks, keys
 * and values in {@code byte[]} chunks. Millions of small objects that live as long as the memtable would each be
 * copied by every young collection until promoted, carry a 12-byte header and be reached through
 * a reference; a few hundred chunks are not (a chunk of half a G1 region or more is allocated in
 * the old generation directly), and the words of one node sit next to each other.
 *
 * <p>A reference is a {@code long}: the chunk's number in the high 32 bits, the index in the
 * chunk (in longs for nodes, bytes for byte ranges) in the low 32. Node reference 0 is the first
 * node allocated (an index's head or placeholder). Chunks start small (a memtable of a few entries costs
 * little) and double up to {@link #MAX_CHUNK_BYTES}; a byte range larger than a quarter of that gets a chunk of its
 * own. Nothing is ever freed: the arena dies with its memtable.
 *
 * <p>Full-size chunks are prepared ahead: once the arena has taken one, a background thread
 * allocates the next of each kind (Pebble recycles a flushed memtable's arena for the same reason).
 * Allocating a chunk zeroes it, and the first write to each page of memory the heap has not used
 * yet faults it in: about 1,000 faults for a 4 MiB chunk, 10-25 us each on the development VM, on
 * the thread that allocates. Prepared ahead, they are taken off the writer holding the memtable's
 * lock: 1,000,000-key fillrandom in a fresh JVM went from 240k to 270k ops/s and fillseq from
 * 697k to 870k (medians of 5 interleaved runs, 64 MiB write buffer, 2026-12-01). An arena holds
 * at most one spare chunk of each kind, not counted in {@link #allocatedBytes}, so a memtable may
 * hold up to two full chunks more than it reports.
 *
 * <p>Every chunk is charged to the arena's {@link ChunkCharger} before it is allocated (a spare
 * only if it fits without waiting), so the database's memory budget counts a memtable's memory as
 * it grows ({@link #chargedBytes}).
 *
 * <p>Not final only so that tests can make an allocation fail.
 *
 * <p>Thread-safety: {@link #allocateNode} and {@link #allocateWords} are synchronized. The words and bytes a caller writes
 * into its ranges become visible to other threads through the caller's own publication (the
 * index's release store of a reference); {@link #nodes}, {@link #bytes} and {@link #allocatedBytes}
 * may be called from any thread, for references so published.
 */
class Arena {
  /**
   * The largest chunk, in bytes: a G1 heap region less room for the array header, so that G1
   * allocates a full-size chunk as a humongous object, straight into the old generation, and never
   * copies it (a chunk of half a region or more is humongous, and one just under a region wastes
   * none of it). G1 sizes regions from the heap (1 MiB for a 1 GiB heap, 4 MiB for 6 GiB): with a
   * fixed 1 MiB chunk, a default heap on a 24 GiB machine copied the whole memtable at every young
   * collection (G1 object copy was 880 ms of GC thread time in a 6 s fillrandom of 1,000,000 keys,
   * 2026-12-01). 1 MiB when the collector is not G1 or the region size cannot be read.
   */
  static final int MAX_CHUNK_BYTES = maxChunkBytes(g1RegionBytes());
  private static final int MAX_REGION_BYTES = 32 << 20;
  private static final int ARRAY_HEADER_ROOM = 64;

  /** Node chunk size cap, in longs: as {@link #MAX_CHUNK_BYTES}. */
  static final int MAX_NODE_CHUNK_LONGS = MAX_CHUNK_BYTES / Long.BYTES;
  private static final int FIRST_CHUNK_BYTES = 4096;

  /** Prepares full-size chunks: one daemon thread for the process, idle ones end after a minute. */
  private static final Executor SHARED_PREPARER =
      IdleDaemonExecutor.create("strata-arena-preparer", 64, IdleDaemonExecutor.WhenFull.REJECT);

  private final Executor preparer;
  /** Told of every chunk before it is allocated. */
  private final ChunkCharger charger;
  /** Bytes of chunks charged to {@link #charger}, spares included. */
  private final AtomicLong charged = new AtomicLong();
  /** Orders a spare's charge against {@link #seal}. */
  private final Object sealLock = new Object();
  /** Set by {@link #seal}: spares prepared from then on are not charged or allocated. Guarded by sealLock. */
  private boolean sealed;
  /** A full-size chunk of each kind allocated ahead, or null; the writer takes it. */
  private final AtomicReference<long[]> spareNodeChunk = new AtomicReference<>();
  private final AtomicReference<byte[]> spareByteChunk = new AtomicReference<>();
  /** Whether a request for the spare of each kind is queued or running. */
  private final AtomicBoolean preparingNodes = new AtomicBoolean();
  private final AtomicBoolean preparingBytes = new AtomicBoolean();

  /** An arena whose full-size chunks are prepared on the shared background thread. */
  Arena() {
    this(SHARED_PREPARER);
  }

  /** An arena that charges its chunks to {@code charger}, preparing them on the shared thread. */
  Arena(ChunkCharger charger) {
    this(SHARED_PREPARER, charger);
  }

  /**
   * @param preparer runs the allocation of spare full-size chunks; it may reject tasks (the arena
   *     then allocates its next chunk itself)
   */
  Arena(Executor preparer) {
    this(preparer, ChunkCharger.NONE);
  }

  /**
   * @param preparer as {@link #Arena(Executor)}
   * @param charger charged with each chunk's bytes before it is allocated (spares too, only if
   *     they fit: {@link ChunkCharger#tryCharge})
   */
  Arena(Executor preparer, ChunkCharger charger) {
    this.preparer = preparer;
    this.charger = charger;
  }

  /** A new {@code long[]} chunk of {@code longs} words, charged first. */
  private long[] newNodeChunk(int longs) {
    charge((long) longs * Long.BYTES);
    return new long[longs];
  }

  /** A new {@code byte[]} chunk of {@code length} bytes, charged first. */
  private byte[] newByteChunk(int length) {
    charge(length);
    return new byte[length];
  }

  private void charge(long bytes) {
    charger.charge(bytes);
    charged.addAndGet(bytes);
  }

  /** Every node chunk by number; replaced by a larger copy when full. */
  private volatile long[][] nodeChunks = new long[8][];
  private int nodeChunkCount;
  private long[] nodeChunk = new long[0];
  private int nodesUsed;
  private int nextNodeChunkLongs = FIRST_CHUNK_BYTES / Long.BYTES;

  /** Every byte chunk by number; replaced by a larger copy when full. */
  private volatile byte[][] byteChunks = new byte[8][];
  private int byteChunkCount;
  private byte[] byteChunk = new byte[0];
  /** The number of {@code byteChunk}: not always the last, as large ranges get chunks of their own. */
  private int byteChunkNumber;
  private int bytesUsed;
  private int nextByteChunkBytes = FIRST_CHUNK_BYTES;

  /** Node words and bytes handed out; published with release stores (no fence on the writer). */
  private final AtomicLong allocated = new AtomicLong();

  /**
   * Reserves a node of {@code longs} words and a byte range of {@code bytes} bytes, and stores the
   * byte range's reference in word {@code byteRefSlot} of the node.
   *
   * @return the node's reference
   * @throws IllegalArgumentException if {@code longs} is not in {@code [1, MAX_NODE_CHUNK_LONGS]},
   *     {@code byteRefSlot} is not in {@code [0, longs)} or {@code bytes} is negative
   */
  synchronized long allocateNode(int longs, int bytes, int byteRefSlot) {
    if (longs < 1 || longs > MAX_NODE_CHUNK_LONGS || byteRefSlot < 0 || byteRefSlot >= longs || bytes < 0) {
      throw new IllegalArgumentException(
          "bad allocation: " + longs + " longs, " + bytes + " bytes, reference at " + byteRefSlot);
    }
    long node = takeWords(longs);
    nodeChunk[(int) node + byteRefSlot] = allocateBytes(bytes);
    allocated.lazySet(allocated.get() + (long) longs * Long.BYTES + bytes);
    return node;
  }

  /**
   * Reserves {@code longs} zeroed words in a node chunk, with no byte range (an index node).
   *
   * @return the words' reference; never 0 once the arena has allocated anything
   * @throws IllegalArgumentException if {@code longs} is not in [1, {@link #MAX_NODE_CHUNK_LONGS}]
   */
  synchronized long allocateWords(int longs) {
    if (longs < 1 || longs > MAX_NODE_CHUNK_LONGS) {
      throw new IllegalArgumentException("bad allocation: " + longs + " longs");
    }
    long node = takeWords(longs);
    allocated.lazySet(allocated.get() + (long) longs * Long.BYTES);
    return node;
  }

  private long takeWords(int longs) {
    if (nodeChunk.length - nodesUsed < longs) {
      while (nextNodeChunkLongs < longs) {
        nextNodeChunkLongs = Math.min(MAX_NODE_CHUNK_LONGS, nextNodeChunkLongs * 2);
      }
      nodeChunk = nextNodeChunkLongs == MAX_NODE_CHUNK_LONGS ? fullNodeChunk() : newNodeChunk(nextNodeChunkLongs);
      nodesUsed = 0;
      nextNodeChunkLongs = Math.min(MAX_NODE_CHUNK_LONGS, nextNodeChunkLongs * 2);
      nodeChunks = addChunk(nodeChunks, nodeChunkCount++, nodeChunk);
    }
    long node = reference(nodeChunkCount - 1, nodesUsed);
    nodesUsed += longs;
    return node;
  }

  private long allocateBytes(int length) {
    if (byteChunk.length - bytesUsed < length) {
      if (length > MAX_CHUNK_BYTES / 4) {
        // Large entries get their own chunk, so the current one keeps serving small entries.
        byteChunks = addChunk(byteChunks, byteChunkCount++, newByteChunk(length));
        return reference(byteChunkCount - 1, 0);
      }
      while (nextByteChunkBytes < length) {
        nextByteChunkBytes *= 2;
      }
      byteChunk = nextByteChunkBytes == MAX_CHUNK_BYTES ? fullByteChunk() : newByteChunk(nextByteChunkBytes);
      bytesUsed = 0;
      nextByteChunkBytes = Math.min(MAX_CHUNK_BYTES, nextByteChunkBytes * 2);
      byteChunkNumber = byteChunkCount;
      byteChunks = addChunk(byteChunks, byteChunkCount++, byteChunk);
    }
    long ref = reference(byteChunkNumber, bytesUsed);
    bytesUsed += length;
    return ref;
  }

  /** A full-size node chunk, the spare if one is ready; asks for the next spare. */
  private long[] fullNodeChunk() {
    long[] chunk = spareNodeChunk.getAndSet(null);
    prepare(preparingNodes, MAX_CHUNK_BYTES, () -> spareNodeChunk.set(new long[MAX_NODE_CHUNK_LONGS]));
    return chunk != null ? chunk : newNodeChunk(MAX_NODE_CHUNK_LONGS);
  }

  /** A full-size byte chunk, the spare if one is ready; asks for the next spare. */
  private byte[] fullByteChunk() {
    byte[] chunk = spareByteChunk.getAndSet(null);
    prepare(preparingBytes, MAX_CHUNK_BYTES, () -> spareByteChunk.set(new byte[MAX_CHUNK_BYTES]));
    return chunk != null ? chunk : newByteChunk(MAX_CHUNK_BYTES);
  }

  /**
   * Runs {@code allocate} on the preparer unless a request of its kind is already under way or
   * its {@code bytes} do not fit the charger now.
   */
  private void prepare(AtomicBoolean preparing, long bytes, Runnable allocate) {
    if (!preparing.compareAndSet(false, true)) {
      return;
    }
    boolean queued = false;
    try {
      preparer.execute(() -> {
        try {
          if (chargeSpare(bytes)) {
            allocate.run();
          }
        } finally {
          preparing.set(false);
        }
      });
      queued = true;
    } catch (RuntimeException rejected) {
      // a hint: the next full chunk is allocated by the writer
    } finally {
      if (!queued) {
        preparing.set(false); // an Error too (no thread to start), or no request is ever made again
      }
    }
  }

  /** Charges a spare chunk's {@code bytes} unless the arena is sealed or they do not fit now. */
  private boolean chargeSpare(long bytes) {
    synchronized (sealLock) {
      if (sealed || !charger.tryCharge(bytes)) {
        return false;
      }
      charged.addAndGet(bytes);
      return true;
    }
  }

  /**
   * Stops charging spare chunks (a request still queued on the preparer then allocates nothing)
   * and returns {@link #chargedBytes}: the owner returns them when it drops the memtable, and a
   * spare charged after that would never be returned. No allocation may follow.
   */
  long seal() {
    synchronized (sealLock) {
      sealed = true;
      return charged.get();
    }
  }

  /** Whether a spare full-size node chunk is ready (for tests). */
  boolean hasSpareNodeChunk() {
    return spareNodeChunk.get() != null;
  }

  /** Whether a spare full-size byte chunk is ready (for tests). */
  boolean hasSpareByteChunk() {
    return spareByteChunk.get() != null;
  }

  /** {@code chunks} with {@code chunk} at {@code index}: the same array, or a larger copy. */
  private static <T> T[] addChunk(T[] chunks, int index, T chunk) {
    T[] out = index < chunks.length ? chunks : Arrays.copyOf(chunks, chunks.length * 2);
    out[index] = chunk;
    return out;
  }

  private static long reference(int chunk, int index) {
    return ((long) chunk << 32) | index;
  }

  /** The node chunk that {@code ref} points into; the node starts at index {@code (int) ref}. */
  long[] nodes(long ref) {
    return nodeChunks[(int) (ref >>> 32)];
  }

  /**
   * As {@link #nodes}, or null if this thread does not see {@code ref}'s chunk: for an optimistic
   * reader that may have read a reference without a happens-before edge to its allocation, and
   * then retries.
   */
  long[] nodesIfVisible(long ref) {
    long[][] chunks = nodeChunks;
    int chunk = (int) (ref >>> 32);
    return chunk < chunks.length ? chunks[chunk] : null;
  }

  /** The byte chunk that {@code ref} points into; the range starts at index {@code (int) ref}. */
  byte[] bytes(long ref) {
    return byteChunks[(int) (ref >>> 32)];
  }

  /** Bytes of the chunks allocated so far, spares included: what was charged to the charger. */
  long chargedBytes() {
    return charged.get();
  }

  /** Node and byte memory handed out so far, in bytes (chunk slack not counted). */
  long allocatedBytes() {
    return allocated.get();
  }

  /**
   * The chunk size for a G1 region of {@code regionBytes} (0 when not G1 or unknown: 1 MiB),
   * capped at 32 MiB, G1's largest region on Java 17.
   */
  static int maxChunkBytes(long regionBytes) {
    long region = regionBytes <= 0 ? 1 << 20 : Math.min(regionBytes, MAX_REGION_BYTES);
    return (int) region - ARRAY_HEADER_ROOM;
  }

  /** This JVM's G1 region size in bytes, or 0 when it runs another collector or does not say. */
  private static long g1RegionBytes() {
    try {
      HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (vm == null || !Boolean.parseBoolean(vm.getVMOption("UseG1GC").getValue())) {
        return 0;
      }
      return Long.parseLong(vm.getVMOption("G1HeapRegionSize").getValue());
    } catch (RuntimeException | LinkageError notHotSpot) {
      return 0; // another VM, or a runtime image without jdk.management
    }
  }
}
