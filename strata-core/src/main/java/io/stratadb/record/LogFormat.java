package io.stratadb.record;

/**
 * Constants of the log format shared by the WAL and the manifest; identical to LevelDB's {@code
 * db/log_format.h} (documented in {@code docs/format.md}, "Log format v1").
 *
 * <p>The file is a sequence of 32 KiB blocks. A block holds physical records; a record never
 * straddles a block boundary, and a block tail shorter than a header is zero-filled. A logical
 * record too large for the space left is split into FIRST, MIDDLE..., LAST fragments.
 *
 * <pre>
 *   physical record:
 *   +-------------------+-------------------+----------+-----------------+
 *   | masked CRC32C (4) | payload length(2) | type (1) | payload (length)|
 *   +-------------------+-------------------+----------+-----------------+
 *   CRC32C covers the type byte and the payload; fixed-width fields are little-endian.
 * </pre>
 */
public final class LogFormat {
  private LogFormat() {}

  /** Size of a log block, in bytes. */
  public static final int BLOCK_SIZE = 32 * 1024;

  /** Size of a physical record header: checksum (4), length (2), type (1). */
  public static final int HEADER_SIZE = 4 + 2 + 1;

  /** Reserved for preallocated, zero-filled regions; never written. */
  public static final byte ZERO_TYPE = 0;
  /** A complete logical record in one fragment. */
  public static final byte FULL_TYPE = 1;
  /** The first fragment of a logical record. */
  public static final byte FIRST_TYPE = 2;
  /** An inner fragment. */
  public static final byte MIDDLE_TYPE = 3;
  /** The last fragment. */
  public static final byte LAST_TYPE = 4;
}
