package io.stratadb.cli.command;

import io.stratadb.admin.ParsedInternalKey;
import io.stratadb.admin.TableFile;
import io.stratadb.cli.Utf8;
import java.util.HexFormat;

/**
 * How the dump commands ({@code sst-dump}, {@code manifest-dump}, {@code wal-dump}) print keys,
 * values and tables: bytes as {@code 'escaped text'} ({@link Utf8#escaped}) or, with {@code --hex},
 * as {@code 0x0a1b...}; an internal key as {@code 'user key' @ sequence TYPE}, as RocksDB's {@code
 * sst_dump} prints {@code 'key' seq:N, type:T}. Stateless; thread-safe.
 */
final class DumpFormat {
  private DumpFormat() {}

  /** {@code b} quoted and escaped, or in hex. */
  static String bytes(byte[] b, boolean hex) {
    return hex ? "0x" + HexFormat.of().formatHex(b) : "'" + Utf8.escaped(b) + "'";
  }

  /** {@code 'user key' @ sequence TYPE}; {@code (none)} for null. */
  static String internalKey(ParsedInternalKey key, boolean hex) {
    if (key == null) {
      return "(none)";
    }
    return bytes(key.userKey(), hex) + " @ " + key.sequence() + " " + key.type();
  }

  /** {@code #N NNNN bytes [smallest .. largest]}. */
  static String table(TableFile f, boolean hex) {
    return "#" + f.number() + " " + f.size() + " bytes [" + internalKey(f.smallest(), hex) + " .. "
        + internalKey(f.largest(), hex) + "]";
  }

  /** The line reporting a torn tail a log reader dropped at {@code offset} of a file of {@code fileSize} bytes. */
  static String tornTail(long offset, long fileSize) {
    return "torn tail at offset " + offset + ": " + (fileSize - offset) + " bytes dropped, as recovery drops them";
  }
}
