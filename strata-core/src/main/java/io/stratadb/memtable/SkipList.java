package io.stratadb.memtable;

import io.stratadb.key.InternalKey;
import io.stratadb.util.Coding;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The memtable's ordered index: a lock-free skiplist of internal keys with no removal, after the
 * design of LevelDB's {@code db/skiplist.h} (towers of forward links, p = 1/4, readers need no
 * lock) and RocksDB's {@code InlineSkipList::InsertConcurrently} (several writers link a node
 * level by level with compare-and-set, bottom level first).
 *
 * <p>Why not {@link java.util.concurrent.ConcurrentSkipListMap}: its every hop costs an index
 * object, a node object and the key array, and a comparator call on byte ranges; profiles of
 * fillrandom spent two thirds of their samples in its {@code doPut}. Here every node carries the
 * first 16 bytes of its user key as two big-endian longs and its trailer, so a hop compares two
 * or three longs found in the node itself; the key array is read only when two user keys share
 * their first 16 bytes. Keys and values are copied into an {@link Arena}, so a memtable of a
 * million entries is a million small node objects and a few hundred large chunks rather than
 * three million arrays for the garbage collector to copy.
 *
 * <p>Order: internal-key order ({@link InternalKey#compare}): user key ascending (unsigned bytes),
 * then trailer descending. Keys are unique; inserting an internal key already present replaces
 * its value, as {@code Map.put} did.
 *
 * <p>Thread-safety: any number of threads may {@link #insert} and read at once. A node becomes
 * visible to readers when it is linked at level 0 (a release store, read with acquire), and its
 * key, trailer and value are written before that; readers never block and see every node whose
 * insert returned before their read began.
 */
final class SkipList {
  /** Towers never grow taller: with p = 1/4, enough for 4^16 entries at expected cost. */
  static final int MAX_HEIGHT = 16;

  /** Bytes of the user key kept inline in a node, as two longs. */
  private static final int INLINE_BYTES = 16;

  private static final VarHandle NEXT = MethodHandles.arrayElementVarHandle(Node[].class);
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
   * One entry. {@code k0} and {@code k1} are the user key's bytes 0-7 and 8-15 as big-endian
   * longs, zero-padded, so unsigned long order is byte order on them. The internal key and the
   * value live in the memtable's {@link Arena}: {@code chunk[offset, offset + userKeyLength + 8)}
   * is the internal key, the {@code valueLength} bytes after it the value.
   */
  static final class Node {
    final long k0;
    final long k1;
    final long trailer;
    final int userKeyLength;
    final int valueLength;
    /** Set once by {@link Arena#place}, before the node is published. */
    byte[] chunk;
    int offset;
    /** The value given by a later insert of the same internal key, or null; read with acquire. */
    volatile byte[] replacedValue;
    /** Forward links, one per level of the tower; accessed through {@link #NEXT}. */
    final Node[] next;

    Node(Arena arena, byte[] userKey, long trailer, byte[] value, int height) {
      int userLength = userKey.length;
      this.k0 = prefix(userKey, 0, 0, userLength);
      this.k1 = prefix(userKey, 0, 8, userLength);
      this.trailer = trailer;
      this.userKeyLength = userLength;
      this.valueLength = value.length;
      this.next = new Node[height];
      arena.place(this, userLength + InternalKey.TRAILER_BYTES + value.length);
      System.arraycopy(userKey, 0, chunk, offset, userLength);
      Coding.putFixed64(chunk, offset + userLength, trailer);
      System.arraycopy(value, 0, chunk, offset + userLength + InternalKey.TRAILER_BYTES, value.length);
    }

    /** The head sentinel: sorts before every key (never compared). */
    private Node() {
      this.k0 = 0;
      this.k1 = 0;
      this.trailer = 0;
      this.userKeyLength = 0;
      this.valueLength = 0;
      this.chunk = new byte[0];
      this.next = new Node[MAX_HEIGHT];
    }

    Node next(int level) {
      return (Node) NEXT.getAcquire(next, level);
    }

    /** A copy of the encoded internal key. */
    byte[] internalKey() {
      return Arrays.copyOfRange(chunk, offset, offset + userKeyLength + InternalKey.TRAILER_BYTES);
    }

    /** A copy of the value: a fresh array on every call, which the caller may keep. */
    byte[] value() {
      byte[] replaced = replacedValue;
      if (replaced != null) {
        return replaced.clone();
      }
      int start = offset + userKeyLength + InternalKey.TRAILER_BYTES;
      return Arrays.copyOfRange(chunk, start, start + valueLength);
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
  private final Node head = new Node();
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

  /** Orders {@code n} against {@code p} in internal-key order: negative if {@code n} sorts first. */
  static int compare(Node n, Probe p) {
    int c = compareUserKey(n, p);
    return c != 0 ? c : Long.compareUnsigned(p.trailer, n.trailer);
  }

  /** Orders the user keys of {@code n} and {@code p}. */
  static int compareUserKey(Node n, Probe p) {
    if (n.k0 != p.k0) {
      return Long.compareUnsigned(n.k0, p.k0);
    }
    if (n.k1 != p.k1) {
      return Long.compareUnsigned(n.k1, p.k1);
    }
    return compareTails(n.chunk, n.offset, n.userKeyLength, p.bytes, p.offset, p.userKeyLength);
  }

  private static int compare(Node a, Node b) {
    if (a.k0 != b.k0) {
      return Long.compareUnsigned(a.k0, b.k0);
    }
    if (a.k1 != b.k1) {
      return Long.compareUnsigned(a.k1, b.k1);
    }
    int c = compareTails(a.chunk, a.offset, a.userKeyLength, b.chunk, b.offset, b.userKeyLength);
    return c != 0 ? c : Long.compareUnsigned(b.trailer, a.trailer);
  }

  /**
   * Orders two user keys whose zero-padded first 16 bytes are equal: a key of at most 16 bytes is
   * then a prefix of the other, so the bytes past 16 and then the lengths decide.
   */
  private static int compareTails(byte[] a, int aOff, int aLen, byte[] b, int bOff, int bLen) {
    if (aLen > INLINE_BYTES || bLen > INLINE_BYTES) {
      int c = Arrays.compareUnsigned(a, aOff + Math.min(INLINE_BYTES, aLen), aOff + aLen,
          b, bOff + Math.min(INLINE_BYTES, bLen), bOff + bLen);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(aLen, bLen);
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

  /**
   * Links a new node for the internal key ({@code userKey}, {@code trailer}) with a copy of
   * {@code value} in the arena; if the internal key is present, replaces its value with a copy of
   * {@code value} instead (the caller may reuse its array).
   *
   * @return whether a node was added
   */
  boolean insert(byte[] userKey, long trailer, byte[] value) {
    Node x = new Node(arena, userKey, trailer, value, randomHeight());
    int h = x.next.length;
    int max = (int) HEIGHT.getVolatile(this);
    while (h > max && !HEIGHT.compareAndSet(this, max, h)) {
      max = (int) HEIGHT.getVolatile(this);
    }
    // The splice (predecessor, successor) is kept only for the levels x links into.
    Node[] prev = new Node[h];
    Node[] succ = new Node[h];
    Node p = head;
    for (int level = Math.max(h, max) - 1; level >= 0; level--) {
      Node n = p.next(level);
      while (n != null && compare(n, x) < 0) {
        p = n;
        n = p.next(level);
      }
      if (level < h) {
        prev[level] = p;
        succ[level] = n;
      }
    }
    for (int level = 0; level < h; level++) {
      while (true) {
        Node n = succ[level];
        if (level == 0 && n != null && compare(n, x) == 0) {
          n.replacedValue = value.clone();
          return false;
        }
        // Plain store: x is not reachable at this level until the CAS below publishes it.
        x.next[level] = n;
        if (NEXT.compareAndSet(prev[level].next, level, n, x)) {
          break;
        }
        // Another writer linked a node here: find the splice again from the old predecessor.
        Node q = prev[level];
        n = q.next(level);
        while (n != null && compare(n, x) < 0) {
          q = n;
          n = q.next(level);
        }
        prev[level] = q;
        succ[level] = n;
      }
    }
    return true;
  }

  /** The first node at or after {@code p} in internal-key order, or null. */
  Node seek(Probe p) {
    Node x = head;
    for (int level = (int) HEIGHT.getAcquire(this) - 1; level >= 0; level--) {
      Node n = x.next(level);
      while (n != null && compare(n, p) < 0) {
        x = n;
        n = x.next(level);
      }
      if (level == 0) {
        return n;
      }
    }
    throw new AssertionError("height below 1");
  }

  /**
   * The last node before {@code p} (or at it, if {@code inclusive}), or null if there is none.
   * A null {@code p} finds the last node.
   */
  Node seekBefore(Probe p, boolean inclusive) {
    Node x = head;
    for (int level = (int) HEIGHT.getAcquire(this) - 1; level >= 0; level--) {
      Node n = x.next(level);
      while (n != null && (p == null || compare(n, p) < (inclusive ? 1 : 0))) {
        x = n;
        n = x.next(level);
      }
    }
    return x == head ? null : x;
  }

  /** The first node, or null if empty. */
  Node first() {
    return head.next(0);
  }

  /** The node before {@code n}, or null: O(log n), as a skiplist has no back links. */
  Node previous(Node n) {
    return seekBefore(new Probe(n.chunk, n.offset, n.userKeyLength, n.trailer), false);
  }
}
