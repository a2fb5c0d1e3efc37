package io.stratadb.sstable;

import io.stratadb.util.ByteSink;
import io.stratadb.util.ByteSource;

/**
 * Where a block lives in an SSTable: offset and size in bytes, the size excluding the 5-byte
 * trailer. Encoded as two varints in index entries (LevelDB's {@code BlockHandle}).
 *
 * @param offset file offset of the block's first byte
 * @param size block contents size in bytes, trailer excluded
 */
public record BlockHandle(long offset, long size) {

  /** Encodes as varint offset, varint size. */
  public byte[] encode() {
    return encodeTo(new ByteSink(20)).toByteArray();
  }

  /** Appends the encoding of {@link #encode()} to {@code out} (2 to 20 bytes) and returns it. */
  public ByteSink encodeTo(ByteSink out) {
    return out.putVarint64(offset).putVarint64(size);
  }

  /**
   * Decodes an encoded handle.
   *
   * @throws IndexOutOfBoundsException if malformed (callers report corruption)
   */
  public static BlockHandle decode(byte[] encoded) {
    ByteSource src = new ByteSource(encoded);
    return new BlockHandle(src.getVarint64(), src.getVarint64());
  }
}
