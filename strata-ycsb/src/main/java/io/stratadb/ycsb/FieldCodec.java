package io.stratadb.ycsb;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
   * @return field name to value, in stored order
   * @throws IllegalArgumentException if {@code record} is not a well-formed version-1 record
   *     (the message names the byte offset)
   */
  public static Map<String, byte[]> decode(byte[] record, Set<String> wanted) {
    ByteBuffer in = ByteBuffer.wrap(record);
    try {
      byte version = in.get();
      if (version != VERSION) {
        throw new IllegalArgumentException("record value: unknown format version " + version + " at offset 0");
      }
      int count = nonNegative(in, "field count");
      Map<String, byte[]> fields = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        byte[] name = new byte[nonNegative(in, "field name length")];
        in.get(name);
        byte[] value = new byte[nonNegative(in, "field value length")];
        in.get(value);
        String key = new String(name, StandardCharsets.UTF_8);
        if (wanted == null || wanted.contains(key)) {
          fields.put(key, value);
        }
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(
            "record value: " + in.remaining() + " trailing bytes at offset " + in.position());
      }
      return fields;
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException(
          "record value truncated: " + record.length + " bytes, a field runs past offset " + in.position(), e);
    }
  }

  private static int nonNegative(ByteBuffer in, String what) {
    int at = in.position();
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException(
          "record value: " + what + " " + Integer.toUnsignedString(n) + " at offset " + at
              + " exceeds the " + in.remaining() + " bytes left");
    }
    return n;
  }
}
