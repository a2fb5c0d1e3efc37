package io.stratadb.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The memtable's ordered index: a lock-free skiplist of internal keys with no removal, after the
 * design of LevelDB's {@code db/skiplist.h} (towers of forward links, p = 1/4, readers need no
 * lock), RocksDB's {@code InlineSkipList::InsertConcurrently} (several writers link a node level
 * by level with compare-and-set, bottom level first) and Pebble's {@code arenaskl} (nodes are
 * offsets into an arena, their towers inline).
 *
 * <p>A node is not a Java object but an entry of {@link Entries} (a run of words in a {@code
 * long[]} chunk of the {@link Arena}, named by a {@code long} reference) with these index words:
 *
 * <pre>
 *   word 0   trailer (sequence &lt;&lt; 8 | type)                     &lt;- the node's reference
 *   word 1   k0: user key bytes 0-7, big-endian, zero-padded
 *   word 2   k1: user key bytes 8-15, likewise
 *   word 3.. the tower: one forward link per level, height 1..16; 0 ends a level
 * </pre>
 *
 * A hop reads one link and the three words at the reference, usually one cache line (the words a
 * search needs are contiguous; the two read only for a tie or a value come before). The key bytes
 * are read only when two user keys share their first 16 bytes.
 *
 * <p>Why not {@link java.util.concurrent.ConcurrentSkipListMap} or node objects: profiles of
 * fillrandom spent most samples chasing references (index object, node object, its link array,
 * the key array); a node object with a separate link array costs two cache misses per hop and
 * about 88 bytes, a node here one miss and 40 + 8 x height bytes.
 *
 * <p>Order: internal-key order ({@link io.stratadb.key.InternalKey#compare}): user key ascending (unsigned bytes),
 * then trailer descending. Keys are unique; inserting an internal key already present replaces
 * its value, as {@code Map.put} did (the value is then held outside the arena).
 *
 * <p>Thread-safety: any number of threads may {@link #insert} and read at once. A node becomes
 * visible to readers when it is linked at level 0 (a compare-and-set, read with acquire), and its
 * words and bytes are written before that; readers never block and see every node whose insert
 * returned before their read began.
 */
final class SkipList implements MemtableIndex {
  /** Towers never grow taller: with p = 1/4, enough for 4^16 entries at expected cost. */
  static final int MAX_HEIGHT = 16;

  /** Where a splice records how many levels it covers. */
  private static final int SPLICE_HEIGHT = 2 * MAX_HEIGHT;

  private static final long NIL = Entries.NIL;
  private static final byte[] EMPTY = new byte[0];

  // Index words after the entry's trailer (word 0).
  private static final int K0 = 1;
  private static final int K1 = 2;
  private static final int TOWER = 3;

  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle HEIGHT;

  static {
    try {
      HEIGHT = MethodHandles.lookup().findVarHandle(SkipList.class, "height", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Entries entries;
  private final Arena arena;
  private final long head;
  /** Arena bytes of the head, not counted in {@link #memoryBytes()}. */
  private final long headBytes;
  /**
   * Each inserting thread's last splice: predecessors at [0, MAX_HEIGHT), successors at
   * [MAX_HEIGHT, 2 x MAX_HEIGHT), and at {@link #SPLICE_HEIGHT} the number of levels it covers (0:
   * none yet). Per thread, so concurrent writers never mix splices; an ascending run of keys
   * (fillseq, a sorted batch) then links each key without a search.
   */
  private final ThreadLocal<long[]> splices = ThreadLocal.withInitial(() -> new long[SPLICE_HEIGHT + 1]);
  /** Height of the tallest tower linked so far; only grows. Accessed through {@link #HEIGHT}. */
  @SuppressWarnings("unused")
  private volatile int height = 1;

  /** An empty skiplist in an arena of its own. */
  SkipList() {
    this(new Arena());
  }

  /** An empty skiplist whose entries and towers live in {@code arena}, which must be new. */
  SkipList(Arena arena) {
    this.arena = arena;
    this.entries = new Entries(arena);
    this.head = entries.allocate(TOWER - 1 + MAX_HEIGHT, EMPTY, 0, 0, 0, EMPTY, 0, 0);
    this.headBytes = arena.allocatedBytes();
  }

  @Override
  public Entries entries() {
    return entries;
  }

  /** Orders node {@code n} against {@code p} in internal-key order: negative if {@code n} sorts first. */
  int compare(long n, Probe p) {
    return compare(n, arena.nodes(n)[(int) n + K0], p);
  }

  /** As {@link #compare(long, Probe)}, given {@code a}, node {@code n}'s k0. */
  private int compare(long n, long a, Probe p) {
    if (a != p.k0) {
      return Long.compareUnsigned(a, p.k0);
    }
    long b = arena.nodes(n)[(int) n + K1];
    if (b != p.k1) {
      return Long.compareUnsigned(b, p.k1);
    }
    return entries.compareTails(n, p);
  }

  /** A random tower height: 1 with probability 3/4, each further level with probability 1/4. */
  static int randomHeight() {
    int bits = ThreadLocalRandom.current().nextInt();
    int h = 1;
    while (h < MAX_HEIGHT && (bits & 3) == 0) {
      h++;
      bits >>>= 2;
    }
    return h;
  }

  /** The node after {@code n} at {@code level}, or {@link Entries#NIL}. */
  private long next(long n, int level) {
    return (long) WORD.getAcquire(arena.nodes(n), (int) n + TOWER + level);
  }

  @Override
  public boolean insert(byte[] userKey, int keyOffset, int keyLength, long trailer, byte[] value, int valueOffset,
      int valueLength) {
    Probe p = new Probe(userKey, keyOffset, keyLength, trailer);
    int h = randomHeight();
    int max = (int) HEIGHT.getVolatile(this);
    while (h > max && !HEIGHT.compareAndSet(this, max, h)) {
      max = (int) HEIGHT.getVolatile(this);
    }
    int top = Math.max(h, max);
    long[] splice = splices.get();
    if (!spliceBrackets(splice, top, p)) {
      search(top, p, splice);
      splice[SPLICE_HEIGHT] = top;
    }
    long x = NIL;
    long[] xw = null;
    int xi = 0;
    for (int level = 0; level < h; level++) {
      while (true) {
        long n = splice[MAX_HEIGHT + level];
        if (level == 0 && n != NIL && compare(n, p) == 0) {
          entries.replaceValue(n, value, valueOffset, valueLength);
          return false;
        }
        if (x == NIL) {
          x = entries.allocate(TOWER - 1 + h, userKey, keyOffset, keyLength, trailer, value, valueOffset, valueLength);
          xw = arena.nodes(x);
          xi = (int) x;
          xw[xi + K0] = p.k0;
          xw[xi + K1] = p.k1;
        }
        // Plain store: x is not reachable at this level until the CAS below publishes it.
        xw[xi + TOWER + level] = n;
        long prev = splice[level];
        if (WORD.compareAndSet(arena.nodes(prev), (int) prev + TOWER + level, n, x)) {
          break;
        }
        // Another writer linked a node here: find the splice again from the old predecessor.
        n = next(prev, level);
        while (n != NIL && compare(n, p) < 0) {
          prev = n;
          n = next(prev, level);
        }
        splice[level] = prev;
        splice[MAX_HEIGHT + level] = n;
      }
    }
    // x now brackets the next key from below on its levels; the successors stay.
    for (int level = 0; level < h; level++) {
      splice[level] = x;
    }
    return true;
  }

  /**
   * Whether this thread's last splice still brackets the key at level 0 and covers {@code top}
   * levels. The splice's brackets nest (each level's predecessor is at or before the one below,
   * its successor at or after), so a level-0 bracket means every level's bracket holds: the key
   * can be linked without a search (RocksDB's {@code InlineSkipList} splice reuse). Successors
   * may be stale (a node linked since, by another thread); the link's CAS then fails and the
   * search resumes from the predecessor, as for any race.
   */
  private boolean spliceBrackets(long[] splice, int top, Probe p) {
    if (splice[SPLICE_HEIGHT] < top) {
      return false;
    }
    long prev = splice[0];
    long next = splice[MAX_HEIGHT];
    return (prev == head || compare(prev, p) < 0) && (next == NIL || compare(next, p) > 0);
  }

  @Override
  public long seek(Probe p) {
    return search((int) HEIGHT.getAcquire(this), p, null);
  }

  /**
   * Searches levels {@code [0, top)} for {@code p} and returns the first node at or after it, or
   * {@link Entries#NIL}; if {@code splice} is not null, records each level's predecessor and
   * successor in it.
   *
   * <p>A search is a chain of cache misses, one per node it compares, each address read from the
   * node before. While it compares a node at one level, it also loads the first key word of the
   * node it would compare next if it stepped down a level: that address is already known, so the
   * two misses overlap, and a step down then finds its node's key loaded. (The load is an acquire,
   * so the compiler keeps it ahead of the comparison rather than moving it to the step down.)
   */
  private long search(int top, Probe p, long[] splice) {
    long x = head;
    int level = top - 1;
    long n = next(x, level);
    long nk0 = firstKeyWord(n);
    while (true) {
      long below = level > 0 ? next(x, level - 1) : NIL;
      long belowK0 = firstKeyWord(below);
      if (n != NIL && compare(n, nk0, p) < 0) {
        x = n;
        n = next(x, level);
        nk0 = firstKeyWord(n);
        continue;
      }
      if (splice != null) {
        splice[level] = x;
        splice[MAX_HEIGHT + level] = n;
      }
      if (level == 0) {
        return n;
      }
      level--;
      n = below;
      nk0 = belowK0;
    }
  }

  /** Node {@code n}'s word k0 (read with acquire, see {@link #search}), or 0 for {@link Entries#NIL}. */
  private long firstKeyWord(long n) {
    return n == NIL ? 0 : (long) WORD.getAcquire(arena.nodes(n), (int) n + K0);
  }

  /**
   * The last node before {@code p} (or at it, if {@code inclusive}), or {@link Entries#NIL} if
   * there is none. A null {@code p} finds the last node.
   */
  long seekBefore(Probe p, boolean inclusive) {
    long x = head;
    for (int level = (int) HEIGHT.getAcquire(this) - 1; level >= 0; level--) {
      long n = next(x, level);
      while (n != NIL && (p == null || compare(n, p) < (inclusive ? 1 : 0))) {
        x = n;
        n = next(x, level);
      }
    }
    return x == head ? NIL : x;
  }

  @Override
  public Cursor cursor() {
    return new SkipListCursor();
  }

  /** A node; moving back is O(log n), as a skiplist has no back links. */
  private final class SkipListCursor implements Cursor {
    private long current = NIL;

    @Override
    public long first() {
      return current = SkipList.this.next(head, 0);
    }

    @Override
    public long seek(Probe p) {
      return current = SkipList.this.seek(p);
    }

    @Override
    public long seekBefore(Probe p, boolean inclusive) {
      return current = SkipList.this.seekBefore(p, inclusive);
    }

    @Override
    public long next() {
      return current = SkipList.this.next(current, 0);
    }

    @Override
    public long previous() {
      return current = SkipList.this.seekBefore(entries.probe(current), false);
    }
  }

  @Override
  public long memoryBytes() {
    return arena.allocatedBytes() - headBytes + entries.replacedBytes();
  }
}
