package io.stratadb.sstable;

/**
 * On-disk constants of the SSTable format, version 1 (documented in {@code docs/format.md}). The
 * layout follows LevelDB's {@code table/format.h} with a fixed, checksummed footer.
 *
 * <pre>
 *   [data block 1][trailer] ... [data block N][trailer]
 *   [filter block][trailer]          whole-table bloom filter over user keys (absent if bits/key = 0)
 *   [index block][trailer]           last internal key of each data block -> block handle
 *   [footer: 48 bytes]
 *
 *   block trailer (5 bytes): compression type (1) | masked CRC32C of stored contents + type (4)
 *   compression type: 0 none, 1 snappy, 4 LZ4, 7 zstd (RocksDB's codes; see io.stratadb.Compression)
 *
 *   footer:
 *   +0  index offset  fixed64 | +8  index size  fixed64
 *   +16 filter offset fixed64 | +24 filter size fixed64 (0 = no filter)
 *   +32 format version fixed32 | +36 masked CRC32C of bytes [0, 36) fixed32
 *   +40 magic fixed64 ("STRATADB" read little-endian)
 * </pre>
 */
public final class TableFormat {
  private TableFormat() {}

  /** The format version written by this code. */
  public static final int FORMAT_VERSION = 1;

  /** Footer magic number. */
  public static final long MAGIC = 0x4244415441525453L;

  /** Size of the footer, in bytes. */
  public static final int FOOTER_SIZE = 48;

  /** Size of a block trailer, in bytes. */
  public static final int BLOCK_TRAILER_SIZE = 5;

  /** Compression type byte: stored raw. */
  public static final byte NO_COMPRESSION = 0;

  /** File-name suffix of SSTables. */
  public static final String FILE_SUFFIX = ".sst";
}
