package io.stratadb.ycsb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Maps a YCSB (table, key) pair to one engine key: {@code UTF-8(table) 0x00 UTF-8(key)}. Every
 * table is a contiguous key range that starts at {@link #tableStart(String)} and ends before
 * {@link #tableEnd(String)}, and keys of one table keep YCSB's string order (for ASCII keys, which
 * YCSB generates), so a YCSB scan is one forward engine scan inside that range. YCSB's RocksDB
 * binding uses a column family per table instead; a key prefix gives both engines the same layout.
 *
 * <p>Stateless and thread-safe.
 */
public final class RecordKey {
  private static final byte SEPARATOR = 0;

  private RecordKey() {}

  /**
   * The engine key of {@code key} in {@code table}.
   *
   * @param table the YCSB table name
   * @param key the YCSB record key
   * @return the table name (UTF-8), a 0x00 separator and the key (UTF-8)
   * @throws IllegalArgumentException if {@code table} contains the character U+0000 (it would blur
   *     the table boundary)
   */
  public static byte[] of(String table, String key) {
    byte[] prefix = tableStart(table);
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(prefix, prefix.length + k.length);
    System.arraycopy(k, 0, out, prefix.length, k.length);
    return out;
  }

  /**
   * The smallest engine key of {@code table}: the table name and the separator.
   *
   * @param table the YCSB table name
   * @return the table name (UTF-8) followed by the 0x00 separator
   * @throws IllegalArgumentException if {@code table} contains U+0000
   */
  public static byte[] tableStart(String table) {
    if (table.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("YCSB table name must not contain U+0000: " + table);
    }
    byte[] t = table.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(t, t.length + 1);
    out[t.length] = SEPARATOR;
    return out;
  }

  /**
   * The first engine key after every key of {@code table} (exclusive upper bound of its range).
   *
   * @param table the YCSB table name
   * @return the table name (UTF-8) followed by 0x01
   * @throws IllegalArgumentException if {@code table} contains U+0000
   */
  public static byte[] tableEnd(String table) {
    byte[] end = tableStart(table);
    end[end.length - 1] = SEPARATOR + 1;
    return end;
  }
}
