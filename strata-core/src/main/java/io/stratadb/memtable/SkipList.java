package io.stratadb.memtable;

import io.stratadb.key.InternalKey;
import io.stratadb.util.Coding;
import io.stratadb.util.Slice;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memtable's ordered index: a lock-free skiplist of internal keys with no removal, after the
 * design of LevelDB's {@code db/skiplist.h} (towers of forward links, p = 1/4, readers need no
 * lock), RocksDB's {@code InlineSkipList::InsertConcurrently} (several writers link a node level
 * by level with compare-and-set, bottom level first) and Pebble's {@code arenaskl} (nodes are
 * offsets into an arena, their towers inline).
 *
 * <p>A node is not a Java object but a run of words in a {@code long[]} chunk of the {@link
 * Arena}, named by a {@code long} reference:
 *
 * <pre>
 *   word -2  reference of the node's bytes in the arena: user key | trailer (fixed64) | value
 *   word -1  REPLACED flag (bit 63) | user key length (bits 32-62) | value length (bits 0-31)
 *   word 0   k0: user key bytes 0-7, big-endian, zero-padded        &lt;- the node's reference
 *   word 1   k1: user key bytes 8-15, likewise
 *   word 2   trailer (sequence &lt;&lt; 8 | type)
 *   word 3.. the tower: one forward link per level, height 1..16; 0 ends a level
 * </pre>
 *
 * A hop reads one link and the three words at the reference, usually one cache line (the words a
 * search needs are contiguous; the two read only for a tie or a value come before). The key bytes
 * are read only when two user keys share their first 16 bytes. No node has reference 0 (the first
 * chunk starts with the head's cold words), so 0 means "no node".
 *
 * <p>Why not {@link java.util.concurrent.ConcurrentSkipListMap} or node objects: profiles of
 * fillrandom spent most samples chasing references (index object, node object, its link array,
 * the key array); a node object with a separate link array costs two cache misses per hop and
 * about 88 bytes, a node here one miss and 40 + 8 x height bytes.
 *
 * <p>Order: internal-key order ({@link InternalKey#compare}): user key ascending (unsigned bytes),
 * then trailer descending. Keys are unique; inserting an internal key already present replaces
 * its value, as {@code Map.put} did (the value is then held outside the arena).
 *
 * <p>Thread-safety: any number of threads may {@link #insert} and read at once. A node becomes
 * visible to readers when it is linked at level 0 (a compare-and-set, read with acquire), and its
 * words and bytes are written before that; readers never block and see every node whose insert
 * returned before their read began.
 */
final class SkipList {
  /** Towers never grow taller: with p = 1/4, enough for 4^16 entries at expected cost. */
  static final int MAX_HEIGHT = 16;

  /** Where a splice records how many levels it covers. */
  private static final int SPLICE_HEIGHT = 2 * MAX_HEIGHT;

  /** The reference that means "no node". */
  static final long NIL = 0;

  /** Bytes of the user key kept inline in a node, as two longs. */
  private static final int INLINE_BYTES = 16;

  // Word offsets from a node's reference; the two cold words sit before it.
  private static final int BYTES = -2;
  private static final int LENGTHS = -1;
  private static final int K0 = 0;
  private static final int K1 = 1;
  private static final int TRAILER = 2;
  private static final int TOWER = 3;
  /** Words before the reference. */
  private static final int COLD_WORDS = 2;
  private static final long REPLACED = Long.MIN_VALUE;

  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle LONG_BE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle HEIGHT;

  static {
    try {
      HEIGHT = MethodHandles.lookup().findVarHandle(SkipList.class, "height", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A search key taken apart once: the user key (in {@code bytes[offset, offset +
   * userKeyLength)}), its inline longs, and the trailer.
   */
  static final class Probe {
    final long k0;
    final long k1;
    final long trailer;
    final byte[] bytes;
    final int offset;
    final int userKeyLength;

    Probe(byte[] bytes, int offset, int userKeyLength, long trailer) {
      this.k0 = prefix(bytes, offset, 0, userKeyLength);
      this.k1 = prefix(bytes, offset, 8, userKeyLength);
      this.trailer = trailer;
      this.bytes = bytes;
      this.offset = offset;
      this.userKeyLength = userKeyLength;
    }

    /** A probe for an encoded internal key. */
    static Probe ofInternalKey(byte[] ikey) {
      return new Probe(ikey, 0, ikey.length - InternalKey.TRAILER_BYTES, InternalKey.trailer(ikey));
    }
  }

  private final Arena arena = new Arena();
  private final long head = allocateNode(MAX_HEIGHT, 0);
  /** Arena bytes of the head, not counted in {@link #memoryBytes()}. */
  private final long headBytes = arena.allocatedBytes();
  /** Values of nodes whose internal key was inserted again (rare: WAL replay, repair). */
  private final ConcurrentHashMap<Long, byte[]> replacedValues = new ConcurrentHashMap<>();
  /**
   * Each inserting thread's last splice: predecessors at [0, MAX_HEIGHT), successors at
   * [MAX_HEIGHT, 2 x MAX_HEIGHT), and at {@link #SPLICE_HEIGHT} the number of levels it covers (0:
   * none yet). Per thread, so concurrent writers never mix splices; an ascending run of keys
   * (fillseq, a sorted batch) then links each key without a search.
   */
  private final ThreadLocal<long[]> splices = ThreadLocal.withInitial(() -> new long[SPLICE_HEIGHT + 1]);
  private final AtomicLong replacedBytes = new AtomicLong();
  /** Height of the tallest tower linked so far; only grows. Accessed through {@link #HEIGHT}. */
  @SuppressWarnings("unused")
  private volatile int height = 1;

  /**
   * The user key's bytes {@code [at, at + 8)} as a big-endian long, bytes past {@code length}
   * read as zero; the key starts at {@code key[base]}.
   */
  static long prefix(byte[] key, int base, int at, int length) {
    if (at + 8 <= length) {
      return (long) LONG_BE.get(key, base + at);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v <<= 8;
      if (at + i < length) {
        v |= key[base + at + i] & 0xff;
      }
    }
    return v;
  }

  /** Orders node {@code n} against {@code p} in internal-key order: negative if {@code n} sorts first. */
  int compare(long n, Probe p) {
    return compare(n, p.k0, p.k1, p.bytes, p.offset, p.userKeyLength, p.trailer);
  }

  private int compare(long n, long k0, long k1, byte[] key, int keyOffset, int keyLength, long trailer) {
    return compare(n, arena.nodes(n)[(int) n + K0], k0, k1, key, keyOffset, keyLength, trailer);
  }

  /** As {@link #compare(long, long, long, byte[], int, int, long)}, given {@code a}, node {@code n}'s k0. */
  private int compare(long n, long a, long k0, long k1, byte[] key, int keyOffset, int keyLength, long trailer) {
    long[] w = arena.nodes(n);
    int i = (int) n;
    if (a != k0) {
      return Long.compareUnsigned(a, k0);
    }
    long b = w[i + K1];
    if (b != k1) {
      return Long.compareUnsigned(b, k1);
    }
    int c = compareTails(w, i, key, keyOffset, keyLength);
    return c != 0 ? c : Long.compareUnsigned(trailer, w[i + TRAILER]);
  }

  /** Orders the user keys of node {@code n} and {@code p}. */
  int compareUserKey(long n, Probe p) {
    long[] w = arena.nodes(n);
    int i = (int) n;
    if (w[i + K0] != p.k0) {
      return Long.compareUnsigned(w[i + K0], p.k0);
    }
    if (w[i + K1] != p.k1) {
      return Long.compareUnsigned(w[i + K1], p.k1);
    }
    return compareTails(w, i, p.bytes, p.offset, p.userKeyLength);
  }

  /**
   * Orders the user keys of the node at {@code w[i]} and {@code key[keyOffset, +keyLength)} when
   * their zero-padded first 16 bytes are equal: a key of at most 16 bytes is then a prefix of the
   * other, so the bytes past 16 and then the lengths decide.
   */
  private int compareTails(long[] w, int i, byte[] key, int keyOffset, int keyLength) {
    int nodeLength = userKeyLength(w[i + LENGTHS]);
    if (nodeLength > INLINE_BYTES || keyLength > INLINE_BYTES) {
      long ref = w[i + BYTES];
      int off = (int) ref;
      int c = Arrays.compareUnsigned(arena.bytes(ref), off + Math.min(INLINE_BYTES, nodeLength), off + nodeLength,
          key, keyOffset + Math.min(INLINE_BYTES, keyLength), keyOffset + keyLength);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(nodeLength, keyLength);
  }

  private static int userKeyLength(long lengths) {
    return (int) (lengths >>> 32) & Integer.MAX_VALUE;
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

  /** The node after {@code n} at {@code level}, or {@link #NIL}. */
  private long next(long n, int level) {
    return (long) WORD.getAcquire(arena.nodes(n), (int) n + TOWER + level);
  }

  /**
   * Links a new node for the internal key ({@code userKey[keyOffset, keyOffset + keyLength)},
   * {@code trailer}) with a copy of {@code value[valueOffset, valueOffset + valueLength)} in the
   * arena; if the internal key is present, replaces its value with a copy instead. Both are copied,
   * so the caller may reuse its arrays.
   *
   * @return whether a node was added
   */
  boolean insert(byte[] userKey, int keyOffset, int keyLength, long trailer, byte[] value, int valueOffset,
      int valueLength) {
    long k0 = prefix(userKey, keyOffset, 0, keyLength);
    long k1 = prefix(userKey, keyOffset, 8, keyLength);
    int h = randomHeight();
    int max = (int) HEIGHT.getVolatile(this);
    while (h > max && !HEIGHT.compareAndSet(this, max, h)) {
      max = (int) HEIGHT.getVolatile(this);
    }
    int top = Math.max(h, max);
    long[] splice = splices.get();
    if (!spliceBrackets(splice, top, k0, k1, userKey, keyOffset, keyLength, trailer)) {
      search(top, k0, k1, userKey, keyOffset, keyLength, trailer, splice);
      splice[SPLICE_HEIGHT] = top;
    }
    long x = NIL;
    long[] xw = null;
    int xi = 0;
    for (int level = 0; level < h; level++) {
      while (true) {
        long n = splice[MAX_HEIGHT + level];
        if (level == 0 && n != NIL && compare(n, k0, k1, userKey, keyOffset, keyLength, trailer) == 0) {
          replaceValue(n, Arrays.copyOfRange(value, valueOffset, valueOffset + valueLength));
          return false;
        }
        if (x == NIL) {
          x = newNode(userKey, keyOffset, keyLength, k0, k1, trailer, value, valueOffset, valueLength, h);
          xw = arena.nodes(x);
          xi = (int) x;
        }
        // Plain store: x is not reachable at this level until the CAS below publishes it.
        xw[xi + TOWER + level] = n;
        long prev = splice[level];
        if (WORD.compareAndSet(arena.nodes(prev), (int) prev + TOWER + level, n, x)) {
          break;
        }
        // Another writer linked a node here: find the splice again from the old predecessor.
        n = next(prev, level);
        while (n != NIL && compare(n, k0, k1, userKey, keyOffset, keyLength, trailer) < 0) {
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
  private boolean spliceBrackets(long[] splice, int top, long k0, long k1, byte[] key, int keyOffset,
      int keyLength, long trailer) {
    if (splice[SPLICE_HEIGHT] < top) {
      return false;
    }
    long prev = splice[0];
    long next = splice[MAX_HEIGHT];
    return (prev == head || compare(prev, k0, k1, key, keyOffset, keyLength, trailer) < 0)
        && (next == NIL || compare(next, k0, k1, key, keyOffset, keyLength, trailer) > 0);
  }

  /** Reserves a node of height {@code h} and {@code bytes} bytes; returns its reference. */
  private long allocateNode(int h, int bytes) {
    return arena.allocateNode(COLD_WORDS + TOWER + h, bytes, COLD_WORDS + BYTES) + COLD_WORDS;
  }

  /** Allocates and fills a node of height {@code h}, not yet linked. */
  private long newNode(byte[] userKey, int keyOffset, int keyLength, long k0, long k1, long trailer, byte[] value,
      int valueOffset, int valueLength, int h) {
    long x = allocateNode(h, keyLength + InternalKey.TRAILER_BYTES + valueLength);
    long[] w = arena.nodes(x);
    int i = (int) x;
    w[i + K0] = k0;
    w[i + K1] = k1;
    w[i + TRAILER] = trailer;
    w[i + LENGTHS] = ((long) keyLength << 32) | valueLength;
    long ref = w[i + BYTES];
    byte[] b = arena.bytes(ref);
    int off = (int) ref;
    System.arraycopy(userKey, keyOffset, b, off, keyLength);
    Coding.putFixed64(b, off + keyLength, trailer);
    System.arraycopy(value, valueOffset, b, off + keyLength + InternalKey.TRAILER_BYTES, valueLength);
    return x;
  }

  /** Replaces node {@code n}'s value with {@code value}, which the skiplist now owns. */
  private void replaceValue(long n, byte[] value) {
    replacedValues.put(n, value);
    replacedBytes.addAndGet(value.length);
    // Release: a reader that sees the flag sees the map entry.
    WORD.getAndBitwiseOrRelease(arena.nodes(n), (int) n + LENGTHS, REPLACED);
  }

  /** The first node at or after {@code p} in internal-key order, or {@link #NIL}. */
  long seek(Probe p) {
    return search((int) HEIGHT.getAcquire(this), p.k0, p.k1, p.bytes, p.offset, p.userKeyLength, p.trailer, null);
  }

  /**
   * Searches levels {@code [0, top)} for the internal key and returns the first node at or after
   * it, or {@link #NIL}; if {@code splice} is not null, records each level's predecessor and
   * successor in it.
   *
   * <p>A search is a chain of cache misses, one per node it compares, each address read from the
   * node before. While it compares a node at one level, it also loads the first key word of the
   * node it would compare next if it stepped down a level: that address is already known, so the
   * two misses overlap, and a step down then finds its node's key loaded. (The load is an acquire,
   * so the compiler keeps it ahead of the comparison rather than moving it to the step down.)
   */
  private long search(int top, long k0, long k1, byte[] key, int keyOffset, int keyLength, long trailer,
      long[] splice) {
    long x = head;
    int level = top - 1;
    long n = next(x, level);
    long nk0 = firstKeyWord(n);
    while (true) {
      long below = level > 0 ? next(x, level - 1) : NIL;
      long belowK0 = firstKeyWord(below);
      if (n != NIL && compare(n, nk0, k0, k1, key, keyOffset, keyLength, trailer) < 0) {
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

  /** Node {@code n}'s word k0 (read with acquire, see {@link #search}), or 0 for {@link #NIL}. */
  private long firstKeyWord(long n) {
    return n == NIL ? 0 : (long) WORD.getAcquire(arena.nodes(n), (int) n + K0);
  }

  /**
   * The last node before {@code p} (or at it, if {@code inclusive}), or {@link #NIL} if there is
   * none. A null {@code p} finds the last node.
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

  /** The first node, or {@link #NIL} if empty. */
  long first() {
    return next(head, 0);
  }

  /** The node after {@code n}, or {@link #NIL}: O(1). REQUIRES: {@code n} is a node. */
  long next(long n) {
    return next(n, 0);
  }

  /** The node before {@code n}, or {@link #NIL}: O(log n), as a skiplist has no back links. */
  long previous(long n) {
    long[] w = arena.nodes(n);
    int i = (int) n;
    long ref = w[i + BYTES];
    return seekBefore(new Probe(arena.bytes(ref), (int) ref, userKeyLength(w[i + LENGTHS]), w[i + TRAILER]), false);
  }

  /** The trailer (sequence and type) of node {@code n}. */
  long trailer(long n) {
    return arena.nodes(n)[(int) n + TRAILER];
  }

  /**
   * The arena chunk holding node {@code n}'s internal key (and, unless replaced, its value): the
   * key is {@code keyBytes(n)[keyOffset(n), keyOffset(n) + internalKeyLength(n))}. The caller
   * must not modify it.
   */
  byte[] keyBytes(long n) {
    return arena.bytes(arena.nodes(n)[(int) n + BYTES]);
  }

  /** Where node {@code n}'s internal key starts in {@link #keyBytes}. */
  int keyOffset(long n) {
    return (int) arena.nodes(n)[(int) n + BYTES];
  }

  /** The length of node {@code n}'s internal key (user key and trailer), in bytes. */
  int internalKeyLength(long n) {
    return userKeyLength(arena.nodes(n)[(int) n + LENGTHS]) + InternalKey.TRAILER_BYTES;
  }

  /** A copy of node {@code n}'s encoded internal key. */
  byte[] internalKey(long n) {
    int off = keyOffset(n);
    return Arrays.copyOfRange(keyBytes(n), off, off + internalKeyLength(n));
  }

  /**
   * Points {@code into} at node {@code n}'s value without copying: the arena chunk, or the array
   * of a replacing insert. Reads the node's state once, so a concurrent replacement shows either
   * the old value or the new one, whole. The caller must not modify the viewed bytes.
   */
  void viewValue(long n, Slice into) {
    long[] w = arena.nodes(n);
    int i = (int) n;
    long lengths = (long) WORD.getAcquire(w, i + LENGTHS);
    if (lengths < 0) {
      byte[] replaced = replacedValues.get(n);
      into.set(replaced, 0, replaced.length);
      return;
    }
    long ref = w[i + BYTES];
    into.set(arena.bytes(ref), (int) ref + userKeyLength(lengths) + InternalKey.TRAILER_BYTES, (int) lengths);
  }

  /** A copy of node {@code n}'s value: a fresh array on every call, which the caller may keep. */
  byte[] value(long n) {
    long[] w = arena.nodes(n);
    int i = (int) n;
    long lengths = (long) WORD.getAcquire(w, i + LENGTHS);
    if (lengths < 0) {
      return replacedValues.get(n).clone();
    }
    long ref = w[i + BYTES];
    int start = (int) ref + userKeyLength(lengths) + InternalKey.TRAILER_BYTES;
    return Arrays.copyOfRange(arena.bytes(ref), start, start + (int) lengths);
  }

  /** Arena memory used by the nodes, keys and values, plus replaced values, in bytes. */
  long memoryBytes() {
    return arena.allocatedBytes() - headBytes + replacedBytes.get();
  }
}
