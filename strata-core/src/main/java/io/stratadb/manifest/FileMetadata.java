package io.stratadb.manifest;

import io.stratadb.key.InternalKey;

/**
 * What the manifest records about one SSTable. Immutable (the key arrays are never modified).
 *
 * @param number file number (the table lives in {@code NNNNNN.sst})
 * @param size file size in bytes
 * @param smallest smallest internal key in the table
 * @param largest largest internal key in the table
 */
public record FileMetadata(long number, long size, byte[] smallest, byte[] largest) {

  /** Whether the table's user-key range overlaps {@code [smallestUserKey, largestUserKey]}; a null bound is unbounded. */
  public boolean overlaps(byte[] smallestUserKey, byte[] largestUserKey) {
    return (smallestUserKey == null || InternalKey.compareUserKey(largest, smallestUserKey) >= 0)
        && (largestUserKey == null || InternalKey.compareUserKey(smallest, largestUserKey) <= 0);
  }

  /** Whether {@code userKey} lies within the table's user-key range. */
  public boolean mayHold(byte[] userKey) {
    return InternalKey.compareUserKey(smallest, userKey) <= 0
        && InternalKey.compareUserKey(largest, userKey) >= 0;
  }

  @Override
  public String toString() {
    return "#" + number + "(" + size + " B, " + InternalKey.toString(smallest) + " .. "
        + InternalKey.toString(largest) + ")";
  }
}
