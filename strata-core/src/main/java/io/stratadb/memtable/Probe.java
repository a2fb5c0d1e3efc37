package io.stratadb.memtable;

import io.stratadb.key.InternalKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A search key taken apart once for a memtable index: the user key (in {@code bytes[offset,
 * offset + userKeyLength)}), its first 16 bytes as two big-endian longs ({@link #k0}, {@link #k1},
 * zero-padded), and the trailer (sequence &lt;&lt; 8 | type). The indexes keep the same two longs
 * inline for every entry, so most comparisons are two {@code long} compares.
 *
 * <p>Thread-safety: immutable, provided the caller does not modify {@code bytes}.
 */
final class Probe {
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

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

  /** A probe for an encoded internal key (user key, then the fixed64 trailer). */
  static Probe ofInternalKey(byte[] ikey) {
    return new Probe(ikey, 0, ikey.length - InternalKey.TRAILER_BYTES, InternalKey.trailer(ikey));
  }

  /**
   * The user key's bytes {@code [at, at + 8)} as a big-endian long, bytes past {@code length}
   * read as zero; the key starts at {@code key[base]}. Unsigned order of these longs is the
   * unsigned byte order of the zero-padded keys.
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
}
