package io.stratadb.ycsb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The field names a client thread decoded before, so that decoding a record reuses their strings
 * (and their cached hash codes) instead of making a new string per field: YCSB's records have the
 * same few names ({@code field0} ... {@code field9}) in the same order, and decoding them was a
 * fifth of a scan's CPU time. At most {@value #CAPACITY} names are kept; others are decoded each
 * time.
 *
 * <p>Not thread-safe: one per binding instance, which YCSB uses from one thread.
 */
public final class FieldNames {
  private static final int CAPACITY = 64;

  private final byte[][] encoded = new byte[CAPACITY][];
  private final String[] names = new String[CAPACITY];
  private int size;

  /**
   * The name encoded (UTF-8) in {@code record[offset, offset + length)}, the field at {@code
   * position} in its record (the slot tried first).
   *
   * @param record the record value holding the name
   * @param offset the name's first byte in {@code record}
   * @param length the name's length in bytes
   * @param position the field's index in its record, 0 first
   * @return the name; the String kept from before when it was decoded already
   */
  public String name(byte[] record, int offset, int length, int position) {
    if (position < size && matches(position, record, offset, length)) {
      return names[position];
    }
    for (int i = 0; i < size; i++) {
      if (matches(i, record, offset, length)) {
        return names[i];
      }
    }
    String name = new String(record, offset, length, StandardCharsets.UTF_8);
    if (size < CAPACITY) {
      encoded[size] = Arrays.copyOfRange(record, offset, offset + length);
      names[size++] = name;
    }
    return name;
  }

  private boolean matches(int i, byte[] record, int offset, int length) {
    byte[] e = encoded[i];
    return e.length == length && Arrays.equals(e, 0, length, record, offset, offset + length);
  }
}
