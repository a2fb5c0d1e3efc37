package io.stratadb.memtable;

import io.stratadb.key.InternalKey;
import io.stratadb.util.Coding;
import io.stratadb.util.Slice;
import io.stratadb.util.UnsignedBytes;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memtable's entries in its {@link Arena}: each entry is a run of words in a {@code long[]}
 * chunk named by a {@code long} reference, its internal key and value in a {@code byte[]} chunk.
 * The index that orders the entries ({@link SkipList} or {@link BPlusTree}) may ask for extra
 * words after the trailer (the skiplist keeps its key words and tower there).
 *
 * <pre>
 *   word -2  reference of the entry's bytes: user key | trailer (fixed64) | value
 *   word -1  REPLACED flag (bit 63) | user key length (bits 32-62) | value length (bits 0-31)
 *   word 0   trailer (sequence &lt;&lt; 8 | type)                     &lt;- the entry's reference
 *   word 1.. the index's words
 * </pre>
 *
 * No entry has reference 0 (an entry's reference follows its two cold words), so 0 ({@link #NIL})
 * means "no entry". Inserting an internal key already present replaces its value,
 * as {@code Map.put} did: the new value is held outside the arena and the entry flagged.
 *
 * <p>Thread-safety: {@link #allocate} is safe from any thread (the arena is synchronized); an
 * entry's words and bytes are written before the index publishes its reference, and the readers
 * here may then be called from any thread. {@link #replaceValue} publishes with a release store.
 */
final class Entries {
  /** The reference that means "no entry". */
  static final long NIL = 0;
  /** Bytes of the user key that the indexes keep inline, as two longs ({@link Probe}). */
  static final int INLINE_BYTES = 16;

  private static final int BYTES = -2;
  private static final int LENGTHS = -1;
  private static final int TRAILER = 0;
  private static final int COLD_WORDS = 2;
  private static final long REPLACED = Long.MIN_VALUE;
  private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

  private final Arena arena;
  /** Values of entries whose internal key was inserted again (rare: WAL replay, repair). */
  private final ConcurrentHashMap<Long, byte[]> replacedValues = new ConcurrentHashMap<>();
  private final AtomicLong replacedBytes = new AtomicLong();

  Entries(Arena arena) {
    this.arena = arena;
  }

  /** The arena the entries live in; an index may allocate its own nodes there. */
  Arena arena() {
    return arena;
  }

  /**
   * Allocates an entry with {@code indexWords} words after its trailer and fills its key, trailer
   * and a copy of {@code value[valueOffset, +valueLength)}; the index words are zero.
   *
   * @return the entry's reference, never {@link #NIL}
   */
  long allocate(int indexWords, byte[] userKey, int keyOffset, int keyLength, long trailer, byte[] value,
      int valueOffset, int valueLength) {
    long e = arena.allocateNode(COLD_WORDS + 1 + indexWords, keyLength + InternalKey.TRAILER_BYTES + valueLength,
        COLD_WORDS + BYTES) + COLD_WORDS;
    long[] w = arena.nodes(e);
    int i = (int) e;
    w[i + TRAILER] = trailer;
    w[i + LENGTHS] = ((long) keyLength << 32) | valueLength;
    long ref = w[i + BYTES];
    byte[] b = arena.bytes(ref);
    int off = (int) ref;
    System.arraycopy(userKey, keyOffset, b, off, keyLength);
    Coding.putFixed64(b, off + keyLength, trailer);
    System.arraycopy(value, valueOffset, b, off + keyLength + InternalKey.TRAILER_BYTES, valueLength);
    return e;
  }

  /** The trailer (sequence and type) of entry {@code e}. */
  long trailer(long e) {
    return arena.nodes(e)[(int) e + TRAILER];
  }

  /**
   * Orders the user keys of entry {@code e} and {@code p} when their zero-padded first 16 bytes
   * are equal: a key of at most 16 bytes is then a prefix of the other, so the bytes past 16 and
   * then the lengths decide. Negative if {@code e}'s sorts first.
   */
  int compareUserKeyTails(long e, Probe p) {
    long[] w = arena.nodes(e);
    int i = (int) e;
    int entryLength = userKeyLength(w[i + LENGTHS]);
    int probeLength = p.userKeyLength;
    if (entryLength > INLINE_BYTES || probeLength > INLINE_BYTES) {
      long ref = w[i + BYTES];
      int off = (int) ref;
      // Not Arrays.compareUnsigned: its vectorized mismatch costs more than it saves on short
      // tails (ArraysSupport.mismatch was 12% self of strata serve's samples, docs/server.md;
      // redis-benchmark's INCR keys, "counter:" and 12 digits, have 4-byte tails).
      int entryInline = Math.min(INLINE_BYTES, entryLength);
      int probeInline = Math.min(INLINE_BYTES, probeLength);
      int c = UnsignedBytes.compare(arena.bytes(ref), off + entryInline, entryLength - entryInline,
          p.bytes, p.offset + probeInline, probeLength - probeInline);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(entryLength, probeLength);
  }

  /** Whether entry {@code e}'s user key is {@code p}'s. */
  boolean sameUserKey(long e, Probe p) {
    long[] w = arena.nodes(e);
    int i = (int) e;
    int length = userKeyLength(w[i + LENGTHS]);
    long ref = w[i + BYTES];
    return length == p.userKeyLength && UnsignedBytes.equal(arena.bytes(ref), (int) ref, p.bytes, p.offset, length);
  }

  /**
   * Orders entry {@code e} and {@code p} in internal-key order when their first 16 user key bytes
   * are equal: the user key tails, then the trailers descending.
   */
  int compareTails(long e, Probe p) {
    int c = compareUserKeyTails(e, p);
    return c != 0 ? c : Long.compareUnsigned(p.trailer, trailer(e));
  }

  private static int userKeyLength(long lengths) {
    return (int) (lengths >>> 32) & Integer.MAX_VALUE;
  }

  /**
   * The arena chunk holding entry {@code e}'s internal key (and, unless replaced, its value): the
   * key is {@code keyBytes(e)[keyOffset(e), keyOffset(e) + internalKeyLength(e))}. The caller
   * must not modify it.
   */
  byte[] keyBytes(long e) {
    return arena.bytes(arena.nodes(e)[(int) e + BYTES]);
  }

  /** Where entry {@code e}'s internal key starts in {@link #keyBytes}. */
  int keyOffset(long e) {
    return (int) arena.nodes(e)[(int) e + BYTES];
  }

  /** The length of entry {@code e}'s internal key (user key and trailer), in bytes. */
  int internalKeyLength(long e) {
    return userKeyLength(arena.nodes(e)[(int) e + LENGTHS]) + InternalKey.TRAILER_BYTES;
  }

  /** A copy of entry {@code e}'s encoded internal key. */
  byte[] internalKey(long e) {
    int off = keyOffset(e);
    return Arrays.copyOfRange(keyBytes(e), off, off + internalKeyLength(e));
  }

  /** A probe for entry {@code e}'s own internal key (viewing the arena, no copy). */
  Probe probe(long e) {
    long[] w = arena.nodes(e);
    int i = (int) e;
    long ref = w[i + BYTES];
    return new Probe(arena.bytes(ref), (int) ref, userKeyLength(w[i + LENGTHS]), w[i + TRAILER]);
  }

  /** Replaces entry {@code e}'s value with a copy of {@code value[offset, +length)}. */
  void replaceValue(long e, byte[] value, int offset, int length) {
    replacedValues.put(e, Arrays.copyOfRange(value, offset, offset + length));
    replacedBytes.addAndGet(length);
    // Release: a reader that sees the flag sees the map entry.
    WORD.getAndBitwiseOrRelease(arena.nodes(e), (int) e + LENGTHS, REPLACED);
  }

  /**
   * Points {@code into} at entry {@code e}'s value without copying: the arena chunk, or the array
   * of a replacing insert. Reads the entry's state once, so a concurrent replacement shows either
   * the old value or the new one, whole. The caller must not modify the viewed bytes.
   */
  void viewValue(long e, Slice into) {
    long[] w = arena.nodes(e);
    int i = (int) e;
    long lengths = (long) WORD.getAcquire(w, i + LENGTHS);
    if (lengths < 0) {
      byte[] replaced = replacedValues.get(e);
      into.set(replaced, 0, replaced.length);
      return;
    }
    long ref = w[i + BYTES];
    into.set(arena.bytes(ref), (int) ref + userKeyLength(lengths) + InternalKey.TRAILER_BYTES, (int) lengths);
  }

  /** A copy of entry {@code e}'s value: a fresh array on every call, which the caller may keep. */
  byte[] value(long e) {
    Slice view = new Slice();
    viewValue(e, view);
    return view.toArray();
  }

  /** Bytes held outside the arena by replacing inserts. */
  long replacedBytes() {
    return replacedBytes.get();
  }
}
