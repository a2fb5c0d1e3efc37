package io.stratadb.sstable;

import com.github.luben.zstd.Zstd;
import io.stratadb.Compression;
import io.stratadb.CorruptionException;
import io.stratadb.util.ByteSink;
import io.stratadb.util.ByteSource;
import java.io.IOException;
import net.jpountz.lz4.LZ4Factory;
import org.xerial.snappy.Snappy;

/**
 * Compresses and decompresses SSTable blocks with the well-kept codec libraries (lz4-java,
 * zstd-jni, snappy-java). LZ4 and Zstd payloads start with the raw length as a varint (as RocksDB's
 * format version 2); Snappy carries its own. LZ4 runs lz4-java's pure-Java safe codec unless
 * {@code -Dio.stratadb.lz4.native=true} asks for its JNI one (see {@link Compression}). Stateless
 * and thread-safe.
 */
final class BlockCompressor {
  private static final LZ4Factory LZ4 =
      Boolean.getBoolean("io.stratadb.lz4.native") ? LZ4Factory.fastestInstance() : LZ4Factory.safeInstance();
  private static final int ZSTD_LEVEL = 3;
  /** No block may claim to inflate beyond this: the largest entry (16 MiB key, 256 MiB value) plus slack. */
  private static final long MAX_RAW_BYTES = 320L << 20;

  private BlockCompressor() {}

  /**
   * Compresses {@code raw[off, off + len)} into {@code out} (reset first), without an intermediate
   * copy: the codecs write straight into {@code out}'s buffer. The bytes are those of the codecs'
   * whole-array calls (LZ4 and Zstd prefixed by the raw length as a varint).
   *
   * @return whether {@code out} holds the compressed form; false (and {@code out}'s contents
   *     undefined) for {@link Compression#NONE} or when compression would not save at least 1/8
   * @throws IllegalStateException if a codec fails
   * @throws io.stratadb.CompressionUnavailableException if the codec's optional library is absent
   */
  static boolean compress(Compression type, byte[] raw, int off, int len, ByteSink out) {
    out.reset();
    type.requireAvailable();
    switch (type) {
      case NONE:
        return false;
      case LZ4: {
        var lz4 = LZ4.fastCompressor();
        int bound = lz4.maxCompressedLength(len);
        out.putVarint64(len);
        out.advance(lz4.compress(raw, off, len, out.reserve(bound), out.size(), bound));
        break;
      }
      case ZSTD: {
        int bound = (int) Zstd.compressBound(len);
        out.putVarint64(len);
        long n = Zstd.compressByteArray(out.reserve(bound), out.size(), bound, raw, off, len, ZSTD_LEVEL);
        if (Zstd.isError(n)) {
          throw new IllegalStateException("zstd compression failed: " + Zstd.getErrorName(n));
        }
        out.advance((int) n);
        break;
      }
      case SNAPPY:
        try {
          int bound = Snappy.maxCompressedLength(len);
          out.advance(Snappy.compress(raw, off, len, out.reserve(bound), out.size()));
        } catch (IOException e) {
          throw new IllegalStateException("snappy compression failed", e);
        }
        break;
      default:
        throw new IllegalArgumentException("unknown compression " + type);
    }
    return out.size() < len - len / 8;
  }

  /** Rejects a stated raw length the codec could not produce from the stored bytes. */
  private static int checkRawLength(long rawLength, long codecBound, String fileName, long offset) {
    if (rawLength < 0 || rawLength > Math.min(codecBound, MAX_RAW_BYTES)) {
      throw new CorruptionException(fileName, offset, "compressed block claims " + rawLength + " raw bytes");
    }
    return (int) rawLength;
  }

  /**
   * Decompresses a block stored with {@code type}.
   *
   * @throws CorruptionException if the payload does not decompress (names the file and offset)
   * @throws io.stratadb.CompressionUnavailableException if the codec's optional library is absent
   */
  static byte[] decompress(Compression type, byte[] stored, int length, String fileName, long offset) {
    type.requireAvailable();
    try {
      switch (type) {
        case LZ4: {
          ByteSource src = new ByteSource(stored, 0, length);
          int rawLength = checkRawLength(src.getVarint32(), 255L * length + 64, fileName, offset);
          return LZ4.safeDecompressor().decompress(stored, src.position(), length - src.position(), rawLength);
        }
        case ZSTD: {
          ByteSource src = new ByteSource(stored, 0, length);
          int rawLength = checkRawLength(src.getVarint32(), MAX_RAW_BYTES, fileName, offset);
          byte[] raw = new byte[rawLength];
          long n = Zstd.decompressByteArray(raw, 0, rawLength, stored, src.position(), length - src.position());
          if (Zstd.isError(n) || n != rawLength) {
            throw new CorruptionException(fileName, offset, "zstd block does not decompress");
          }
          return raw;
        }
        case SNAPPY:
          int rawLength = checkRawLength(Snappy.uncompressedLength(stored, 0, length), 32L * length + 64,
              fileName, offset);
          byte[] raw = new byte[rawLength];
          Snappy.uncompress(stored, 0, length, raw, 0);
          return raw;
        default:
          throw new CorruptionException(fileName, offset, "cannot decompress block of type " + type);
      }
    } catch (CorruptionException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CorruptionException(fileName, offset, type + " block does not decompress: " + e.getMessage());
    }
  }
}
