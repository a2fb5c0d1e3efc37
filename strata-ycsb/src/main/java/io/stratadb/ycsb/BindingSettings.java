package io.stratadb.ycsb;

import io.stratadb.Compression;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * Engine settings of a binding, read from YCSB properties named {@code <prefix>.<name>} (e.g.
 * {@code strata.dir}, {@code rocksdb.cachesize}). Both bindings read the same names under their
 * own prefix and apply them the same way, so a comparison passes equal values to both:
 *
 * <ul>
 *   <li>{@code dir} (required): the database directory, created if absent.
 *   <li>{@code writebuffersize}: memtable size in bytes; default 64 MiB (RocksDB's default).
 *   <li>{@code cachesize}: block cache size in bytes; default 64 MiB.
 *   <li>{@code compression}: {@code none}, {@code snappy}, {@code lz4} or {@code zstd}; default
 *       {@code lz4}.
 *   <li>{@code sync}: fsync the write-ahead log on every write; default false (the WAL is always
 *       on).
 * </ul>
 *
 * Sizes accept a plain byte count or a suffix {@code k}, {@code m}, {@code g} (powers of 1024).
 * Immutable value; equal settings open the same shared engine ({@link SharedStore}).
 *
 * @param dir database directory
 * @param writeBufferSize memtable size in bytes
 * @param cacheSize block cache size in bytes
 * @param compression data block codec
 * @param sync whether every write fsyncs the WAL
 */
public record BindingSettings(Path dir, long writeBufferSize, long cacheSize, Compression compression, boolean sync) {
  /** Default memtable size: 64 MiB. */
  public static final long DEFAULT_WRITE_BUFFER_SIZE = 64L << 20;
  /** Default block cache size: 64 MiB. */
  public static final long DEFAULT_CACHE_SIZE = 64L << 20;

  /** Bloom filter bits per key, fixed for both engines (about 1% false positives). */
  public static final int BLOOM_BITS_PER_KEY = 10;
  /** Data block size in bytes, fixed for both engines (both engines' default). */
  public static final int BLOCK_SIZE = 4096;

  /**
   * Reads the settings under {@code prefix} from {@code props}.
   *
   * @param props YCSB's properties
   * @param prefix the binding's property prefix, e.g. {@code strata}
   * @return the settings, defaults for those not given
   * @throws IllegalArgumentException if {@code <prefix>.dir} is missing or a value does not parse
   */
  public static BindingSettings from(Properties props, String prefix) {
    String dir = props.getProperty(prefix + ".dir");
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("property " + prefix + ".dir (the database directory) is required");
    }
    return new BindingSettings(
        Path.of(dir),
        size(props, prefix + ".writebuffersize", DEFAULT_WRITE_BUFFER_SIZE),
        size(props, prefix + ".cachesize", DEFAULT_CACHE_SIZE),
        compression(props.getProperty(prefix + ".compression", "lz4"), prefix + ".compression"),
        bool(props.getProperty(prefix + ".sync", "false"), prefix + ".sync"));
  }

  private static long size(Properties props, String name, long dflt) {
    String text = props.getProperty(name);
    if (text == null) {
      return dflt;
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      default -> 0;
    };
    try {
      long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
      if (n < 0 || n > (Long.MAX_VALUE >> shift)) {
        throw new IllegalArgumentException("property " + name + " out of range: " + text);
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("property " + name + " is not a size in bytes: " + text, e);
    }
  }

  private static Compression compression(String text, String name) {
    try {
      return Compression.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("property " + name + " must be none, snappy, lz4 or zstd: " + text, e);
    }
  }

  private static boolean bool(String text, String name) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("property " + name + " must be true or false: " + text);
    };
  }
}
