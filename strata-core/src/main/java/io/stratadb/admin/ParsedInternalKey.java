package io.stratadb.admin;

import io.stratadb.key.InternalKey;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An entry's key as stored in SSTables, the WAL and the manifest, split into its parts (RocksDB's
 * {@code ParsedInternalKey}): the user key, the sequence number of the write, and whether it is a
 * value or a tombstone. Among entries of one user key, the higher sequence number is the newer one.
 * Immutable; the byte array is shared, do not modify it. Two keys are equal when their user keys
 * hold the same bytes and their sequence numbers and types are equal.
 *
 * @param userKey the key as the application wrote it
 * @param sequence the write's sequence number, from 0 to 2<sup>56</sup> - 1
 * @param type PUT or DELETE
 */
public record ParsedInternalKey(byte[] userKey, long sequence, EntryType type) {

  /**
   * Splits an encoded internal key.
   *
   * @throws IllegalArgumentException if {@code internalKey} is not well-formed
   */
  static ParsedInternalKey of(byte[] internalKey) {
    if (!InternalKey.isWellFormed(internalKey)) {
      throw new IllegalArgumentException("malformed internal key");
    }
    return new ParsedInternalKey(InternalKey.userKey(internalKey), InternalKey.sequence(internalKey),
        EntryType.of(InternalKey.type(internalKey)));
  }

  /**
   * Whether {@code o} is a parsed key with the same user-key bytes, sequence number and type.
   *
   * @param o the object to compare with
   * @return true if they are equal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ParsedInternalKey k && Arrays.equals(userKey, k.userKey) && sequence == k.sequence
        && type == k.type;
  }

  /**
   * A hash of the user-key bytes, sequence number and type, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return (Arrays.hashCode(userKey) * 31 + Long.hashCode(sequence)) * 31 + type.hashCode();
  }

  /**
   * For debugging: the user key in hex, the sequence number and the type.
   *
   * @return e.g. {@code "0x6b6579 @ 12 PUT"}
   */
  @Override
  public String toString() {
    return "0x" + HexFormat.of().formatHex(userKey) + " @ " + sequence + " " + type;
  }
}
