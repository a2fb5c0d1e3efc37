package io.stratadb.memtable;

import java.util.Arrays;

/**
 * An order-preserving 64-bit summary of a user key, kept beside each skiplist link so a search can
 * tell that the next node sorts after its key without loading that node (see {@link SkipList}).
 *
 * <p>The summary skips a prefix {@code P} of {@code c} bytes that most keys share (in practice
 * the common prefix of the previous memtable's smallest and largest keys, so zero-padded numbers,
 * table or tenant prefixes do not waste the 8 bytes). With {@code Z} the key zero-padded without
 * end: {@code of(key)} is 0 if {@code Z[0, c) < P}, all ones (unsigned maximum) if {@code Z[0, c) >
 * P}, else {@code Z[c, c + 8)} as a big-endian unsigned long. Since {@code key1 < key2} implies
 * {@code Z1 <= Z2}, the summary never decreases along the key order: if {@code of(a) > of(b)}
 * (unsigned) then {@code a > b}. Equal summaries decide nothing. Immutable; thread-safe.
 */
final class KeySummary {
  /** A summary of the first 8 bytes. */
  static final KeySummary FIRST_BYTES = new KeySummary(new byte[0]);
  /** Longest prefix a summary skips, in bytes. */
  static final int MAX_PREFIX_BYTES = 64;

  private final byte[] prefix;

  /**
   * A summary that skips {@code prefix}.
   *
   * @throws IllegalArgumentException if {@code prefix} is longer than {@link #MAX_PREFIX_BYTES}
   */
  KeySummary(byte[] prefix) {
    if (prefix.length > MAX_PREFIX_BYTES) {
      throw new IllegalArgumentException("key summary prefix of " + prefix.length + " bytes exceeds "
          + MAX_PREFIX_BYTES);
    }
    this.prefix = prefix.clone();
  }

  /**
   * A summary skipping the bytes that {@code a} and {@code b} share at their start, at most
   * {@link #MAX_PREFIX_BYTES}; {@link #FIRST_BYTES} if either is null.
   */
  static KeySummary sharedBy(byte[] a, byte[] b) {
    if (a == null || b == null) {
      return FIRST_BYTES;
    }
    int shared = Arrays.mismatch(a, b);
    if (shared < 0) {
      shared = a.length;
    }
    return shared == 0 ? FIRST_BYTES : new KeySummary(Arrays.copyOf(a, Math.min(shared, MAX_PREFIX_BYTES)));
  }

  /** Bytes skipped. */
  int prefixLength() {
    return prefix.length;
  }

  /** The summary of the user key {@code key[offset, offset + length)}. */
  long of(byte[] key, int offset, int length) {
    int c = prefix.length;
    if (c > 0) {
      // A key that ends inside the prefix, matching it so far, summarises to 0 either way: its
      // padding equals or sorts below the rest of the prefix, and its bytes from c are all padding.
      int compared = Math.min(length, c);
      int m = Arrays.compareUnsigned(key, offset, offset + compared, prefix, 0, compared);
      if (m != 0) {
        return m < 0 ? 0 : -1L;
      }
    }
    return SkipList.prefix(key, offset, c, length);
  }
}
