package io.stratadb.util;

import java.util.zip.CRC32C;

/**
 * CRC32C (Castagnoli) checksums with LevelDB's masking ({@code util/crc32c.h}): a stored CRC is
 * rotated and offset so that a CRC computed over data that itself holds CRCs stays strong.
 * Uses the JDK's intrinsic {@link CRC32C}. Thread-safe.
 */
public final class Crc32c {
  private static final int MASK_DELTA = 0xa282ead8;

  private Crc32c() {}

  /** The unmasked CRC32C of {@code data[off..off+len)}. */
  public static int value(byte[] data, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(data, off, len);
    return (int) crc.getValue();
  }

  /** The CRC32C of one type byte followed by {@code data[off..off+len)}. */
  public static int value(byte type, byte[] data, int off, int len) {
    CRC32C crc = new CRC32C();
    crc.update(type);
    crc.update(data, off, len);
    return (int) crc.getValue();
  }

  /** The masked form of {@code crc}, for storing. */
  public static int mask(int crc) {
    return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
  }

  /** Inverse of {@link #mask(int)}. */
  public static int unmask(int masked) {
    int rot = masked - MASK_DELTA;
    return (rot >>> 17) | (rot << 15);
  }
}
