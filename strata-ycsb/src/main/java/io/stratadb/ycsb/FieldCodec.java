package io.stratadb.ycsb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Encodes a YCSB record (a map from field name to field bytes) into one stored value, and back.
 * Both bindings ({@link StrataDbClient}, {@link RocksDbClient}) store a whole record in one value,
 * as YCSB's own RocksDB binding does, so a read is one point lookup and an update a
 * read-modify-write of one value.
 *
 * <p>Record value format, version 1 (specified in {@code docs/ycsb.md}); integers are 4-byte
 * big-endian, unsigned in practice:
 *
 * <pre>
 *   record := version (1 byte, = 1) | fieldCount (4) | field * fieldCount
 *   field  := nameLength (4) | name (UTF-8) | valueLength (4) | value (bytes)
 * </pre>
 *
 * Fields appear in the iteration order of the encoded map; names are unique within a record.
 *
 * <p>Stateless and thread-safe.
 */
public final class FieldCodec {
  /** The format version written in the first byte of every record value. */
  public static final byte VERSION = 1;

  private static final int HEADER_BYTES = 1 + 4;
  private static final int FIELD_OVERHEAD_BYTES = 4 + 4;

  private FieldCodec() {}

  /**
   * Encodes {@code fields} as a version-1 record value.
   *
   * @param fields field name to value; neither names nor values may be null
   * @return the record value, a new array
   * @throws IllegalArgumentException if a name or value is null
   */
  public static byte[] encode(Map<String, byte[]> fields) {
    int size = HEADER_BYTES;
    byte[][] names = new byte[fields.size()][];
    int i = 0;
    for (Map.Entry<String, byte[]> field : fields.entrySet()) {
      if (field.getKey() == null || field.getValue() == null) {
        throw new IllegalArgumentException("record field name and value must not be null: " + field.getKey());
      }
      names[i] = field.getKey().getBytes(StandardCharsets.UTF_8);
      size += FIELD_OVERHEAD_BYTES + names[i].length + field.getValue().length;
      i++;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(VERSION).putInt(fields.size());
    i = 0;
    for (byte[] value : fields.values()) {
      out.putInt(names[i].length).put(names[i]).putInt(value.length).put(value);
      i++;
    }
    return out.array();
  }

  /**
   * Decodes every field of a record value.
   *
   * @param record the stored record value
   * @return field name to value, in stored order
   * @throws IllegalArgumentException if {@code record} is not a well-formed version-1 record
   *     (the message names the byte offset)
   */
  public static Map<String, byte[]> decode(byte[] record) {
    return decode(record, null);
  }

  /**
   * Decodes the fields of a record value that are in {@code wanted}, or all of them if {@code
   * wanted} is null (YCSB's "read all fields").
   *
   * @param record the stored record value
   * @param wanted the field names to decode, or null for all
   * @return field name to value, in stored order
   * @throws IllegalArgumentException if {@code record} is not a well-formed version-1 record
   *     (the message names the byte offset)
   */
  public static Map<String, byte[]> decode(byte[] record, Set<String> wanted) {
    return decode(record, wanted, null);
  }

  /**
   * As {@link #decode(byte[], Set)}, reusing the strings of {@code names} (null: none).
   *
   * @param record the stored record value
   * @param wanted the field names to decode, or null for all
   * @param names decoded field names to reuse (one per thread), or null to decode every name
   * @return field name to value (copies), in stored order
   * @throws IllegalArgumentException if {@code record} is not a well-formed version-1 record
   */
  public static Map<String, byte[]> decode(byte[] record, Set<String> wanted, FieldNames names) {
    Map<String, byte[]> fields = new LinkedHashMap<>();
    decode(record, wanted, names, (name, bytes, offset, length) ->
        fields.put(name, Arrays.copyOfRange(bytes, offset, offset + length)));
    return fields;
  }

  /** Receives the fields {@link #decode(byte[], Set, FieldNames, FieldVisitor)} finds. */
  @FunctionalInterface
  public interface FieldVisitor {
    /**
     * The field {@code name} has the value {@code record[offset, offset + length)}.
     *
     * @param name the field's name
     * @param record the whole record value; valid only during the call, not to be modified
     * @param offset the value's first byte in {@code record}
     * @param length the value's length in bytes
     */
    void field(String name, byte[] record, int offset, int length);
  }

  /**
   * Hands the fields of a record value that are in {@code wanted} (all of them if it is null) to
   * {@code visitor} in stored order, as views into {@code record}, without copying a value; only
   * once the whole record was checked, so a malformed record hands over nothing.
   *
   * @param record the stored record value
   * @param wanted the field names to hand over, or null for all
   * @param names decoded field names to reuse (one per thread), or null to decode every name
   * @param visitor called once per field handed over, on the calling thread
   * @throws IllegalArgumentException if {@code record} is not a well-formed version-1 record
   *     (the message names the byte offset)
   */
  public static void decode(byte[] record, Set<String> wanted, FieldNames names, FieldVisitor visitor) {
    int count = check(record);
    int at = HEADER_BYTES;
    for (int i = 0; i < count; i++) {
      int nameLength = intAt(record, at);
      at += 4;
      String name = names == null
          ? new String(record, at, nameLength, StandardCharsets.UTF_8) : names.name(record, at, nameLength, i);
      at += nameLength;
      int valueLength = intAt(record, at);
      at += 4;
      if (wanted == null || wanted.contains(name)) {
        visitor.field(name, record, at, valueLength);
      }
      at += valueLength;
    }
  }

  private static int intAt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
  }

  /**
   * Checks the structure of a record value and returns its field count. Reads the array directly:
   * through a {@code ByteBuffer} this check was 14% of workload E's samples (JFR, 2026-12-08).
   *
   * @throws IllegalArgumentException if it is not a well-formed version-1 record
   */
  private static int check(byte[] record) {
    if (record.length == 0) {
      throw truncated(record, 0);
    }
    if (record[0] != VERSION) {
      throw new IllegalArgumentException("record value: unknown format version " + record[0] + " at offset 0");
    }
    int at = 1;
    int count = lengthAt(record, at, "field count");
    at += 4;
    for (int i = 0; i < count; i++) {
      int nameLength = lengthAt(record, at, "field name length");
      at += 4 + nameLength;
      int valueLength = lengthAt(record, at, "field value length");
      at += 4 + valueLength;
    }
    if (at != record.length) {
      throw new IllegalArgumentException("record value: " + (record.length - at) + " trailing bytes at offset " + at);
    }
    return count;
  }

  /** The length at {@code at}, checked to be non-negative and to fit the bytes after it. */
  private static int lengthAt(byte[] record, int at, String what) {
    if (record.length - at < 4) {
      throw truncated(record, at);
    }
    int n = intAt(record, at);
    int remaining = record.length - at - 4;
    if (n < 0 || n > remaining) {
      throw new IllegalArgumentException(
          "record value: " + what + " " + Integer.toUnsignedString(n) + " at offset " + at
              + " exceeds the " + remaining + " bytes left");
    }
    return n;
  }

  private static IllegalArgumentException truncated(byte[] record, int at) {
    return new IllegalArgumentException(
        "record value truncated: " + record.length + " bytes, a field runs past offset " + at);
  }
}
