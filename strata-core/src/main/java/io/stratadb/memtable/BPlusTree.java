package io.stratadb.memtable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The memtable's default ordered index: a B+tree of entry references whose nodes live in the
 * memtable's {@link Arena}, read without locks by optimistic validation (the optimistic lock
 * coupling of Leis et al., "The ART of Practical Synchronization", DaMoN 2016; the same
 * validate-after-read pattern as {@link java.util.concurrent.locks.StampedLock#tryOptimisticRead}).
 *
 * <p>Why not the skiplist: an insert into a skiplist of 400,000 entries compares about 36 nodes,
 * each a cache miss whose address comes from the node before, about 3.2 us per insert on the
 * development VM. Here a search reads a few nodes of {@link #FANOUT} keys each, whose first 16 key
 * bytes sit in two contiguous {@code long} arrays, so a binary search touches a few adjacent cache
 * lines per node: 450,000 random 16-byte keys went in at 650-790 ns per insert against the
 * skiplist's 2,200-2,900 (same JVM, 2026-12-02).
 *
 * <p>A node is a run of words in a {@code long[]} chunk of the arena:
 *
 * <pre>
 *   word 0                 version: odd while the writer changes the node
 *   word 1                 count: keys in the node (leaf: entries; inner: separators)
 *   word 2                 level: 0 for a leaf
 *   word 3                 leaf: the next leaf to the right, or 0
 *   word 4 ..              k0 of each key (user key bytes 0-7, big-endian, zero-padded)
 *   word 4 + F ..          k1 of each key (user key bytes 8-15)
 *   word 4 + 2F ..         each key's entry reference ({@link Entries}): the entry itself in a
 *                          leaf, the separator's entry in an inner node
 *   word 4 + 3F ..         inner node only: F + 1 child references
 * </pre>
 *
 * An inner node's separator {@code i} is the first key of child {@code i + 1}'s subtree, and stays
 * so: a split copies the right half's first key up, and later keys entering that subtree are
 * larger. So the last key before a probe is always in the subtree the descent picks, and a
 * backward step needs no back links; a forward step past a leaf's end follows its next link.
 * A full leaf splits in half, except the rightmost leaf on an append (ascending keys), which
 * leaves the full leaf as it is and starts a new one, as do inner nodes on the rightmost path.
 *
 * <p>Thread-safety: writers take this tree's lock, one at a time (the database inserts from one
 * thread, its write group's leader). A writer makes a node's version odd, changes the node in
 * place and makes the version even again; entries and new nodes are allocated before any node is
 * locked (so no allocation failure can leave a node locked) and filled before a release store
 * makes them reachable. Readers take no lock: they read a node's version, then its words, then
 * check the version is unchanged (a node's child is only trusted once the node is validated after
 * reading the child's version), and start again from the root if it changed; they spin only
 * while a writer shifts a node's keys. A reader sees every entry whose insert returned before its
 * read began. The words a reader reads under a version are plain reads ordered by fences, as in
 * {@code StampedLock}; a reference that a split moved with a plain copy is read with acquire, but
 * its happens-before edge to the entry's allocation runs through the writer's fences rather than
 * the Java memory model's synchronizes-with, which every JVM on x86 and ARM honours.
 */
final class BPlusTree implements MemtableIndex {
  /** Keys per node; 32 and 64 were alike, 16 slower (random inserts, 2026-12-02). */
  static final int FANOUT = 32;

  private static final long NIL = Entries.NIL;

  private static final int VERSION = 0;
  private static final int COUNT = 1;
  private static final int LEVEL = 2;
  private static final int NEXT = 3;
  private static final int K0 = 4;
  private static final int K1 = K0 + FANOUT;
  private static final int REF = K1 + FANOUT;
  private static final int CHILD = REF + FANOUT;
  private static final int LEAF_WORDS = CHILD;
  private static final int INNER_WORDS = CHILD + FANOUT + 1;
  /** Levels a tree can reach: FANOUT^16 keys exceed any memtable. */
  private static final int MAX_LEVELS = 16;

  // Where a reader's descent lands in a node: keys before the probe, or also keys equal to it.
  private static final boolean BEFORE = false;
  private static final boolean AT_OR_BEFORE = true;

  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle ROOT;

  static {
    try {
      ROOT = MethodHandles.lookup().findVarHandle(BPlusTree.class, "root", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Entries entries;
  private final Arena arena;
  /** The root node; replaced (release) when the root splits. Accessed through {@link #ROOT}. */
  @SuppressWarnings("unused")
  private volatile long root;
  /** Arena bytes of the empty tree, not counted in {@link #memoryBytes()}. */
  private final long emptyBytes;

  // The writer's scratch, guarded by this tree's lock.
  private final long[] pathNodes = new long[MAX_LEVELS];
  private final int[] pathSlots = new int[MAX_LEVELS];
  private final long[] splitK0 = new long[FANOUT + 1];
  private final long[] splitK1 = new long[FANOUT + 1];
  private final long[] splitRef = new long[FANOUT + 1];
  private final long[] splitChild = new long[FANOUT + 2];
  /** Inner nodes allocated for a split before any node is locked, taken as the split climbs. */
  private final long[] spareInner = new long[MAX_LEVELS + 1];
  private int spareInners;
  /** A leaf allocated for a split that then failed, or {@link Entries#NIL}. */
  private long spareLeaf = NIL;

  BPlusTree() {
    this(new Arena());
  }

  /** A tree whose entries and nodes live in {@code arena}, which must be new. */
  BPlusTree(Arena arena) {
    this.arena = arena;
    this.entries = new Entries(arena);
    // A word first, so that no node or entry has reference 0.
    arena.allocateWords(1);
    root = arena.allocateWords(LEAF_WORDS);
    emptyBytes = arena.allocatedBytes();
  }

  @Override
  public Entries entries() {
    return entries;
  }

  @Override
  public long memoryBytes() {
    return arena.allocatedBytes() - emptyBytes + entries.replacedBytes();
  }

  // ---- Comparisons --------------------------------------------------------------------------

  /**
   * Orders key {@code slot} of the node at {@code w[i]} against {@code p}: negative if the key
   * sorts first. Under a reader the words may be torn; the caller's validation then fails.
   */
  private int compare(long[] w, int i, int slot, Probe p) {
    long a = w[i + K0 + slot];
    if (a != p.k0) {
      return Long.compareUnsigned(a, p.k0);
    }
    long b = w[i + K1 + slot];
    if (b != p.k1) {
      return Long.compareUnsigned(b, p.k1);
    }
    long e = (long) WORD.getAcquire(w, i + REF + slot);
    if (e == NIL || arena.nodesIfVisible(e) == null) {
      return 0; // a torn read: any answer, validation fails
    }
    return entries.compareTails(e, p);
  }

  /**
   * The number of keys of the node that sort before {@code p} (or at it, if {@code orEqual}); a
   * null {@code p} counts them all. A binary search over the node's key words.
   */
  private int rank(long[] w, int i, Probe p, boolean orEqual) {
    int n = clampedCount(w, i);
    if (p == null) {
      return n;
    }
    int lo = 0;
    int hi = n;
    int limit = orEqual ? 1 : 0;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(w, i, mid, p) < limit) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The node's count as a reader may see it, kept within the node. */
  private static int clampedCount(long[] w, int i) {
    long n = w[i + COUNT];
    return n < 0 ? 0 : (int) Math.min(n, FANOUT);
  }

  // ---- Writer -------------------------------------------------------------------------------

  @Override
  public synchronized boolean insert(byte[] userKey, int keyOffset, int keyLength, long trailer, byte[] value,
      int valueOffset, int valueLength) {
    Probe p = new Probe(userKey, keyOffset, keyLength, trailer);
    long n = root;
    long[] w = arena.nodes(n);
    int i = (int) n;
    int level = (int) w[i + LEVEL];
    boolean rightmost = true;
    while (level > 0) {
      int slot = rank(w, i, p, AT_OR_BEFORE);
      rightmost &= slot == w[i + COUNT];
      pathNodes[level] = n;
      pathSlots[level] = slot;
      n = w[i + CHILD + slot];
      w = arena.nodes(n);
      i = (int) n;
      level--;
    }
    int pos = rank(w, i, p, BEFORE);
    int count = (int) w[i + COUNT];
    if (pos < count && compare(w, i, pos, p) == 0) {
      entries.replaceValue(w[i + REF + pos], value, valueOffset, valueLength);
      return false;
    }
    long e = entries.allocate(0, userKey, keyOffset, keyLength, trailer, value, valueOffset, valueLength);
    if (count < FANOUT) {
      lock(w, i);
      insertKey(w, i, count, pos, p.k0, p.k1, e);
      unlock(w, i);
      return true;
    }
    // Every node the split needs is allocated first: an allocation failing (OutOfMemoryError)
    // with a node locked would leave readers spinning on it for good.
    long r = spareLeaf != NIL ? spareLeaf : arena.allocateWords(LEAF_WORDS);
    spareLeaf = r; // kept for the next split if an inner node's allocation fails
    allocateSpareInners(level(root));
    spareLeaf = NIL;
    splitLeaf(n, w, i, r, pos, p, e, rightmost && w[i + NEXT] == NIL && pos == count);
    return true;
  }

  private int level(long node) {
    return (int) arena.nodes(node)[(int) node + LEVEL];
  }

  /**
   * Allocates the inner nodes a leaf split on the writer's path will take: one per full inner
   * node from level 1 up, and a new root if every one up to the root is full.
   */
  private void allocateSpareInners(int height) {
    int needed = 0;
    for (int l = 1; ; l++) {
      if (l > height) {
        needed++;
        break;
      }
      long n = pathNodes[l];
      if (arena.nodes(n)[(int) n + COUNT] < FANOUT) {
        break;
      }
      needed++;
    }
    while (spareInners < needed) {
      long node = arena.allocateWords(INNER_WORDS); // first: spareInners++ on the left would run before it
      spareInner[spareInners++] = node;
    }
  }

  private long takeSpareInner() {
    return spareInner[--spareInners];
  }

  /** Shifts keys {@code [pos, count)} up by one and puts the key at {@code pos}; count + 1. */
  private static void insertKey(long[] w, int i, int count, int pos, long k0, long k1, long ref) {
    int moved = count - pos;
    System.arraycopy(w, i + K0 + pos, w, i + K0 + pos + 1, moved);
    System.arraycopy(w, i + K1 + pos, w, i + K1 + pos + 1, moved);
    System.arraycopy(w, i + REF + pos, w, i + REF + pos + 1, moved);
    w[i + K0 + pos] = k0;
    w[i + K1 + pos] = k1;
    WORD.setRelease(w, i + REF + pos, ref);
    w[i + COUNT] = count + 1;
  }

  /** Copies keys {@code [from, from + length)} of one node to {@code [to, to + length)} of another. */
  private static void copyKeys(long[] src, int si, int from, long[] dst, int di, int to, int length) {
    System.arraycopy(src, si + K0 + from, dst, di + K0 + to, length);
    System.arraycopy(src, si + K1 + from, dst, di + K1 + to, length);
    System.arraycopy(src, si + REF + from, dst, di + REF + to, length);
  }

  /**
   * Splits the full leaf {@code n} to add entry {@code e} at {@code pos}: the right half (or, for
   * an append to the rightmost leaf, only the new entry) goes to the new leaf {@code r}, linked
   * after it.
   */
  private void splitLeaf(long n, long[] w, int i, long r, int pos, Probe p, long e, boolean append) {
    long[] rw = arena.nodes(r);
    int ri = (int) r;
    int keep = append ? FANOUT : FANOUT / 2;
    int moved = FANOUT - keep;
    copyKeys(w, i, keep, rw, ri, 0, moved);
    rw[ri + COUNT] = moved;
    rw[ri + NEXT] = w[i + NEXT];
    boolean right = pos > keep || append;
    if (right) {
      insertKey(rw, ri, moved, pos - keep, p.k0, p.k1, e);
    }
    lock(w, i);
    w[i + COUNT] = keep;
    if (!right) {
      insertKey(w, i, keep, pos, p.k0, p.k1, e);
    }
    WORD.setRelease(w, i + NEXT, r);
    addToParent(1, rw[ri + K0], rw[ri + K1], rw[ri + REF], r);
    unlock(w, i);
  }

  /**
   * Adds separator (k0, k1, ref) and, after it, child {@code child} to the inner node at {@code
   * level} of the writer's path (a new root above the current one if {@code level} is above it).
   */
  private void addToParent(int level, long k0, long k1, long ref, long child) {
    long top = root;
    if (level > level(top)) {
      long r = takeSpareInner();
      long[] rw = arena.nodes(r);
      int ri = (int) r;
      rw[ri + LEVEL] = level;
      rw[ri + COUNT] = 1;
      rw[ri + K0] = k0;
      rw[ri + K1] = k1;
      rw[ri + REF] = ref;
      rw[ri + CHILD] = top;
      rw[ri + CHILD + 1] = child;
      ROOT.setRelease(this, r);
      return;
    }
    long n = pathNodes[level];
    long[] w = arena.nodes(n);
    int i = (int) n;
    int slot = pathSlots[level];
    int count = (int) w[i + COUNT];
    if (count < FANOUT) {
      lock(w, i);
      System.arraycopy(w, i + CHILD + slot + 1, w, i + CHILD + slot + 2, count - slot);
      WORD.setRelease(w, i + CHILD + slot + 1, child);
      insertKey(w, i, count, slot, k0, k1, ref);
      unlock(w, i);
      return;
    }
    splitInner(level, n, w, i, slot, k0, k1, ref, child);
  }

  /**
   * Splits the full inner node {@code n} to add a separator at {@code slot} and a child after it:
   * the middle separator moves up, the keys and children after it to a new node. On the rightmost
   * path an append instead leaves the node full and moves the new separator up, starting a new
   * node with only the new child.
   */
  private void splitInner(int level, long n, long[] w, int i, int slot, long k0, long k1, long ref, long child) {
    // The node's keys and children with the new ones in place, in the writer's scratch.
    System.arraycopy(w, i + K0, splitK0, 0, slot);
    System.arraycopy(w, i + K1, splitK1, 0, slot);
    System.arraycopy(w, i + REF, splitRef, 0, slot);
    System.arraycopy(w, i + K0 + slot, splitK0, slot + 1, FANOUT - slot);
    System.arraycopy(w, i + K1 + slot, splitK1, slot + 1, FANOUT - slot);
    System.arraycopy(w, i + REF + slot, splitRef, slot + 1, FANOUT - slot);
    splitK0[slot] = k0;
    splitK1[slot] = k1;
    splitRef[slot] = ref;
    System.arraycopy(w, i + CHILD, splitChild, 0, slot + 1);
    System.arraycopy(w, i + CHILD + slot + 1, splitChild, slot + 2, FANOUT - slot);
    splitChild[slot + 1] = child;

    boolean append = slot == FANOUT && isRightmost(level);
    int up = append ? FANOUT : (FANOUT + 1) / 2;
    long r = takeSpareInner();
    long[] rw = arena.nodes(r);
    int ri = (int) r;
    int rightKeys = FANOUT - up;
    rw[ri + LEVEL] = level;
    rw[ri + COUNT] = rightKeys;
    System.arraycopy(splitK0, up + 1, rw, ri + K0, rightKeys);
    System.arraycopy(splitK1, up + 1, rw, ri + K1, rightKeys);
    System.arraycopy(splitRef, up + 1, rw, ri + REF, rightKeys);
    System.arraycopy(splitChild, up + 1, rw, ri + CHILD, rightKeys + 1);

    lock(w, i);
    System.arraycopy(splitK0, 0, w, i + K0, up);
    System.arraycopy(splitK1, 0, w, i + K1, up);
    System.arraycopy(splitRef, 0, w, i + REF, up);
    System.arraycopy(splitChild, 0, w, i + CHILD, up + 1);
    w[i + COUNT] = up;
    addToParent(level + 1, splitK0[up], splitK1[up], splitRef[up], r);
    unlock(w, i);
  }

  /** Whether the writer's path at {@code level} and above took each node's last child. */
  private boolean isRightmost(int level) {
    int height = level(root);
    for (int l = level + 1; l <= height; l++) {
      long n = pathNodes[l];
      if (pathSlots[l] != arena.nodes(n)[(int) n + COUNT]) {
        return false;
      }
    }
    return true;
  }

  /** Makes the node's version odd: readers of it will retry until {@link #unlock}. */
  private static void lock(long[] w, int i) {
    WORD.setOpaque(w, i + VERSION, w[i + VERSION] + 1);
    VarHandle.releaseFence(); // the odd version is visible before any change to the node
  }

  private static void unlock(long[] w, int i) {
    WORD.setRelease(w, i + VERSION, w[i + VERSION] + 1);
  }

  // ---- Readers ------------------------------------------------------------------------------

  /** A node's version read for validation, or -1 if the writer holds it. */
  private static long readVersion(long[] w, int i) {
    long v = (long) WORD.getAcquire(w, i + VERSION);
    return (v & 1) == 0 ? v : -1;
  }

  /** Whether the node is unchanged since its version was read as {@code v}. */
  private static boolean validate(long[] w, int i, long v) {
    VarHandle.acquireFence(); // the node's words are read before its version is checked
    return (long) WORD.getAcquire(w, i + VERSION) == v;
  }

  @Override
  public long seek(Probe p) {
    Position at = new Position();
    return at.locate(p, true, false);
  }

  @Override
  public Cursor cursor() {
    return new Position();
  }

  /**
   * A reader's place: a leaf, the slot in it and the version it was read at, and the entry there.
   * Steps within a leaf (or to the next leaf) are validated against that version; if the leaf has
   * changed, the step descends from the root again, from the current entry's key.
   */
  private final class Position implements Cursor {
    private long leaf;
    private long[] leafWords;
    private int slot;
    private long version;
    private long current = NIL;

    /**
     * Descends to {@code p}. Forward, lands on the first key at or after it (after it only, if
     * {@code flag}); backward, on the last key before it (or at it, if {@code flag}). A null
     * {@code p} lands on the first key (forward) or the last (backward).
     *
     * @return the entry landed on, or {@link Entries#NIL} if there is none
     */
    long locate(Probe p, boolean forward, boolean flag) {
      // A subtree's first key is the separator before it: forward, the subtree whose first key is
      // at or before p holds the answer or ends just before it; backward, the one whose first key
      // is before p (at it too, if flag) holds the answer.
      boolean childOrEqual = forward || flag;
      while (true) {
        long n = (long) ROOT.getAcquire(BPlusTree.this);
        long[] w = arena.nodes(n);
        int i = (int) n;
        long v = readVersion(w, i);
        if (v < 0 || (long) ROOT.getAcquire(BPlusTree.this) != n) {
          Thread.onSpinWait();
          continue;
        }
        boolean descended = true;
        while (w[i + LEVEL] > 0) {
          int c = p == null && forward ? 0 : rank(w, i, p, childOrEqual);
          long child = (long) WORD.getAcquire(w, i + CHILD + c);
          long[] cw = child == NIL ? null : arena.nodesIfVisible(child);
          long cv = cw == null ? -1 : readVersion(cw, (int) child);
          if (!validate(w, i, v) || cv < 0) {
            descended = false;
            break;
          }
          n = child;
          w = cw;
          i = (int) n;
          v = cv;
        }
        if (!descended) {
          Thread.onSpinWait();
          continue;
        }
        long found;
        if (forward) {
          int pos = p == null ? 0 : rank(w, i, p, flag);
          found = landForward(n, w, i, v, pos);
        } else {
          int pos = rank(w, i, p, flag);
          found = land(n, w, i, v, pos - 1);
        }
        if (found != RETRY) {
          return current = found;
        }
      }
    }

    /** Lands on {@code slot} of the validated leaf, or on none if {@code slot < 0}. */
    private long land(long n, long[] w, int i, long v, int at) {
      long e = at < 0 ? NIL : (long) WORD.getAcquire(w, i + REF + at);
      if (!validate(w, i, v) || (at >= 0 && e == NIL)) {
        return RETRY;
      }
      leaf = n;
      leafWords = w;
      slot = at;
      version = v;
      return e;
    }

    /** Lands on {@code pos} of the leaf, or, if it is past the leaf's last key, on the next leaf's first. */
    private long landForward(long n, long[] w, int i, long v, int pos) {
      if (pos < clampedCount(w, i)) {
        return land(n, w, i, v, pos);
      }
      long next = (long) WORD.getAcquire(w, i + NEXT);
      if (next == NIL) {
        return validate(w, i, v) ? NIL : RETRY;
      }
      long[] nw = arena.nodesIfVisible(next);
      long nv = nw == null ? -1 : readVersion(nw, (int) next);
      if (!validate(w, i, v) || nv < 0) {
        return RETRY;
      }
      // A leaf is never empty once linked: it holds at least the key it was split at.
      return land(next, nw, (int) next, nv, 0);
    }

    @Override
    public long first() {
      return locate(null, true, false);
    }

    @Override
    public long seek(Probe p) {
      return locate(p, true, false);
    }

    @Override
    public long seekBefore(Probe p, boolean inclusive) {
      return locate(p, false, inclusive);
    }

    @Override
    public long next() {
      long found = landForward(leaf, leafWords, (int) leaf, version, slot + 1);
      return found != RETRY ? (current = found) : locate(entries.probe(current), true, true);
    }

    @Override
    public long previous() {
      if (slot > 0) {
        long found = land(leaf, leafWords, (int) leaf, version, slot - 1);
        if (found != RETRY) {
          return current = found;
        }
      }
      return locate(entries.probe(current), false, false);
    }
  }

  /** A landing that read a changing node: the reader starts again. Never an entry reference. */
  private static final long RETRY = -1;
}
